"""What citizens report (Open311 categories and their routing) and what partners report
(aggregated figures), as plain data loaded by `stadtlage.demo.baseline`. Natural key: `code`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from stadtlage.demo.catalogue import (
    ADDICTION_COUNSELLING,
    CIVIL_ENGINEERING,
    ECONOMIC_DEVELOPMENT,
    EDG,
    KICK,
    KOD,
    POLICE,
    STATISTICS,
    STREETWORK,
    WG_ADDICTION_HELP,
    WG_ADDICTION_PREVENTION,
    WG_CAMPING,
    WG_CITYSCAPE,
    WG_HARASSMENT,
)


@dataclass(frozen=True)
class AttributeSpec:
    """An extra question of a category (Open311 attribute). ``values``: (key, name[, urgent])."""

    code: str
    description: str
    datatype: str
    datatype_description: str = ""
    required: bool = False
    values: tuple[tuple[str, str] | tuple[str, str, bool], ...] = ()

    def values_json(self) -> list[dict[str, object]]:
        """Choices as stored; ``urgent`` marks answers the work queue takes first."""
        out: list[dict[str, object]] = []
        for key, name, *urgent in self.values:
            item: dict[str, object] = {"key": key, "name": name}
            if urgent and urgent[0]:
                item["urgent"] = True
            out.append(item)
        return out


SYRINGE_QUESTIONS: Final = (
    AttributeSpec(
        "syringe-count",
        "Wie viele Spritzen liegen dort ungefähr?",
        "number",
        "Anzahl, gern geschätzt",
    ),
    AttributeSpec(
        "place-kind",
        "Wo liegen die Abfälle?",
        "singlevaluelist",
        "Spielplätze, Schulwege und Kitas räumt die EDG zuerst.",
        values=(
            ("playground", "Spielplatz", True),
            ("school-way", "Schulweg", True),
            ("kindergarten", "vor einer Kita oder Schule", True),
            ("doorway", "Hauseingang / Treppenhaus"),
            ("green-space", "Grünfläche / Park"),
            ("stop", "Haltestelle"),
            ("pavement", "Gehweg / Platz"),
            ("other", "anderer Ort"),
        ),
    ),
)
LITTER_QUESTIONS: Final = (
    AttributeSpec(
        "amount",
        "Wie viel Müll ist es?",
        "singlevaluelist",
        values=(
            ("few-items", "einzelne Teile"),
            ("bag", "etwa eine Tüte"),
            ("several-bags", "mehrere Säcke"),
            ("dumping", "wilde Ablagerung / Sperrmüll"),
        ),
    ),
)
CAMPING_QUESTIONS: Final = (
    AttributeSpec("tents", "Wie viele Zelte stehen dort?", "number", "Anzahl, 0 wenn keine"),
    AttributeSpec(
        "sleeping-places",
        "Wie viele Schlafplätze (Matratzen, Schlafsäcke) sind es?",
        "number",
        "Anzahl, gern geschätzt",
    ),
)
LIGHTING_QUESTIONS: Final = (
    AttributeSpec(
        "lamp-number",
        "Nummer der Laterne (Schild am Mast), falls erkennbar",
        "string",
        "z. B. 12-345",
    ),
)


@dataclass(frozen=True)
class ServiceCategorySpec:
    code: str
    name: str
    description: str
    group: str
    working_group: str
    responsible: str
    sla_hours: int
    informed: tuple[str, ...] = ()
    keywords: str = ""
    person_related: bool = False  # published only generalised (DOMAIN.md §8)
    attributes: tuple[AttributeSpec, ...] = ()
    # Each new report is also a cleaning task of this kind for EDG ("" = none).
    cleaning_kind: str = ""


SERVICE_CATEGORIES: Final[tuple[ServiceCategorySpec, ...]] = (
    ServiceCategorySpec(
        "drug-waste",
        "Spritzen / Drogenabfälle",
        "Gebrauchte Spritzen, Folien, Pfeifen oder andere Drogenabfälle im öffentlichen Raum. "
        "Bitte nichts anfassen – die EDG holt die Abfälle sicher ab.",
        "Sauberkeit",
        WG_CITYSCAPE,
        EDG,
        4,
        (STREETWORK,),
        "Spritze, Nadel, Folie, Pfeife, Drogenbesteck",
        attributes=SYRINGE_QUESTIONS,
        cleaning_kind="drug_waste",
    ),
    ServiceCategorySpec(
        "camping",
        "Lagern / Campieren",
        "Menschen lagern oder übernachten dauerhaft an einem Ort, z. B. mit Zelt, Matratzen "
        "oder Gepäck. Streetwork wird informiert.",
        "Ordnung",
        WG_CAMPING,
        KOD,
        24,
        (STREETWORK,),
        "Zelt, Matratze, Schlafplatz, Lager",
        person_related=True,
        attributes=CAMPING_QUESTIONS,
    ),
    ServiceCategorySpec(
        "aggressive-begging",
        "Aggressives Betteln",
        "Passantinnen und Passanten werden beim Betteln bedrängt, festgehalten oder verfolgt.",
        "Ordnung",
        WG_HARASSMENT,
        KOD,
        24,
        keywords="Betteln, bedrängen, verfolgen",
        person_related=True,
    ),
    ServiceCategorySpec(
        "harassment",
        "Belästigung",
        "Belästigungen von Passantinnen und Passanten im öffentlichen Raum.",
        "Ordnung",
        WG_HARASSMENT,
        KOD,
        24,
        keywords="Pöbeln, anpöbeln, Belästigung",
        person_related=True,
    ),
    ServiceCategorySpec(
        "litter",
        "Müll / Verschmutzung",
        "Müll, wilde Ablagerungen oder starke Verschmutzung auf Wegen und Plätzen.",
        "Sauberkeit",
        WG_CITYSCAPE,
        EDG,
        48,
        keywords="Müll, Abfall, Dreck, Ablagerung",
        attributes=LITTER_QUESTIONS,
        cleaning_kind="litter",
    ),
    ServiceCategorySpec(
        "public-drug-use",
        "Öffentlicher Drogenkonsum",
        "Drogenkonsum im öffentlichen Raum, z. B. in Hauseingängen, auf Treppen oder in Parks. "
        "Streetwork wird informiert.",
        "Ordnung",
        WG_ADDICTION_PREVENTION,
        KOD,
        24,
        (STREETWORK,),
        "Drogen, Crack, Konsum",
        person_related=True,
    ),
    ServiceCategorySpec(
        "broken-lighting",
        "Defekte Beleuchtung",
        "Straßenlaterne oder Wegbeleuchtung ist ausgefallen oder beschädigt.",
        "Infrastruktur",
        WG_CITYSCAPE,
        CIVIL_ENGINEERING,
        72,
        keywords="Laterne, Licht, dunkel",
        attributes=LIGHTING_QUESTIONS,
    ),
    ServiceCategorySpec(
        "graffiti",
        "Graffiti / Schmierereien",
        "Graffiti oder Schmierereien an öffentlichen Gebäuden, Mauern oder Stadtmobiliar.",
        "Sauberkeit",
        WG_CITYSCAPE,
        EDG,
        168,
        keywords="Graffiti, Schmiererei, Tag",
    ),
    ServiceCategorySpec(
        "other",
        "Sonstiges",
        "Alles, was in keine andere Kategorie passt. Wir leiten die Meldung weiter.",
        "Sonstiges",
        WG_CITYSCAPE,
        KOD,
        72,
    ),
)


@dataclass(frozen=True)
class PartnerSeriesSpec:
    code: str
    name: str
    organisation: str
    working_group: str
    unit: str
    period: str
    counting_rule: str
    expected_every: int = 1  # 3: a monthly series with quarterly values


WEEK_RULE = "je ISO-Woche (Montag bis Sonntag)"
PARTNER_SERIES: Final[tuple[PartnerSeriesSpec, ...]] = (
    PartnerSeriesSpec(
        "police-platzverweise",
        "Platzverweise der Polizei (Innenstadt)",
        POLICE,
        WG_HARASSMENT,
        "Platzverweise",
        "week",
        "Von der Polizei Dortmund in der Innenstadt (City und Nordstadt) ausgesprochene "
        f"Platzverweise nach § 34 Abs. 1 PolG NRW, gezählt je Person, {WEEK_RULE}; gemeinsame "
        "Streifen mit dem KOD eingeschlossen.",
    ),
    PartnerSeriesSpec(
        "police-focus-operations",
        "Schwerpunkteinsätze der Polizei",
        POLICE,
        WG_HARASSMENT,
        "Einsätze",
        "week",
        f"Angeordnete Schwerpunkteinsätze in der Innenstadt, {WEEK_RULE}, gezählt am Einsatztag.",
    ),
    PartnerSeriesSpec(
        "police-staff-hours",
        "Einsatzstunden in Schwerpunkteinsätzen",
        POLICE,
        WG_HARASSMENT,
        "Stunden",
        "week",
        f"Summe der Personalstunden (Einsatzkräfte × Dauer) der Schwerpunkteinsätze, {WEEK_RULE}.",
    ),
    PartnerSeriesSpec(
        "police-btm-complaints",
        "Strafanzeigen Betäubungsmittel (Innenstadt)",
        POLICE,
        WG_ADDICTION_PREVENTION,
        "Anzeigen",
        "week",
        f"Strafanzeigen nach dem BtMG mit Tatort Innenstadt, {WEEK_RULE}, nach Anzeigedatum.",
    ),
    PartnerSeriesSpec(
        "kick-consumption",
        "Konsumvorgänge im Drogenkonsumraum „kick“",
        KICK,
        WG_ADDICTION_HELP,
        "Konsumvorgänge",
        "week",
        "Konsumvorgänge (intravenös und inhalativ) im Drogenkonsumraum, "
        f"{WEEK_RULE}. Nur Summen – keine personenbezogenen Daten.",
    ),
    PartnerSeriesSpec(
        "kick-visits-per-day",
        "Besuche im „kick“ je Öffnungstag",
        KICK,
        WG_ADDICTION_HELP,
        "Besuche/Tag",
        "week",
        "Besuche der Einrichtung in der Woche geteilt durch die Zahl der Öffnungstage; "
        "Mehrfachbesuche derselben Person zählen mehrfach (kein Personenbezug).",
    ),
    PartnerSeriesSpec(
        "kick-emergencies",
        "Drogennotfälle im „kick“",
        KICK,
        WG_ADDICTION_HELP,
        "Notfälle",
        "week",
        "Drogennotfälle mit Intervention des Personals (z. B. Naloxon, Sauerstoff, "
        f"Rettungsdienst), {WEEK_RULE}.",
    ),
    PartnerSeriesSpec(
        "suchthilfe-first-contacts",
        "Erstkontakte in der Suchtberatung",
        ADDICTION_COUNSELLING,
        WG_ADDICTION_HELP,
        "Erstkontakte",
        "month",
        "Erstkontakte neuer Klientinnen und Klienten in den Beratungsstellen je Kalendermonat, "
        "aggregiert ohne Personenbezug.",
    ),
    PartnerSeriesSpec(
        "suchthilfe-referrals",
        "Vermittlungen in Beratung und Behandlung",
        ADDICTION_COUNSELLING,
        WG_ADDICTION_HELP,
        "Vermittlungen",
        "month",
        "Vermittlungen in Beratung, Entgiftung oder Therapie je Kalendermonat, einschließlich "
        "der Vermittlungen durch Streetwork und den KOD.",
    ),
    PartnerSeriesSpec(
        "edg-syringe-finds",
        "Spritzenfunde in der Innenstadt",
        EDG,
        WG_CITYSCAPE,
        "Spritzen",
        "week",
        "Gefundene und sicher entsorgte Spritzen in City und Nordstadt aus Routine- und "
        f"Sonderreinigung, {WEEK_RULE}.",
    ),
    PartnerSeriesSpec(
        "edg-special-cleanings",
        "Sonderreinigungen in der Innenstadt",
        EDG,
        WG_CITYSCAPE,
        "Einsätze",
        "week",
        "Reinigungseinsätze außerhalb des Tourenplans (auf Meldung oder Anforderung), "
        f"{WEEK_RULE}.",
    ),
    PartnerSeriesSpec(
        "footfall-westenhellweg",
        "Passantenfrequenz Westenhellweg",
        ECONOMIC_DEVELOPMENT,
        WG_CITYSCAPE,
        "Passanten",
        "week",
        "Automatisch gezählte Passantinnen und Passanten (Laserzählung, beide Richtungen), "
        f"{WEEK_RULE}.",
    ),
    PartnerSeriesSpec(
        "survey-safety",
        "Sicherheitsgefühl in der Innenstadt",
        STATISTICS,
        WG_HARASSMENT,
        "Prozent",
        "month",
        "Anteil der Befragten, die sich tagsüber in der Innenstadt „sicher“ oder „eher sicher“ "
        "fühlen. Quartalsweise Befragung; der Wert steht im ersten Monat des Quartals.",
        expected_every=3,
    ),
)
