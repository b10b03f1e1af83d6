"""Reference data of the Ordnungspartnerschaft as plain data (DOMAIN.md §1–§3).

Loaded into the database by `stadtlage.demo.baseline`; afterwards administrators edit the rows,
the code never consults these tuples at runtime except for loading. Natural keys: organisation
`short_name`, working group `slug`, everything else `code`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from stadtlage.accounts.models import Role
from stadtlage.organisations.models import DataDomain, OrganisationKind


@dataclass(frozen=True)
class OrganisationSpec:
    short_name: str
    name: str
    kind: str
    data_domain: str
    parent: str | None = None


CITY: Final = "Stadt Dortmund"
KOD: Final = "KOD"
SOCIAL_OFFICE: Final = "Sozialamt"
HEALTH_OFFICE: Final = "Gesundheitsamt"
YOUTH_OFFICE: Final = "Jugendamt"
CIVIL_ENGINEERING: Final = "Tiefbauamt"
ECONOMIC_DEVELOPMENT: Final = "Wirtschaftsförderung"
STATISTICS: Final = "Statistik"
SITUATION_CENTRE: Final = "Lagezentrum"
POLICE: Final = "Polizei"
EDG: Final = "EDG"
KICK: Final = "kick"
ADDICTION_COUNSELLING: Final = "Suchthilfe"
STREETWORK: Final = "Streetwork"
DSW21: Final = "DSW21"
RETAIL: Final = "Einzelhandel"

K = OrganisationKind
D = DataDomain
ORGANISATIONS: Final[tuple[OrganisationSpec, ...]] = (
    OrganisationSpec(CITY, "Stadt Dortmund", K.CITY, D.CITY_OPERATIONS),
    OrganisationSpec(
        KOD,
        "Ordnungsamt / Kommunaler Ordnungsdienst (KOD)",
        K.CITY_DEPARTMENT,
        D.CITY_OPERATIONS,
        CITY,
    ),
    OrganisationSpec(SOCIAL_OFFICE, "Sozialamt", K.CITY_DEPARTMENT, D.CITY_OPERATIONS, CITY),
    OrganisationSpec(HEALTH_OFFICE, "Gesundheitsamt", K.CITY_DEPARTMENT, D.CITY_OPERATIONS, CITY),
    OrganisationSpec(YOUTH_OFFICE, "Jugendamt", K.CITY_DEPARTMENT, D.CITY_OPERATIONS, CITY),
    OrganisationSpec(CIVIL_ENGINEERING, "Tiefbauamt", K.CITY_DEPARTMENT, D.CITY_OPERATIONS, CITY),
    OrganisationSpec(
        ECONOMIC_DEVELOPMENT,
        "Wirtschaftsförderung / City-Marketing",
        K.CITY_DEPARTMENT,
        D.CITY_OPERATIONS,
        CITY,
    ),
    OrganisationSpec(
        STATISTICS, "Dortmunder Statistik", K.CITY_DEPARTMENT, D.CITY_OPERATIONS, CITY
    ),
    OrganisationSpec(
        SITUATION_CENTRE,
        "Kommunales Lagezentrum (Sonderstab „Ordnung und Stadtleben“)",
        K.CITY_DEPARTMENT,
        D.CITY_OPERATIONS,
        CITY,
    ),
    OrganisationSpec(POLICE, "Polizei Dortmund", K.POLICE, D.POLICE),
    OrganisationSpec(EDG, "EDG Entsorgung Dortmund GmbH", K.UTILITY, D.CITY_OPERATIONS),
    OrganisationSpec(
        KICK,
        "aidshilfe dortmund e.V. – Drogenkonsumraum „kick“",
        K.SOCIAL_SERVICE,
        D.ADDICTION_HELP,
    ),
    OrganisationSpec(
        ADDICTION_COUNSELLING,
        "Suchthilfe Dortmund – Beratungsstellen",
        K.SOCIAL_SERVICE,
        D.ADDICTION_HELP,
    ),
    # Streetworkers work on reports routed to them (camping, drug waste): city operations.
    OrganisationSpec(
        STREETWORK,
        "Streetwork (Sozialamt/Träger)",
        K.SOCIAL_SERVICE,
        D.CITY_OPERATIONS,
        SOCIAL_OFFICE,
    ),
    OrganisationSpec(DSW21, "Dortmunder Stadtwerke AG (DSW21)", K.UTILITY, D.PUBLIC),
    OrganisationSpec(RETAIL, "Einzelhandel City (Cityring / Handelsverband)", K.BUSINESS, D.PUBLIC),
)


@dataclass(frozen=True)
class WorkingGroupSpec:
    slug: str
    name: str
    mission: str
    order: int


WG_CITYSCAPE: Final = "stadtbild-verschoenern"
WG_CAMPING: Final = "campieren-reduzieren"
WG_HARASSMENT: Final = "belaestigungen-bekaempfen"
WG_ADDICTION_PREVENTION: Final = "sucht-vermeiden"
WG_ADDICTION_HELP: Final = "suchthilfe-weiterentwickeln"

WORKING_GROUPS: Final[tuple[WorkingGroupSpec, ...]] = (
    WorkingGroupSpec(
        WG_CITYSCAPE,
        "Stadtbild verschönern",
        "Sauberkeit und Aufenthaltsqualität der City verbessern: Drogenabfälle und Müll schnell "
        "beseitigen, dunkle Ecken ausleuchten, Plätze und Wege aufwerten.",
        1,
    ),
    WorkingGroupSpec(
        WG_CAMPING,
        "Campieren reduzieren",
        "Lagern und Campieren im öffentlichen Raum zurückdrängen und wohnungslosen Menschen "
        "zugleich Wege in Hilfe und Unterkunft eröffnen.",
        2,
    ),
    WorkingGroupSpec(
        WG_HARASSMENT,
        "Belästigungen bekämpfen",
        "Aggressives Betteln, Belästigungen von Passantinnen und Passanten und störende "
        "Ansammlungen gemeinsam mit der Polizei konsequent unterbinden.",
        3,
    ),
    WorkingGroupSpec(
        WG_ADDICTION_PREVENTION,
        "Sucht vermeiden",
        "Öffentlichen Drogenkonsum und Drogenhandel in der Innenstadt zurückdrängen und die "
        "Prävention stärken.",
        4,
    ),
    WorkingGroupSpec(
        WG_ADDICTION_HELP,
        "Suchthilfe weiterentwickeln",
        "Hilfen für suchtkranke Menschen ausbauen – Drogenkonsumraum „kick“, Streetwork, "
        "Beratung – und Zugänge in Hilfe erleichtern.",
        5,
    ),
)


@dataclass(frozen=True)
class ObservationCategorySpec:
    code: str
    name: str
    working_group: str | None
    legal_reference: str
    enforcement_driven: bool = False
    counts_persons: bool = True
    fine_min_eur: int | None = None
    fine_max_eur: int | None = None


DRUG_LEGAL = "OBG NRW (Gefahrenabwehr); Besitz von Betäubungsmitteln: § 29 BtMG (Polizei)"
OBSERVATION_CATEGORIES: Final[tuple[ObservationCategorySpec, ...]] = (
    ObservationCategorySpec(
        "drug-use-crack",
        "Öffentlicher Drogenkonsum – Crack",
        WG_ADDICTION_PREVENTION,
        DRUG_LEGAL,
        enforcement_driven=True,
    ),
    ObservationCategorySpec(
        "drug-use-other",
        "Öffentlicher Drogenkonsum – andere Substanzen",
        WG_ADDICTION_PREVENTION,
        DRUG_LEGAL,
        enforcement_driven=True,
    ),
    ObservationCategorySpec(
        "suspected-dealing",
        "Verdacht auf Drogenhandel",
        WG_ADDICTION_PREVENTION,
        "§ 29 BtMG (Strafverfolgung durch die Polizei)",
        enforcement_driven=True,
    ),
    ObservationCategorySpec(
        "camping",
        "Lagern / Campieren / Nächtigen",
        WG_CAMPING,
        "§ 7b OBV Dortmund (2023 in der Praxis: Verwarnung ohne Verwarnungsgeld)",
        enforcement_driven=True,
    ),
    ObservationCategorySpec(
        "aggressive-begging",
        "Aggressives Betteln",
        WG_HARASSMENT,
        "OBV Dortmund; Verwarnungsgeld gestaffelt: Zugehen 15 €, Versperren 20 €, Anfassen "
        "25 €, Bedrängen 35 € (§ 56 OWiG bis 55 €)",
        fine_min_eur=15,
        fine_max_eur=55,
    ),
    ObservationCategorySpec(
        "harassment",
        "Belästigung von Passantinnen und Passanten",
        WG_HARASSMENT,
        "OBV Dortmund; bei Straftaten StGB (Polizei)",
    ),
    ObservationCategorySpec(
        "disruptive-gathering",
        "Störende Ansammlung",
        WG_HARASSMENT,
        "§ 24 OBG NRW i. V. m. § 34 Abs. 1 PolG NRW (Platzverweis)",
    ),
    ObservationCategorySpec(
        "drug-waste",
        "Drogenabfälle (Spritzen, Folien, Pfeifen)",
        WG_CITYSCAPE,
        "Gefahrenabwehr (§ 14 OBG NRW); Beseitigung durch die EDG",
        counts_persons=False,
    ),
    ObservationCategorySpec(
        "litter",
        "Müll / Littering",
        WG_CITYSCAPE,
        "OBV Dortmund (Kippe/Becher 50 €); Bußgeldkatalog Umwelt NRW 2022: 100 € für "
        "Kleinabfall; Verwarnungsgeld § 56 OWiG 5–55 €",
        fine_min_eur=5,
        fine_max_eur=55,
    ),
    ObservationCategorySpec(
        "public-urination",
        "Urinieren in der Öffentlichkeit",
        WG_CITYSCAPE,
        "OBV Dortmund, Verwarnungsgeldkatalog seit 2019: 50 €",
        fine_min_eur=50,
        fine_max_eur=50,
    ),
    ObservationCategorySpec(
        "alcohol-prohibited",
        "Alkoholkonsum im Verbotsbereich",
        WG_HARASSMENT,
        "OBV Dortmund (z. B. Alkohol auf Spielplätzen); Verwarnungsgeld § 56 OWiG 5–55 €",
        fine_min_eur=5,
        fine_max_eur=55,
    ),
    ObservationCategorySpec(
        "damage-graffiti",
        "Sachbeschädigung / Graffiti",
        WG_CITYSCAPE,
        "§§ 303, 304 StGB (Strafanzeige durch die Polizei)",
        counts_persons=False,
    ),
    ObservationCategorySpec(
        "medical-emergency",
        "Medizinischer Notfall",
        WG_ADDICTION_HELP,
        "Hilfeleistung; Rettungsdienst verständigen (§ 323c StGB)",
    ),
    ObservationCategorySpec(
        "citizen-contact",
        "Bürgerkontakt (Hinweis, Beschwerde, Frage)",
        None,
        "Ansprechpartner für alle (Kooperationsvereinbarung Ordnungspartnerschaft 2023)",
    ),
    ObservationCategorySpec("other", "Sonstige Feststellung", None, ""),
)


R = Role
FIELD_ROLES: Final = (R.KOD_OFFICER.value, R.POLICE_OFFICER.value, R.SHIFT_LEAD.value)
HELP_ROLES: Final = (*FIELD_ROLES, R.STREETWORKER.value)
POLICE_ONLY: Final = (R.POLICE_OFFICER.value,)
REFERRAL_SERVICES: Final = ("kick", "Streetwork", "Suchtberatung", "Wohnungslosenhilfe")


@dataclass(frozen=True)
class MeasureTypeSpec:
    code: str
    name: str
    legal_basis: str
    allowed_roles: tuple[str, ...]
    requires_amount: bool = False
    min_amount_eur: int | None = None
    max_amount_eur: int | None = None
    requires_case_number: bool = False
    referral_services: tuple[str, ...] = field(default_factory=tuple)
    creates_cleaning_task: bool = False
    cleaning_organisation: str | None = None  # short name; EDG, not any other utility


MEASURE_TYPES: Final[tuple[MeasureTypeSpec, ...]] = (
    MeasureTypeSpec(
        "address", "Ansprache", "Gefahrenabwehr (§ 14 OBG NRW, § 8 PolG NRW)", HELP_ROLES
    ),
    MeasureTypeSpec(
        "referral",
        "Vermittlung an Suchthilfe / Streetwork",
        "freiwilliges Hilfeangebot",
        HELP_ROLES,
        referral_services=REFERRAL_SERVICES,
    ),
    MeasureTypeSpec(
        "identity-check",
        "Identitätsfeststellung",
        "§ 24 OBG NRW i. V. m. § 12 PolG NRW",
        FIELD_ROLES,
    ),
    MeasureTypeSpec(
        "platzverweis", "Platzverweis", "§ 24 OBG NRW i. V. m. § 34 Abs. 1 PolG NRW", FIELD_ROLES
    ),
    MeasureTypeSpec(
        "area-ban",
        "Aufenthalts-/Bereichsbetretungsverbot",
        "§ 34 Abs. 2 PolG NRW (schriftlich, höchstens drei Monate)",
        POLICE_ONLY,
    ),
    MeasureTypeSpec(
        "warning", "Verwarnung ohne Verwarnungsgeld", "§ 56 Abs. 1 Satz 2 OWiG", FIELD_ROLES
    ),
    MeasureTypeSpec(
        "warning-fine",
        "Verwarnung mit Verwarnungsgeld",
        "§ 56 Abs. 1 Satz 1 OWiG (5–55 €, nur mit Einverständnis und Zahlung)",
        FIELD_ROLES,
        requires_amount=True,
        min_amount_eur=5,
        max_amount_eur=55,
    ),
    MeasureTypeSpec(
        "offence-report",
        "Ordnungswidrigkeitenanzeige",
        "§§ 46, 53 OWiG; Personalien nur im Verfahren der Bußgeldstelle",
        FIELD_ROLES,
        requires_case_number=True,
    ),
    MeasureTypeSpec("criminal-complaint", "Strafanzeige", "§ 158 StPO (Polizei)", POLICE_ONLY),
    MeasureTypeSpec(
        "seizure", "Sicherstellung", "§ 24 OBG NRW i. V. m. § 43 PolG NRW", FIELD_ROLES
    ),
    MeasureTypeSpec("ambulance", "Rettungsdienst verständigt", "Hilfeleistung", HELP_ROLES),
    MeasureTypeSpec(
        "cleaning-request",
        "Reinigung angefordert",
        "Gefahrenabwehr; Auftrag an die EDG",
        HELP_ROLES,
        creates_cleaning_task=True,
        cleaning_organisation=EDG,
    ),
)
