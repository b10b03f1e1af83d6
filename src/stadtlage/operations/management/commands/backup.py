from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from stadtlage.operations.backup import BackupError, backup_database


class Command(BaseCommand):
    help = (
        "Sichert Datenbank und Mediendateien in eine Datei VERZEICHNIS/stadtlage-<Zeit>.tar "
        "(SQLite: Online-Backup; PostgreSQL: pg_dump im Custom-Format) und behält die neuesten "
        "--keep Sicherungen. Wiederherstellen: stadtlage restore DATEI."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "directory", nargs="?", default=None, help="Zielverzeichnis (Standard: BACKUP_DIR)"
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=settings.BACKUP_KEEP,
            help="so viele Sicherungen behalten (Standard: BACKUP_KEEP)",
        )

    def handle(self, *args: Any, directory: str | None, keep: int, **options: Any) -> None:
        target = directory or settings.BACKUP_DIR
        if not target:
            raise CommandError("Kein Verzeichnis angegeben und BACKUP_DIR ist nicht gesetzt.")
        if keep < 1:
            raise CommandError("--keep muss mindestens 1 sein.")
        try:
            result = backup_database(Path(target), keep=keep)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        tables = result.manifest["tables"]
        self.stdout.write(
            f"Sicherung geschrieben: {result.path} ({len(tables)} Tabellen, "
            f"{sum(tables.values())} Zeilen, {result.manifest['media_files']} Mediendateien); "
            f"{len(result.removed)} alte Sicherungen gelöscht."
        )
