"""`stadtlage import_addresses FILE --source NAME [--replace]`: load the address register."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from stadtlage.places.addresses import addresses_import, parse_address_file


class Command(BaseCommand):
    help = (
        "Lädt Adressen (Hauskoordinaten, Straßen, Ortsnamen) aus einer CSV-Datei ins "
        "Adressverzeichnis – ganz oder gar nicht. Damit lassen sich Meldungen per Adresse verorten."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", help="CSV-Datei (z. B. Hauskoordinaten mit STN, HNR, EAST, NORTH)"
        )
        parser.add_argument(
            "--source", required=True, help="Quelle und Stand, z. B. „Hauskoordinaten 2026-10“"
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Einträge derselben Quelle, die in der Datei fehlen, entfernen",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Datei „{path}“ kann nicht gelesen werden: {exc.strerror}") from exc
        try:
            rows = parse_address_file(data)
            counts = addresses_import(
                rows=rows, source=options["source"], replace=options["replace"]
            )
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        self.stdout.write(
            f"Adressverzeichnis „{options['source']}“: {counts['created']} neu, "
            f"{counts['updated']} aktualisiert, {counts['removed']} entfernt."
        )
