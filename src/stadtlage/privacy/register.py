"""The processing register (Verzeichnis von Verarbeitungstätigkeiten, Art. 30 GDPR), generated.

``build_register()`` turns each activity of ``activities.ACTIVITIES`` into an entry:

- legal bases and retention periods from ``settings.RETENTION_BASIS`` / ``RETENTION_DAYS`` and
  the registered retention rules (what is removed, from when);
- categories of data and of data subjects from the personal-data fields the rules remove
  (``PERSONAL_DATA`` marks in the models) and from references to staff accounts;
- recipients: the roles whose sections open the data (``accounts.permissions``) and the
  organisations with active members in those roles, plus recipients outside the platform;
- technical and organisational measures from the settings and registries (one list for all
  entries) and the activity's own.

The result is plain data (``Register``), rendered as HTML, Markdown (``markdown.py``) and PDF
(``pdf.py``, Typst). Built in German: it is an official record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone, translation

from stadtlage.accounts.models import Role
from stadtlage.accounts.permissions import SECTION_ROLES
from stadtlage.audit import access
from stadtlage.audit.personal import DataCategory, DataSubject, Personal
from stadtlage.audit.retention import RetentionRule, basis, retention_days, rules
from stadtlage.organisations.models import Organisation
from stadtlage.privacy.activities import ACTIVITIES, Activity
from stadtlage.privacy.inventory import REVIEWED, is_staff_reference, mark_of

STAFF_REFERENCE = Personal(DataCategory.STAFF_IDENTITY, (DataSubject.STAFF,))


@dataclass(frozen=True)
class Retention:
    data_class: str
    label: str
    days: int
    starts: str
    purpose: str
    legal_basis: str


@dataclass(frozen=True)
class DataField:
    label: str  # app_label.Model.field
    verbose: str  # "Meldung: E-Mail (vertraulich)"
    category: str


@dataclass
class Entry:
    key: str
    name: str
    purpose: str
    controllers: list[str]
    regime: str
    legal_bases: list[str]
    data_categories: list[str]
    data_subjects: list[str]
    fields: list[DataField]
    recipient_roles: list[str]
    recipient_organisations: list[str]
    other_recipients: list[str]
    retention: list[Retention]
    measures: list[str]


@dataclass
class Register:
    title: str
    as_of: datetime
    entries: list[Entry]
    measures: list[str]
    reviewed: list[tuple[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe data (for the PDF template)."""
        return {
            "title": self.title,
            "as_of": timezone.localtime(self.as_of).strftime("%d.%m.%Y %H:%M"),
            "measures": self.measures,
            "reviewed": [list(r) for r in self.reviewed],
            "entries": [
                {
                    **{k: v for k, v in entry.__dict__.items() if k not in ("fields", "retention")},
                    "fields": [f.__dict__ for f in entry.fields],
                    "retention": [r.__dict__ for r in entry.retention],
                }
                for entry in self.entries
            ],
        }


def _verbose(label: str) -> str:
    app_model, _sep, name = label.rpartition(".")
    try:
        model = apps.get_model(app_model)
        verbose_field = str(model._meta.get_field(name).verbose_name)
        return f"{model._meta.verbose_name}: {verbose_field}"
    except (LookupError, ValueError, FieldDoesNotExist):  # unknown: keep the name
        return label


def _rules_of(activity: Activity) -> list[RetentionRule]:
    by_class = {rule.data_class: rule for rule in rules()}
    return [by_class[c] for c in activity.data_classes if c in by_class]


def _fields(activity_rules: list[RetentionRule]) -> list[tuple[str, Personal]]:
    seen: dict[str, Personal] = {}
    for rule in activity_rules:
        for label in rule.covers:
            mark = mark_of(label)
            if mark is not None:
                seen.setdefault(label, mark)
    # The models these rules touch that point at a staff account carry staff identities too.
    touched = {label.rpartition(".")[0] for label in seen}
    touched |= {label for rule in activity_rules for label in rule.removes_rows_of}
    for app_model in sorted(touched):
        try:
            model = apps.get_model(app_model)
        except (LookupError, ValueError):
            continue
        for f in model._meta.get_fields():
            if is_staff_reference(f):
                seen.setdefault(f"{model._meta.label}.{f.name}", STAFF_REFERENCE)
    return sorted(seen.items())


def _roles(activity: Activity) -> list[str]:
    codes: set[str] = set(activity.extra_roles)
    for section in activity.sections:
        codes |= SECTION_ROLES.get(section, frozenset())
    return sorted(codes)


