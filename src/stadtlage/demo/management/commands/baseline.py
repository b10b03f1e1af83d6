"""`stadtlage baseline`: load the reference data (organisations, catalogues, areas)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from stadtlage.demo.baseline import load_baseline


class Command(BaseCommand):
    help = (
        "Lädt die Stammdaten (Organisationen, Arbeitsgruppen, Kataloge, Gebiete). "
        "Mehrfaches Ausführen ändert nichts; auch für den Produktivbetrieb."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--keep-existing",
            action="store_true",
            help="Vorhandene Einträge nicht überschreiben (Änderungen der Verwaltung bleiben).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_baseline(update_existing=not options["keep_existing"])
        kept = "unverändert" if options["keep_existing"] else "aktualisiert"
        self.stdout.write(
            self.style.SUCCESS(f"Stammdaten: {result.created} angelegt, {result.updated} {kept}.")
        )
