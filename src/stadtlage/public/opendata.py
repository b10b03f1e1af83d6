"""Open data: aggregated datasets as CSV and JSON with a data dictionary and DCAT-AP.de metadata.

Every dataset is a list of rows built from the same protected tables as the public pages (the
disclosure rules apply: "< 5", "x", generalisation). Field names and values are German; the
data dictionary of each dataset is a Frictionless Table Schema (``<slug>.schema.json``); the
catalogue (``katalog.jsonld``) follows DCAT-AP.de so that the city's open-data portal and GovData
can harvest it. Licence: Datenlizenz Deutschland – Namensnennung – Version 2.0.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_noop

from stadtlage.kpi import periods as P
from stadtlage.kpi.selectors import cached_series
from stadtlage.public import selectors, statistics
from stadtlage.public.figures import hidden_periods, published_value, reading
from stadtlage.public.policy import current as disclosure_policy
from stadtlage.reports.models import Report
from stadtlage.reports.selectors import PUBLIC_SOURCES
from stadtlage.taskforce import progress
from stadtlage.taskforce import selectors as taskforce_selectors

LICENSE_URI = "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
LICENSE_NAME = "Datenlizenz Deutschland – Namensnennung – Version 2.0"
LICENSE_URL = "https://www.govdata.de/dl-de/by-2-0"
DORTMUND_KEY = "http://dcat-ap.de/def/politicalGeocoding/municipalityKey/05913000"
MUNICIPALITY = "http://dcat-ap.de/def/politicalGeocoding/Level/municipality"
THEME = "http://publications.europa.eu/resource/authority/data-theme/"
FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
MAX_WEEKS = 260  # five years of weekly rows at most


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # Table Schema types: string, integer, number, date, boolean
    title: str
    description: str


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: str
    description: str
    keywords: tuple[str, ...]
    themes: tuple[str, ...]
    frequency: str
    fields: tuple[Field, ...]
    rows: Callable[[], list[dict[str, Any]]]
    depends_on_reports: bool  # cached under the data version of citizen reports


# --- the datasets ---------------------------------------------------------------------------


def _first_report_day() -> date | None:
    first = (
        Report.objects.filter(source__in=PUBLIC_SOURCES)
        .order_by("submitted_at")
        .values_list("submitted_at", flat=True)
        .first()
    )
    return timezone.localdate(first) if first else None


def weekly_reports_rows() -> list[dict[str, Any]]:
    policy = disclosure_policy()
    first = _first_report_day()
    if first is None:
        return []
    today = timezone.localdate()
    last = P.last_complete_period(today, P.WEEK)
    weeks = P.period_range(P.period_start(first, P.WEEK), last, P.WEEK)[-MAX_WEEKS:]
    cats = statistics.categories()
    areas = list(selectors.public_areas())
    counts = statistics.weekly_counts(weeks, area_ids=[a.pk for a in areas])
    out: list[dict[str, Any]] = []
    places: list[tuple[Any, str, str]] = [(statistics.CITY, statistics.CITY, "Dortmund")]
    places += [(a.pk, a.slug, a.name) for a in areas]
    for key, slug, name in places:
        table = statistics.week_table(counts, key, weeks, cats, policy.min_count)
        for week, line in zip(weeks, table.lines, strict=True):
            base = {
                "woche": P.period_label(week, P.WEEK),
                "woche_beginn": week.isoformat(),
                "gebiet": slug,
                "gebiet_name": name,
            }
            for (code, cat_name), cell in zip(cats, line.cells, strict=True):
                out.append(
                    base
                    | {
                        "kategorie_code": code,
                        "kategorie": cat_name,
                        "anzahl": cell.value,
                        "anzeige": cell.text,
                    }
                )
            out.append(
                base
                | {
                    "kategorie_code": "gesamt",
                    "kategorie": "alle Kategorien",
                    "anzahl": line.total.value,
                    "anzeige": line.total.text,
                }
            )
    return out


def compliance_rows() -> list[dict[str, Any]]:
    first = _first_report_day()
    if first is None:
        return []
    last = P.last_complete_period(timezone.localdate(), P.MONTH)
    months = P.period_range(P.period_start(first, P.MONTH), last, P.MONTH)
    return statistics.monthly_compliance(months, disclosure_policy().min_count)


def figure_rows() -> list[dict[str, Any]]:
    policy = disclosure_policy()
    out: list[dict[str, Any]] = []
    for indicator in selectors.public_indicators():
        version = indicator.current_version
        assert version is not None
        series = cached_series(indicator)
        if series is None:  # not computed yet: nothing to publish
            continue
        data = series.data
        values = data.get("values") or []
        labels = data.get("labels") or []
        periods = data.get("periods") or []
        hidden = hidden_periods(data, version, policy.min_count)
        spc = data.get("spc") or {}
        flags = spc.get("flags") or ["missing"] * len(values)
        trial = spc.get("trial") or [True] * len(values)
        versions = data.get("versions") or [version.number] * len(values)
        for i, value in enumerate(values):
            shown = published_value(value, hidden[i])
            out.append(
                {
                    "kennzahl_code": indicator.code,
                    "kennzahl": version.name,
                    "arbeitsgruppe": version.working_group.name if version.working_group else "",
                    "einheit": version.unit,
                    "zeitraum": labels[i],
                    "zeitraum_beginn": periods[i],
                    "wert": shown,
                    "anzeige": f"< {policy.min_count}"
                    if hidden[i]
                    else ("" if shown is None else f"{shown:g}".replace(".", ",")),
                    "spc_lesart": reading(labels[: i + 1], flags[: i + 1], trial[: i + 1]),
                    "definition_version": versions[i],
                }
            )
    return out


def measure_rows() -> list[dict[str, Any]]:
    today = timezone.localdate()
    out: list[dict[str, Any]] = []
    for rec in selectors.public_recommendations():
        tracking = taskforce_selectors.tracking(rec, today)
        base = {
            "empfehlung_nr": rec.pk,
            "empfehlung": rec.title,
            "arbeitsgruppe": rec.working_group.name,
            "zusammenfassung": rec.public_summary_approved,
            "beschlossen_am": tracking.decision.decided_on.isoformat() if tracking.decision else "",
            "umsetzungsstand": str(progress.STATUS_LABELS[tracking.status]),
        }
        for track in tracking.measures:
            for milestone, state in track.milestones:
                out.append(
                    base
                    | {
                        "massnahme": track.measure.title if track.measure else "",
                        "meilenstein": milestone.title,
                        "faellig_am": milestone.due_date.isoformat(),
                        "erreicht_am": milestone.completed_on.isoformat()
                        if milestone.completed_on
                        else "",
                        "meilenstein_stand": str(progress.MILESTONE_LABELS[state]),
                    }
                )
        if not tracking.measures:
            out.append(
                base
                | {
                    "massnahme": "",
                    "meilenstein": "",
                    "faellig_am": "",
                    "erreicht_am": "",
                    "meilenstein_stand": "",
                }
            )
    return out


F = Field
DISPLAY = gettext_noop("wie veröffentlicht: Zahl, „< 5“ (1 bis 4) oder „x“ (zurückgehalten)")
DATASETS: tuple[Dataset, ...] = (
    Dataset(
        slug="buergermeldungen-woche",
        title=gettext_noop("Bürgermeldungen je Woche, Kategorie und Gebiet"),
        description=gettext_noop(
            "Anzahl der Bürgermeldungen (Webformular, Open311, Telefon) je ISO-Woche, "
            "Kategorie und Gebiet der Dortmunder Innenstadt, dazu die Summe je Woche und "
            "Gebiet. Zahlen von 1 bis 4 sind als „< 5“ ausgewiesen; damit sie sich nicht aus "
            "der Wochensumme errechnen lassen, sind weitere Werte zurückgehalten („x“). Gebiete "
            "überschneiden sich (die City enthält die Schwerpunktbereiche)."
        ),
        keywords=("Bürgermeldungen", "Mängelmelder", "Ordnung", "Sauberkeit", "Innenstadt"),
        themes=("GOVE", "SOCI"),
        frequency="WEEKLY",
        fields=(
            F(
                "woche",
                "string",
                gettext_noop("Woche"),
                gettext_noop("ISO-Kalenderwoche, z. B. „KW 07/2025“"),
            ),
            F(
                "woche_beginn",
                "date",
                gettext_noop("Wochenbeginn"),
                gettext_noop("Montag der Woche"),
            ),
            F(
                "gebiet",
                "string",
                gettext_noop("Gebiet (Kürzel)"),
                gettext_noop("„dortmund“ für alle Meldungen"),
            ),
            F("gebiet_name", "string", gettext_noop("Gebiet"), gettext_noop("Name des Gebiets")),
            F(
                "kategorie_code",
                "string",
                gettext_noop("Kategorie (Code)"),
                gettext_noop("Open311-service_code; „gesamt“"),
            ),
            F(
                "kategorie",
                "string",
                gettext_noop("Kategorie"),
                gettext_noop("Bezeichnung der Kategorie"),
            ),
            F(
                "anzahl",
                "integer",
                gettext_noop("Anzahl"),
                gettext_noop("Meldungen; leer, wenn nicht veröffentlicht"),
            ),
            F("anzeige", "string", gettext_noop("Anzeige"), DISPLAY),
        ),
        rows=weekly_reports_rows,
        depends_on_reports=True,
    ),
    Dataset(
        slug="reaktionszeit-monat",
        title=gettext_noop("Einhaltung der zugesagten Reaktionszeit je Monat und Kategorie"),
        description=gettext_noop(
            "Je Monat und Kategorie: Meldungen, deren zugesagte Reaktionszeit in diesem Monat "
            "ablief, und der Anteil, der bis dahin abgeschlossen war. Anteile werden nur "
            "gezeigt, wenn weder die rechtzeitig noch die verspätet erledigten Meldungen "
            "zwischen 1 und 4 liegen."
        ),
        keywords=("Bürgermeldungen", "Reaktionszeit", "Servicequalität"),
        themes=("GOVE",),
        frequency="MONTHLY",
        fields=(
            F("monat", "string", gettext_noop("Monat"), gettext_noop("JJJJ-MM")),
            F(
                "kategorie_code",
                "string",
                gettext_noop("Kategorie (Code)"),
                gettext_noop("Open311-service_code"),
            ),
            F(
                "kategorie",
                "string",
                gettext_noop("Kategorie"),
                gettext_noop("Bezeichnung der Kategorie"),
            ),
            F(
                "faellig",
                "integer",
                gettext_noop("fällig"),
                gettext_noop("Meldungen mit Fristende im Monat; leer, wenn < 5"),
            ),
            F("faellig_anzeige", "string", gettext_noop("fällig (Anzeige)"), DISPLAY),
            F(
                "anteil_rechtzeitig",
                "number",
                gettext_noop("Anteil rechtzeitig"),
                gettext_noop("0 bis 1; leer, wenn nicht"),
            ),
            F(
                "anteil_anzeige",
                "string",
                gettext_noop("Anteil (Anzeige)"),
                gettext_noop("Prozent, „x“ oder „–“"),
            ),
        ),
        rows=compliance_rows,
        depends_on_reports=True,
    ),
    Dataset(
        slug="kennzahlen",
        title=gettext_noop("Öffentliche Kennzahlen des Sonderstabs mit SPC-Lesart"),
        description=gettext_noop(
            "Die vom Sonderstab veröffentlichten Kennzahlen (vorgeschlagen und von einer zweiten "
            "Person bestätigt) je Zeitraum, mit der Lesart der statistischen Prozesslenkung. "
            "Werte, denen weniger als 5 Fälle zugrunde liegen, sind leer („< 5“)."
        ),
        keywords=("Kennzahlen", "Lagebild", "statistische Prozesslenkung"),
        themes=("GOVE", "JUST"),
        frequency="WEEKLY",
        fields=(
            F(
                "kennzahl_code",
                "string",
                gettext_noop("Kennzahl (Code)"),
                gettext_noop("stabiler Schlüssel"),
            ),
            F("kennzahl", "string", gettext_noop("Kennzahl"), gettext_noop("Bezeichnung")),
            F(
                "arbeitsgruppe",
                "string",
                gettext_noop("Arbeitsgruppe"),
                gettext_noop("zuständige Arbeitsgruppe"),
            ),
            F("einheit", "string", gettext_noop("Einheit"), gettext_noop("Einheit des Werts")),
            F("zeitraum", "string", gettext_noop("Zeitraum"), gettext_noop("Woche oder Monat")),
            F(
                "zeitraum_beginn",
                "date",
                gettext_noop("Zeitraumbeginn"),
                gettext_noop("erster Tag"),
            ),
            F(
                "wert",
                "number",
                gettext_noop("Wert"),
                gettext_noop("leer, wenn nicht veröffentlicht oder nicht vorhanden"),
            ),
            F("anzeige", "string", gettext_noop("Anzeige"), gettext_noop("Wert oder „< 5“")),
            F(
                "spc_lesart",
                "string",
                gettext_noop("SPC-Lesart"),
                gettext_noop("Lesart bis zu diesem Zeitraum"),
            ),
            F(
                "definition_version",
                "integer",
                gettext_noop("Definition"),
                gettext_noop("Version der Zählregel"),
            ),
        ),
        rows=figure_rows,
        depends_on_reports=False,
    ),
    Dataset(
        slug="massnahmen",
        title=gettext_noop("Beschlossene Maßnahmen und Meilensteine"),
        description=gettext_noop(
            "Vom Verwaltungsvorstand beschlossene Empfehlungen mit freigegebener öffentlicher "
            "Zusammenfassung, ihren Maßnahmen, Meilensteinen und dem Umsetzungsstand."
        ),
        keywords=("Maßnahmen", "Sonderstab", "Verwaltungsvorstand", "Meilensteine"),
        themes=("GOVE",),
        frequency="WEEKLY",
        fields=(
            F(
                "empfehlung_nr",
                "integer",
                gettext_noop("Empfehlung (Nr.)"),
                gettext_noop("stabile Nummer"),
            ),
            F("empfehlung", "string", gettext_noop("Empfehlung"), gettext_noop("Titel")),
            F(
                "arbeitsgruppe",
                "string",
                gettext_noop("Arbeitsgruppe"),
                gettext_noop("Arbeitsgruppe des Sonderstabs"),
            ),
            F(
                "zusammenfassung",
                "string",
                gettext_noop("Zusammenfassung"),
                gettext_noop("vom Vorstand freigegeben"),
            ),
            F(
                "beschlossen_am",
                "date",
                gettext_noop("beschlossen am"),
                gettext_noop("Sitzung des Verwaltungsvorstands"),
            ),
            F(
                "umsetzungsstand",
                "string",
                gettext_noop("Umsetzungsstand"),
                gettext_noop("im Plan, gefährdet, verspätet …"),
            ),
            F(
                "massnahme",
                "string",
                gettext_noop("Maßnahme"),
                gettext_noop("Maßnahme der Empfehlung"),
            ),
            F("meilenstein", "string", gettext_noop("Meilenstein"), gettext_noop("Titel")),
            F("faellig_am", "date", gettext_noop("fällig am"), gettext_noop("geplantes Datum")),
            F(
                "erreicht_am",
                "date",
                gettext_noop("erreicht am"),
                gettext_noop("leer, solange offen"),
            ),
            F(
                "meilenstein_stand",
                "string",
                gettext_noop("Stand"),
                gettext_noop("erreicht, fällig, überfällig, geplant"),
            ),
        ),
        rows=measure_rows,
        depends_on_reports=False,
    ),
)
BY_SLUG = {d.slug: d for d in DATASETS}


# --- files ----------------------------------------------------------------------------------


def to_csv(dataset: Dataset, rows: list[dict[str, Any]]) -> bytes:
    """RFC 4180: comma, UTF-8, decimal point, header with the field names."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    names = [f.name for f in dataset.fields]
    writer.writerow(names)
    for row in rows:
        writer.writerow(["" if row.get(n) is None else row[n] for n in names])
    return buffer.getvalue().encode("utf-8")


def to_json(dataset: Dataset, rows: list[dict[str, Any]], *, generated: datetime) -> bytes:
    document = {
        "datensatz": dataset.slug,
        "titel": dataset.title,
        "lizenz": {"name": LICENSE_NAME, "uri": LICENSE_URI, "url": LICENSE_URL},
        "stand": generated.isoformat(timespec="seconds"),
        "felder": [f.name for f in dataset.fields],
        "daten": rows,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def table_schema(dataset: Dataset) -> dict[str, Any]:
    """The data dictionary as a Frictionless Table Schema."""
    return {
        "fields": [
            {"name": f.name, "type": f.type, "title": f.title, "description": f.description}
            for f in dataset.fields
        ],
        "missingValues": [""],
    }
