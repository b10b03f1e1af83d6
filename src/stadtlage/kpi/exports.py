"""Series exports: CSV (German Excel conventions) and XLSX, each with its definition version.

XLSX needs openpyxl; it is imported only when an XLSX file is requested, so everything else
works without it (``XlsxUnavailable``).
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from stadtlage.kpi.models import Indicator, IndicatorVersion

COLUMNS = (
    "kennzahl",
    "definitionsversion",
    "zeitraum_beginn",
    "zeitraum",
    "wert",
    "zaehler",
    "nenner",
    "mittelwert",
    "untere_grenze",
    "obere_grenze",
    "signal",
    "vorlaeufige_grenzen",
)


# Column headings of the XLSX file (people read it; the CSV keeps machine names).
HEADINGS = (
    "Kennzahl",
    "Definitionsversion",
    "Beginn des Zeitraums",
    "Zeitraum",
    "Wert",
    "Zähler",
    "Nenner",
    "Mittelwert",
    "untere Grenze",
    "obere Grenze",
    "Signal",
    "vorläufige Grenzen",
)
START, TRIAL = COLUMNS.index("zeitraum_beginn"), COLUMNS.index("vorlaeufige_grenzen")
DATE_FORMAT = "DD.MM.YYYY"


class XlsxUnavailable(RuntimeError):
    """openpyxl is not installed."""


def table(indicator: Indicator, data: dict[str, Any]) -> list[list[Any]]:
    """One row per period with raw numbers (``None`` for missing)."""
    spc = data.get("spc") or {}

    def col(key: str, i: int) -> Any:
        seq = spc.get(key) or []
        return seq[i] if i < len(seq) else None

    nums, dens = data.get("numerators") or [], data.get("denominators") or []
    rows = []
    for i, start in enumerate(data.get("periods", [])):
        rows.append(
            [
                indicator.code,
                data["versions"][i],
                start,
                data["labels"][i],
                data["values"][i],
                nums[i] if i < len(nums) else None,
                dens[i] if i < len(dens) else None,
                col("mean", i),
                col("lower", i),
                col("upper", i),
                signal_text(col("flags", i) or ("missing" if data["values"][i] is None else "")),
                col("trial", i),
            ]
        )
    return rows


def signal_text(flag: str) -> str:
    """The SPC flag in words („Signal: Verschlechterung“), never its code."""
    from stadtlage.kpi.display import FLAG_TEXT

    return str(FLAG_TEXT.get(flag, flag)) if flag else ""


def _german(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, float):
        return repr(round(value, 6)).replace(".", ",")
    return str(value)


def to_csv(indicator: Indicator, data: dict[str, Any]) -> str:
    """Semicolon-separated, decimal comma, UTF-8 with BOM (opens directly in Excel)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in table(indicator, data):
        writer.writerow([_german(v) for v in row])
    return buffer.getvalue()


def definition_rows(version: IndicatorVersion) -> list[tuple[str, Any]]:
    return [
        ("Kennzahl", version.indicator.code),
        ("Bezeichnung", version.name),
        ("Definitionsversion", version.number),
        ("gültig ab", version.valid_from or "Beginn"),
        ("Zählregel", version.counting_rule),
        ("Einheit", version.unit),
        ("Quelle", str(version.get_source_display())),
        ("Berechnung", str(version.get_aggregation_display())),
        ("Zeitraum", str(version.get_period_display())),
        ("Richtung", str(version.get_direction_display())),
        ("Diagramm", str(version.get_chart_type_display())),
        ("Kontrolldelikt", "ja" if version.enforcement_driven else "nein"),
    ]


def to_xlsx(indicator: Indicator, version: IndicatorVersion, data: dict[str, Any]) -> bytes:
    try:
        from openpyxl import Workbook
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise XlsxUnavailable("openpyxl is not installed") from exc
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Reihe"
    sheet.append(list(HEADINGS))
    for row in table(indicator, data):
        row[START] = date.fromisoformat(row[START]) if isinstance(row[START], str) else row[START]
        if isinstance(row[TRIAL], bool):
            row[TRIAL] = "ja" if row[TRIAL] else "nein"
        sheet.append(row)
        sheet.cell(row=sheet.max_row, column=START + 1).number_format = DATE_FORMAT
    sheet.freeze_panes = "A2"
    meta = workbook.create_sheet("Definition")
    for key, value in definition_rows(version):
        meta.append([key, value])
        if isinstance(value, date):
            meta.cell(row=meta.max_row, column=2).number_format = DATE_FORMAT
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
