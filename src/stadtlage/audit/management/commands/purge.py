from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from stadtlage.audit.retention import RULES, run_retention


class Command(BaseCommand):
    help = "Löscht Daten, deren Aufbewahrungsfrist abgelaufen ist (täglich per Cron ausführen)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="nur zählen, nichts löschen")

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        result = run_retention(dry_run=dry_run)
        for rule in RULES:
            days = settings.RETENTION_DAYS[rule.data_class]
            verb = "würden gelöscht" if dry_run else "gelöscht"
            count = result[rule.data_class]
            self.stdout.write(f"{rule.description} (> {days} Tage): {count} {verb}")
