"""`stadtlage purge`: apply the retention period of every data class (run daily)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from stadtlage.audit.retention import basis, run_retention

GUARD_LABELS = {"kpi.sealed_periods": "Kennzahlen: abgeschlossene Zeiträume festgeschrieben"}


class Command(BaseCommand):
    help = (
        "Löscht oder schwärzt Daten, deren Aufbewahrungsfrist abgelaufen ist, mit einem Bericht "
        "je Datenklasse (täglich ausführen; --dry-run zählt nur)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="nur zählen, nichts löschen")
        parser.add_argument("--json", action="store_true", help="Bericht als JSON ausgeben")

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        result = run_retention(dry_run=dry_run)
        if options["json"]:
            rows = [
                {
                    "data_class": c.rule.data_class,
                    "label": str(c.rule.label),
                    "days": c.days,
                    "starts": str(c.rule.starts),
                    "cutoff": c.cutoff.isoformat(),
                    "count": c.count,
                    "purpose": str(basis(c.rule.data_class).get("purpose", "")),
                    "legal_basis": str(basis(c.rule.data_class).get("legal_basis", "")),
                }
                for c in result.classes
            ]
            payload = {"dry_run": dry_run, "classes": rows, "kept": result.kept_by_guards}
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        verb = "würden gelöscht oder geschwärzt" if dry_run else "gelöscht oder geschwärzt"
        title = (
            "Probelauf – nichts wurde gelöscht." if dry_run else "Aufbewahrungsfristen angewendet."
        )
        self.stdout.write(title)
        for c in result.classes:
            self.stdout.write(
                f"{c.rule.label} [{c.rule.data_class}] (> {c.days} Tage {c.rule.starts}): "
                f"{c.count} {verb}"
            )
        for name, kept in result.kept_by_guards.items():
            self.stdout.write(f"{GUARD_LABELS.get(name, name)}: {kept}")
