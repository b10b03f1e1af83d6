"""A sensible starting set of indicators for the five working groups and presence.

``load_indicators()`` is idempotent: an indicator whose code exists is left as it is (analysts
may have changed it since). It refers to catalogue entries by code (``demo/catalogue.py``); a
partner series that does not exist yet skips the indicators that need it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q

from stadtlage.kpi.definitions import Definition
from stadtlage.kpi.models import (
    Aggregation,
    ChartType,
    Direction,
    Exposure,
    Indicator,
    PartnerSeries,
    Quantity,
    Source,
)
from stadtlage.kpi.services import indicator_create
from stadtlage.organisations.models import WorkingGroup
from stadtlage.places.models import Area

WORKING_GROUPS = {
    "stadtbild-verschoenern": ("Stadtbild verschönern", 1),
    "campieren-reduzieren": ("Campieren reduzieren", 2),
    "belaestigungen-bekaempfen": ("Belästigungen bekämpfen", 3),
    "sucht-vermeiden": ("Sucht vermeiden", 4),
    "suchthilfe-weiterentwickeln": ("Suchthilfe weiterentwickeln", 5),
    "praesenz-verstaerken": ("Präsenz verstärken", 6),
}

W, M = "week", "month"
DEC, INC, NEU = Direction.DECREASE, Direction.INCREASE, Direction.NEUTRAL
NOT_DUPLICATES = "Duplikate zählen nicht."


@dataclass(frozen=True)
class Spec:
    code: str
    group: str
    name: str
    rule: str
    unit: str
    source: str
    aggregation: str
    direction: str
    chart: str
    period: str = W
    codes: tuple[str, ...] = ()
    area: str = ""  # area slug or name
    hours: tuple[int, int] | None = None
    quantity: str = Quantity.RECORDS
    partner: str = ""
    exposure: str = ""
    exposure_partner: str = ""
    per: float = 1.0
    within: float | None = None
    enforcement: bool = False
    pair: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


S = Source
A = Aggregation
C = ChartType
SPECS: tuple[Spec, ...] = (
    # Präsenz verstärken
    Spec(
        "praesenz-stunden",
        "praesenz-verstaerken",
        "Präsenzstunden der Streifen",
        "Summe der Präsenzzeiten aller Streifen (Check-in oder Standort mit Einwilligung) in "
        "allen Gebieten, je ISO-Woche, in Stunden. Eine gemeinsame Streife zählt einmal.",
        "Std.",
        S.PRESENCE,
        A.SUM,
        INC,
        C.XMR,
        quantity=Quantity.HOURS,
    ),
    Spec(
        "praesenz-abend",
        "praesenz-verstaerken",
        "Präsenzstunden am Abend (18–24 Uhr)",
        "Präsenzzeiten, die zwischen 18 und 24 Uhr beginnen, je ISO-Woche, in Stunden.",
        "Std.",
        S.PRESENCE,
        A.SUM,
        INC,
        C.XMR,
        quantity=Quantity.HOURS,
        hours=(18, 24),
    ),
    Spec(
        "brennpunkt-dosis",
        "praesenz-verstaerken",
        "Gelieferte Dosis an Brennpunkten",
        "Stunden, die die Streifen an den Brennpunkten freigegebener Streifenpläne tatsächlich "
        "vor Ort waren (Check-in des Halts oder Standort mit Einwilligung im Umkreis von 75 m, "
        "überlappend einmal), je ISO-Woche der geplanten Ankunft. Gemessen wird die gelieferte, "
        "nicht die geplante Dosis.",
        "Std.",
        S.HOTSPOT_DOSAGE,
        A.SUM,
        INC,
        C.XMR,
        quantity=Quantity.HOURS,
    ),
    Spec(
        "brennpunkt-dosis-geplant",
        "praesenz-verstaerken",
        "Geplante Dosis an Brennpunkten",
        "Summe der geplanten Aufenthalte (10–16 Minuten je Halt) freigegebener Streifenpläne, "
        "je ISO-Woche, in Stunden – der Maßstab für die gelieferte Dosis.",
        "Std.",
        S.HOTSPOT_DOSAGE,
        A.SUM,
        NEU,
        C.XMR,
        quantity=Quantity.PLANNED_HOURS,
    ),
    # Stadtbild verschönern
    Spec(
        "spritzen-meldungen",
        "stadtbild-verschoenern",
        "Bürgermeldungen zu Spritzen",
        f"Bürgermeldungen der Kategorie „Spritzen / Drogenabfälle“ je ISO-Woche nach "
        f"Eingangsdatum. {NOT_DUPLICATES}",
        "Meldungen",
        S.REPORTS,
        A.COUNT,
        DEC,
        C.XMR,
        codes=("drug-waste",),
    ),
    Spec(
        "spritzen-4h",
        "stadtbild-verschoenern",
        "Spritzenmeldungen in 4 Stunden erledigt",
        "Anteil der Spritzen-Meldungen einer Woche, die spätestens 4 Stunden nach Eingang "
        f"abgeschlossen wurden; Nenner: alle Spritzen-Meldungen der Woche. {NOT_DUPLICATES}",
        "%",
        S.REPORTS,
        A.PROPORTION,
        INC,
        C.LANEY_P,
        codes=("drug-waste",),
        within=4,
    ),
    Spec(
        "spritzen-funde",
        "stadtbild-verschoenern",
        "Gefundene Spritzen (Reinigungsaufträge)",
        "Summe der bei Reinigungsaufträgen der Art „Drogenabfall“ gefundenen Spritzen, je "
        "ISO-Woche nach Auftragsdatum: die Zahl der Streife oder, wenn die EDG bei "
        "Erledigung eine Zahl meldet, diese.",
        "Spritzen",
        S.CLEANING,
        A.SUM,
        DEC,
        C.XMR,
        codes=("drug_waste",),
        quantity=Quantity.SYRINGES,
    ),
    Spec(
        "spritzen-auftraege-frist",
        "stadtbild-verschoenern",
        "Spritzen-Aufträge in 4 Stunden abgeschlossen",
        "Anteil der Reinigungsaufträge der Art „Drogenabfall“ einer ISO-Woche (nach "
        "Auftragsdatum), die die EDG spätestens 4 Stunden nach Anlage abgeschlossen hat – "
        "erledigt oder vor Ort nichts vorgefunden; Nenner: alle diese Aufträge der Woche, auch "
        "noch offene und angenommene.",
        "%",
        S.CLEANING,
        A.PROPORTION,
        INC,
        C.LANEY_P,
        codes=("drug_waste",),
        within=4,
    ),
    Spec(
        "muell-dauer",
        "stadtbild-verschoenern",
        "Bearbeitungsdauer Müllmeldungen (Median)",
        "Median der Zeit von Eingang bis Abschluss der Meldungen „Müll / Verschmutzung“ einer "
        "Woche, in Stunden; noch offene Meldungen zählen erst nach Abschluss.",
        "Std.",
        S.REPORTS,
        A.MEDIAN_DURATION,
        DEC,
        C.XMR,
        codes=("litter",),
    ),
    Spec(
        "reinigungen",
        "stadtbild-verschoenern",
        "Reinigungsaufträge",
        "Alle Reinigungsaufträge an die EDG (aus Meldungen und von Streifen) je ISO-Woche.",
        "Aufträge",
        S.CLEANING,
        A.COUNT,
        NEU,
        C.XMR,
    ),
    # Campieren reduzieren
    Spec(
        "campieren-meldungen",
        "campieren-reduzieren",
        "Bürgermeldungen zu Lagern/Campieren",
        f"Bürgermeldungen der Kategorie „Lagern / Campieren“ je ISO-Woche. {NOT_DUPLICATES}",
        "Meldungen",
        S.REPORTS,
        A.COUNT,
        DEC,
        C.XMR,
        codes=("camping",),
    ),
    Spec(
        "campieren-feststellungen",
        "campieren-reduzieren",
        "Feststellungen Lagern/Campieren",
        "Feststellungen der Streifen „Lagern / Campieren / Nächtigen“ je ISO-Woche. "
        "Kontrolldelikt: hängt von der Zahl der Streifen ab.",
        "Feststellungen",
        S.OBSERVATIONS,
        A.COUNT,
        NEU,
        C.XMR,
        codes=("camping",),
        pair="campieren-meldungen",
    ),
    # Belästigungen bekämpfen
    Spec(
        "belaestigung-meldungen",
        "belaestigungen-bekaempfen",
        "Bürgermeldungen zu Betteln und Belästigung",
        f"Bürgermeldungen „Aggressives Betteln“ und „Belästigung“ je ISO-Woche. {NOT_DUPLICATES}",
        "Meldungen",
        S.REPORTS,
        A.COUNT,
        DEC,
        C.XMR,
        codes=("aggressive-begging", "harassment"),
    ),
    Spec(
        "betteln-je-100-std",
        "belaestigungen-bekaempfen",
        "Aggressives Betteln je 100 Streifenstunden",
        "Feststellungen „Aggressives Betteln“ je 100 Stunden Präsenz der Streifen in derselben "
        "Woche (alle Gebiete).",
        "je 100 Std.",
        S.OBSERVATIONS,
        A.RATE,
        DEC,
        C.LANEY_U,
        codes=("aggressive-begging",),
        exposure=Exposure.PATROL_HOURS,
        per=100,
    ),
    Spec(
        "betteln-je-1000-passanten",
        "belaestigungen-bekaempfen",
        "Aggressives Betteln am Westenhellweg je 1.000 Passanten",
        "Feststellungen „Aggressives Betteln“ im Gebiet Westenhellweg je 1.000 gezählte "
        "Passantinnen und Passanten (Laserzählung City-Marketing) derselben Woche.",
        "je 1.000",
        S.OBSERVATIONS,
        A.RATE,
        DEC,
        C.LANEY_U,
        codes=("aggressive-begging",),
        area="westenhellweg",
        exposure=Exposure.PARTNER,
        exposure_partner="footfall-westenhellweg",
        per=1000,
    ),
    Spec(
        "platzverweise-kod",
        "belaestigungen-bekaempfen",
        "Platzverweise des KOD",
        "Maßnahmen „Platzverweis“ der Streifen je ISO-Woche, gezählt je Maßnahme. "
        "Kontrolldelikt: mehr Streifen, mehr Platzverweise.",
        "Platzverweise",
        S.MEASURES,
        A.COUNT,
        NEU,
        C.XMR,
        codes=("platzverweis",),
        enforcement=True,
        pair="belaestigung-meldungen",
    ),
    Spec(
        "sicherheitsgefuehl",
        "belaestigungen-bekaempfen",
        "Sicherheitsgefühl in der Innenstadt",
        "Anteil der Befragten, die sich tagsüber in der Innenstadt sicher oder eher sicher "
        "fühlen (Dortmunder Statistik, quartalsweise).",
        "%",
        S.PARTNER,
        A.SUM,
        INC,
        C.RUN,
        period=M,
        partner="survey-safety",
        quantity=Quantity.VALUE,
    ),
    # Sucht vermeiden
    Spec(
        "drogenkonsum-meldungen",
        "sucht-vermeiden",
        "Bürgermeldungen zu Drogenkonsum",
        f"Bürgermeldungen „Öffentlicher Drogenkonsum“ je ISO-Woche. {NOT_DUPLICATES}",
        "Meldungen",
        S.REPORTS,
        A.COUNT,
        DEC,
        C.XMR,
        codes=("public-drug-use",),
    ),
    Spec(
        "drogenkonsum-feststellungen",
        "sucht-vermeiden",
        "Feststellungen öffentlicher Drogenkonsum",
        "Feststellungen „Öffentlicher Drogenkonsum“ (Crack und andere Substanzen) je "
        "ISO-Woche. Kontrolldelikt: mehr Kontrollen, mehr Feststellungen.",
        "Feststellungen",
        S.OBSERVATIONS,
        A.COUNT,
        NEU,
        C.XMR,
        codes=("drug-use-crack", "drug-use-other"),
        pair="drogenkonsum-meldungen",
    ),
    # Suchthilfe weiterentwickeln
    Spec(
        "kick-konsumvorgaenge",
        "suchthilfe-weiterentwickeln",
        "Konsumvorgänge im „kick“",
        "Konsumvorgänge im Drogenkonsumraum je ISO-Woche, gemeldet von der aidshilfe "
        "dortmund. Konsum im Raum statt auf der Straße gilt als erwünscht.",
        "Vorgänge",
        S.PARTNER,
        A.SUM,
        INC,
        C.XMR,
        partner="kick-consumption",
        quantity=Quantity.VALUE,
    ),
    Spec(
        "kick-notfaelle",
        "suchthilfe-weiterentwickeln",
        "Drogennotfälle im „kick“",
        "Drogennotfälle mit Intervention des Personals je ISO-Woche.",
        "Notfälle",
        S.PARTNER,
        A.SUM,
        DEC,
        C.XMR,
        partner="kick-emergencies",
        quantity=Quantity.VALUE,
    ),
    Spec(
        "vermittlungen-suchthilfe",
        "suchthilfe-weiterentwickeln",
        "Vermittlungen in Beratung und Behandlung",
        "Vermittlungen in Beratung, Entgiftung oder Therapie je Kalendermonat (Suchthilfe).",
        "Vermittlungen",
        S.PARTNER,
        A.SUM,
        INC,
        C.XMR,
        period=M,
        partner="suchthilfe-referrals",
        quantity=Quantity.VALUE,
    ),
    Spec(
        "vermittlungen-streife",
        "suchthilfe-weiterentwickeln",
        "Vermittlungen an Hilfen durch die Streifen",
        "Maßnahmen „Vermittlung an Suchthilfe / Streetwork“ je ISO-Woche.",
        "Vermittlungen",
        S.MEASURES,
        A.COUNT,
        INC,
        C.XMR,
        codes=("referral",),
    ),
)


@dataclass
class SeedResult:
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)


def _working_group(slug: str) -> WorkingGroup:
    name, order = WORKING_GROUPS[slug]
    found = WorkingGroup.objects.filter(Q(slug=slug) | Q(name=name)).first()
    return found or WorkingGroup.objects.create(slug=slug, name=name, order=order)


def _area(key: str) -> Area | None:
    return Area.objects.filter(Q(slug=key) | Q(name__iexact=key)).first()


def _definition(spec: Spec, result: SeedResult) -> Definition | None:
    partner = exposure_series = None
    for attr, code in (("partner", spec.partner), ("exposure", spec.exposure_partner)):
        if code:
            series = PartnerSeries.objects.filter(code=code).first()
            if series is None:
                result.skipped[spec.code] = f"Partner-Kennzahl {code} fehlt"
                return None
            if attr == "partner":
                partner = series
            else:
                exposure_series = series
    paired = Indicator.objects.filter(code=spec.pair).first() if spec.pair else None
    if spec.pair and paired is None:
        result.skipped[spec.code] = f"Vergleichskennzahl {spec.pair} fehlt"
        return None
    area = _area(spec.area) if spec.area else None
    rule = spec.rule
    if spec.area and area is None:
        rule += " (Gebiet fehlt noch: vorerst ganze Stadt.)"
    return Definition(
        name=spec.name,
        counting_rule=rule,
        unit=spec.unit,
        source=spec.source,
        aggregation=spec.aggregation,
        period=spec.period,
        direction=spec.direction,
        chart_type=spec.chart,
        working_group=_working_group(spec.group),
        partner_series=partner,
        category_codes=list(spec.codes),
        areas=[area] if area else [],
        hour_from=spec.hours[0] if spec.hours else None,
        hour_to=spec.hours[1] if spec.hours else None,
        quantity=spec.quantity,
        exposure=spec.exposure,
        exposure_series=exposure_series,
        rate_per=spec.per,
        within_hours=spec.within,
        enforcement_driven=spec.enforcement,
        paired_indicator=paired,
    )


def load_indicators(*, actor: Any = None) -> SeedResult:
    """Create the seed indicators that do not exist yet (idempotent)."""
    result = SeedResult()
    with transaction.atomic():
        for order, spec in enumerate(SPECS):
            if Indicator.objects.filter(code=spec.code).exists():
                result.existing.append(spec.code)
                continue
            definition = _definition(spec, result)
            if definition is None:
                continue
            indicator_create(
                code=spec.code,
                definition=definition,
                actor=actor,
                order=order,
                strict_codes=False,
                check_permission=False,
            )
            result.created.append(spec.code)
    return result
