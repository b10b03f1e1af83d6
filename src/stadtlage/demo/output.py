"""Console output of the demo commands."""

from __future__ import annotations

from collections.abc import Sequence


def logins_table(logins: Sequence[tuple[str, str, str]]) -> str:
    """The demo logins as an aligned text table."""
    header = ("Benutzername", "Rolle", "Passwort")
    rows = [header, *logins]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["Demo-Zugänge (nur für die Demo-Stadt):"]
    for number, row in enumerate(rows):
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        lines.append(("  " + "  ".join(cells)).rstrip())
        if number == 0:
            lines.append("  " + "  ".join("-" * width for width in widths))
    lines.append(
        "Zweiter Faktor (Streife, Schichtleitung, Analyse, Administration, Datenschutz): "
        "im Demo-Betrieb zeigt die Seite „Zweiter Faktor“ den aktuellen Code des Demo-Kontos an; "
        "„stadtlage demo_logins --totp“ gibt die Schlüssel für eine echte Authenticator-App aus."
    )
    return "\n".join(lines)
