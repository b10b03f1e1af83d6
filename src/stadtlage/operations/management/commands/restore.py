from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from stadtlage.operations.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Stellt eine Sicherung (stadtlage backup) in eine LEERE Datenbank und ein leeres "
        "MEDIA_ROOT wieder her und prüft danach die Zeilenzahl jeder Tabelle."
    )
    requires_migrations_checks = False
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Sicherungsdatei stadtlage-<Zeit>.tar")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        try:
            result = restore_backup(Path(file))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Wiederhergestellt: {file} vom {result.manifest['created_at']} – {result.tables} "
            f"Tabellen, {result.rows} Zeilen, {result.media_files} Mediendateien; "
            "Zeilenzahlen wie in der Sicherung."
        )
