from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from stadtlage.kpi.compute import recompute_all
from stadtlage.kpi.models import Indicator


class Command(BaseCommand):
    help = (
        "Berechnet die Zeitreihen aller aktiven Kennzahlen neu (stündlich per Cron; "
        "nach Partner-Meldungen und Definitionsänderungen geschieht es automatisch)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("codes", nargs="*", help="nur diese Kennzahlen (Code)")

    def handle(self, *args: Any, codes: list[str], **options: Any) -> None:
        indicators = None
        if codes:
            indicators = list(Indicator.objects.filter(code__in=codes))
        started = time.perf_counter()
        series = recompute_all(indicators=indicators)
        self.stdout.write(
            f"{len(series)} Kennzahlen berechnet in {time.perf_counter() - started:.2f} s."
        )
