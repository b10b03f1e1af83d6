"""The processing register as Markdown (for the DPO's files and for review in a text editor).

Pure: takes the built ``Register``; table cells have their pipes escaped.
"""

from __future__ import annotations

from django.utils import timezone

from stadtlage.privacy.register import Register


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _list(items: list[str], empty: str = "–") -> list[str]:
    return [f"- {item}" for item in items] if items else [f"- {empty}"]


def register_markdown(register: Register) -> str:
    lines = [
        f"# {register.title}",
        "",
        f"Stand: {timezone.localtime(register.as_of):%d.%m.%Y %H:%M} · erzeugt aus dem "
        "Datenmodell und den Einstellungen von stadtlage (Art. 30 DSGVO; für die Polizei "
        "DSG NRW Teil 3).",
        "",
    ]
    for number, entry in enumerate(register.entries, start=1):
        lines += [
            f"## {number}. {entry.name}",
            "",
            f"**Zweck:** {entry.purpose}",
            "",
            "**Verantwortliche:** " + "; ".join(entry.controllers),
            "",
            f"**Rechtsrahmen:** {entry.regime}",
            "",
            "**Rechtsgrundlagen:**",
            *_list(entry.legal_bases),
            "",
            "**Kategorien personenbezogener Daten:**",
            *_list(entry.data_categories),
            "",
            "**Kategorien betroffener Personen:**",
            *_list(entry.data_subjects),
            "",
            "**Empfänger (Rollen):** " + (", ".join(entry.recipient_roles) or "–"),
            "",
            "**Empfänger (Organisationen):** "
            + (", ".join(entry.recipient_organisations) or "noch keine Mitglieder"),
            "",
        ]
        if entry.other_recipients:
            lines += ["**Weitere Empfänger:**", *_list(entry.other_recipients), ""]
        lines += [
            "**Löschfristen:**",
            "",
            "| Datenklasse | Frist | ab | Zweck | Rechtsgrundlage |",
            "|---|---|---|---|---|",
            *(
                f"| {_cell(r.label)} (`{r.data_class}`) | {r.days} Tage | {_cell(r.starts)} | "
                f"{_cell(r.purpose)} | {_cell(r.legal_basis)} |"
                for r in entry.retention
            ),
            "",
            "**Felder mit personenbezogenen Daten:**",
            "",
            "| Feld | Bezeichnung | Kategorie |",
            "|---|---|---|",
            *(f"| `{f.label}` | {_cell(f.verbose)} | {_cell(f.category)} |" for f in entry.fields),
            "",
        ]
        if entry.measures:
            lines += ["**Besondere Maßnahmen:**", *_list(entry.measures), ""]
    lines += [
        "## Technische und organisatorische Maßnahmen (alle Tätigkeiten)",
        "",
        *_list(register.measures),
        "",
        "## Geprüfte Felder ohne Personenbezug",
        "",
        "| Feld | Begründung |",
        "|---|---|",
        *(f"| `{label}` | {_cell(reason)} |" for label, reason in register.reviewed),
        "",
    ]
    return "\n".join(lines)
