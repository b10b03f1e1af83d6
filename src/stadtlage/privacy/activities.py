"""The processing activities of stadtlage (Art. 30 GDPR; DSG NRW for the police parts).

Each activity names what cannot be read off the data model — purpose, controller, the legal
regime, recipients outside the platform — and the retention data classes it consists of.
Everything else in the register is generated (`register.build_register`): legal bases and
periods from the settings, categories of data and of data subjects from the fields marked in
the models, recipients from the roles that may open the data and the organisations whose
members hold them, measures from the settings and registries.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from stadtlage.accounts.models import Role
from stadtlage.accounts.permissions import Section
from stadtlage.organisations.models import DataDomain

CITY = _("Stadt Dortmund, Der Oberbürgermeister")
ORDER_OFFICE = _("Stadt Dortmund, Ordnungsamt (Kommunaler Ordnungsdienst)")
POLICE = _("Polizeipräsidium Dortmund (für Daten im Datenbereich Polizei)")


@dataclass(frozen=True)
class Activity:
    key: str
    name: str | Promise
    purpose: str | Promise
    controllers: tuple[str | Promise, ...]
    regime: str | Promise  # GDPR, or DSG NRW Part 3 (law enforcement directive)
    data_classes: tuple[str, ...]  # retention data classes (settings.RETENTION_DAYS)
    sections: tuple[str, ...]  # parts of the platform through which the data is read
    domains: tuple[str, ...] = ()
    extra_roles: tuple[str, ...] = ()  # roles reading through other ways (e.g. the admin)
    other_recipients: tuple[str | Promise, ...] = ()
    measures: tuple[str | Promise, ...] = ()  # measures specific to this activity


ACTIVITIES: tuple[Activity, ...] = (
    Activity(
        "streifen",
        _("Gemeinsame Streifen: Präsenz, Feststellungen und Maßnahmen"),
        _(
            "Lagebild, Einsatzplanung und Nachweis der Arbeit der Ordnungspartnerschaft; "
            "Zuordnung von Maßnahmen zu Bußgeldverfahren über deren Aktenzeichen."
        ),
        (ORDER_OFFICE, POLICE),
        _(
            "DSGVO und DSG NRW; Verfolgung von Ordnungswidrigkeiten und Daten der Polizei: "
            "DSG NRW Teil 3 (Richtlinie (EU) 2016/680) und PolG NRW"
        ),
        (
            "observation",
            "measure",
            "case_number",
            "field_photo",
            "patrol",
            "patrol_track",
            "sync_conflict",
        ),
        sections=(Section.FIELD, Section.SHIFT),
        domains=(DataDomain.CITY_OPERATIONS, DataDomain.POLICE),
        extra_roles=(Role.ANALYST, Role.ADMIN),
        other_recipients=(
            _("Bußgeldstelle: nur das Aktenzeichen; personenbezogene Daten bleiben im Verfahren"),
            _("Öffentlichkeit und Sonderstab: nur Aggregate (Kennzahlen)"),
        ),
        measures=(
            _("Streifen erfassen Anzahlen, keine Namen oder Beschreibungen von Personen"),
            _("Standortverlauf nur mit Einwilligung, gelöscht nach Ableitung der Präsenz"),
        ),
    ),
    Activity(
        "buergermeldungen",
        _("Bürgermeldungen (Webformular und Open311)"),
        _(
            "Bearbeitung von Hinweisen auf Probleme im öffentlichen Raum, Rückmeldung an die "
            "meldende Person und Veröffentlichung des Bearbeitungsstands."
        ),
        (CITY,),
        _("DSGVO und DSG NRW"),
        ("report_text", "internal_note", "report_photo", "reporter_email", "reporter_email_max"),
        sections=(Section.QUEUE,),
        domains=(DataDomain.CITY_OPERATIONS,),
        extra_roles=(Role.ADMIN,),
        other_recipients=(
            _(
                "Öffentlichkeit und Open311-Anwendungen: moderierte Beschreibung, freigegebene "
                "Fotos, Bearbeitungsstand; personenbezogene Kategorien nur verallgemeinert"
            ),
            _("Organisationen, die über eine Kategorie informiert werden (lesend)"),
            _("die meldende Person: Status-E-Mails, Auskunft über den Vorgangsschlüssel"),
        ),
        measures=(
            _("E-Mail-Adresse nie öffentlich und nie im Protokoll; sofort löschbar"),
            _("öffentliche Beschreibung automatisch maskiert und moderiert"),
        ),
    ),
    Activity(
        "reinigung",
        _("Reinigungsaufträge"),
        _("Beseitigung von Abfall und Spritzen, die Streifen oder Bürgermeldungen melden."),
        (CITY,),
        _("DSGVO und DSG NRW"),
        ("cleaning_note", "cleaning_photo"),
        sections=(Section.CLEANING,),
        domains=(DataDomain.CITY_OPERATIONS,),
    ),
    Activity(
        "partnerkennzahlen",
        _("Kennzahlen der Partner"),
        _(
            "Aggregierte Kennzahlen von Partnern (z. B. Drogenhilfe, Polizei) für das "
            "Lagebild des Sonderstabs; Erläuterung auffälliger Werte."
        ),
        (CITY,),
        _("DSGVO und DSG NRW; keine personenbezogenen Daten der Suchthilfe (nur Aggregate)"),
        ("partner_note",),
        sections=(Section.PARTNER_FIGURES,),
        domains=(DataDomain.ADDICTION_HELP, DataDomain.POLICE),
        other_recipients=(_("Sonderstab und Öffentlichkeit: nur Aggregate"),),
        measures=(
            _(
                "Gründe als Codes; kurze Bemerkungen geprüft, maskiert und erst nach Freigabe "
                "für andere sichtbar"
            ),
        ),
    ),
    Activity(
        "open311",
        _("Angebundene Open311-Anwendungen"),
        _("Zulassung und Erreichbarkeit der Betreiber von Anwendungen, die Meldungen senden."),
        (CITY,),
        _("DSGVO und DSG NRW"),
        ("api_client_contact",),
        sections=(),
        extra_roles=(Role.ADMIN,),
    ),
    Activity(
        "konten",
        _("Konten, Anmeldung und Rollen der Beschäftigten"),
        _(
            "Anmeldung mit zweitem Faktor oder über den Anmeldedienst der Organisation, "
            "Rollen aus Mitgliedschaften, Abmelden verlorener Geräte, Schutz vor Ausprobieren "
            "von Passwörtern."
        ),
        (CITY,),
        _("DSGVO und § 18 DSG NRW (Beschäftigtendaten)"),
        ("staff_account", "signed_in_device", "login_attempts"),
        sections=(Section.AUDIT,),
        extra_roles=(Role.ADMIN, Role.SHIFT_LEAD),
    ),
    Activity(
        "protokoll",
        _("Protokoll der Änderungen und Zugriffe"),
        _(
            "Nachweis, wer welche Daten wann geändert, gelesen oder exportiert hat "
            "(Datenschutzkontrolle, Auskunft)."
        ),
        (CITY, POLICE),
        _("Art. 5 Abs. 2 und Art. 32 DSGVO; DSG NRW Teil 3 (Protokollierung)"),
        ("audit", "access_log"),
        sections=(Section.AUDIT, Section.PRIVACY),
        extra_roles=(Role.ADMIN,),
    ),
)