def _organisations(role_codes: list[str]) -> list[str]:
    names = (
        Organisation.objects.filter(memberships__role__in=role_codes, memberships__is_active=True)
        .order_by("name")
        .values_list("name", flat=True)
        .distinct()
    )
    return list(names)


def general_measures() -> list[str]:
    """Technical and organisational measures that hold for every activity, from the settings."""
    logged = sum(1 for rule in access.classified().values() if rule.policy == access.LOGGED)
    measures = [
        f"Zugriff nur über Rollen aus Mitgliedschaften je Organisation und über getrennte "
        f"Datenbereiche (Stadt, Polizei, Suchthilfe); ohne Rolle kein Zugriff "
        f"({len(SECTION_ROLES)} Bereiche).",
        f"Jede Änderung steht mit Person, Zeit und vorher/nachher im Protokoll; jeder Zugriff "
        f"auf nicht öffentliche Datensätze wird protokolliert ({logged} protokollierte "
        f"Seiten- und Schnittstellenregeln, dazu alle Seiten der Verwaltung).",
        f"Löschung nach Fristen: `stadtlage purge` täglich, {len(rules())} Datenklassen; "
        f"veröffentlichte Kennzahlen bleiben unverändert (abgeschlossene Zeiträume "
        f"festgeschrieben).",
        f"Anmeldesperre nach {settings.AXES_FAILURE_LIMIT} Fehlversuchen für "
        f"{float(settings.AXES_COOLOFF_TIME) * 60:g} Minuten.",
        f"Öffentliche Statistik: Zahlen unter {settings.PUBLIC_MIN_COUNT} werden unterdrückt; "
        f"personenbezogene Kategorien nur verallgemeinert (Rasterzelle, Tag).",
        "Fotos werden neu kodiert, ohne Metadaten (EXIF/GPS); nur Orte, keine Personen.",
        "Freitexte werden geprüft und maskiert (keine Angaben zu Personen oder zur "
        "Gesundheit); Schlüssel der Schnittstellen nur als Hash gespeichert.",
        "Von der Suchthilfe kommen nur Aggregate, nie Daten einzelner Personen.",
    ]
    roles: frozenset[str] = getattr(settings, "TWO_FACTOR_ROLES", frozenset())
    if roles and getattr(settings, "TWO_FACTOR_ENFORCED", False):
        labels = ", ".join(sorted(str(Role(r).label) for r in roles if r in Role.values))
        measures.append(f"Zweiter Faktor (TOTP oder Passkey) Pflicht für: {labels}.")
    if settings.SESSION_COOKIE_SECURE:
        measures.append("Übertragung nur verschlüsselt (HTTPS, sichere Cookies).")
    return measures


def build_entry(activity: Activity) -> Entry:
    activity_rules = _rules_of(activity)
    fields = _fields(activity_rules)
    categories = sorted({str(DataCategory(m.category).label) for _l, m in fields})
    subjects = sorted({str(DataSubject(s).label) for _l, m in fields for s in m.subjects})
    role_codes = _roles(activity)
    legal_bases: list[str] = []
    for rule in activity_rules:
        text = str(basis(rule.data_class).get("legal_basis", ""))
        if text and text not in legal_bases:
            legal_bases.append(text)
    return Entry(
        key=activity.key,
        name=str(activity.name),
        purpose=str(activity.purpose),
        controllers=[str(c) for c in activity.controllers],
        regime=str(activity.regime),
        legal_bases=legal_bases,
        data_categories=categories,
        data_subjects=subjects,
        fields=[
            DataField(label, _verbose(label), str(DataCategory(mark.category).label))
            for label, mark in fields
        ],
        recipient_roles=[str(Role(r).label) for r in role_codes],
        recipient_organisations=_organisations(role_codes),
        other_recipients=[str(r) for r in activity.other_recipients],
        retention=[
            Retention(
                data_class=rule.data_class,
                label=str(rule.label),
                days=retention_days(rule.data_class),
                starts=str(rule.starts),
                purpose=str(basis(rule.data_class).get("purpose", "")),
                legal_basis=str(basis(rule.data_class).get("legal_basis", "")),
            )
            for rule in activity_rules
        ],
        measures=[str(m) for m in activity.measures],
    )


def build_register(*, now: datetime | None = None) -> Register:
    """The whole register as of ``now``, in German."""
    with translation.override(settings.LANGUAGE_CODE):
        return Register(
            title="Verzeichnis von Verarbeitungstätigkeiten – stadtlage",
            as_of=now or timezone.now(),
            entries=[build_entry(activity) for activity in ACTIVITIES],
            measures=general_measures(),
            reviewed=sorted(REVIEWED.items()),
        )
