"""Issue the report to the Oberbürgermeister for the last completed period (for cron/timers)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from stadtlage.taskforce.errors import TaskforceError
from stadtlage.taskforce.models import MayorReportPeriod, MayorReportTrigger
from stadtlage.taskforce.services import (
    last_complete_period,
    mayor_report_generate,
    mayor_report_request,
)
from stadtlage.taskforce.services.mayor_reports import issued_report_for


class Command(BaseCommand):
    help = (
        "Gibt den Bericht an den Oberbürgermeister für den letzten abgeschlossenen Zeitraum aus "
        "(festgeschrieben: PDF, Datenstand und Prüfsummen) und schreibt das PDF in eine Datei. "
        "Ist der Bericht für diesen Zeitraum schon ausgegeben, wird er nicht neu erstellt."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", "-o", help="PDF-Datei, in die der Bericht geschrieben wird."
        )
        parser.add_argument(
            "--period",
            choices=MayorReportPeriod.values,
            default=MayorReportPeriod.WEEK,
            help="Berichtszeitraum: week (ISO-Woche, Standard) oder month.",
        )
        parser.add_argument(
            "--new",
            action="store_true",
            help="Neuen Bericht ausgeben, auch wenn es für den Zeitraum schon einen gibt.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        period = options["period"]
        start, end = last_complete_period(period, timezone.localdate())
        report = None if options["new"] else issued_report_for(period, start, end)
        if report is None:
            try:
                requested = mayor_report_request(
                    period=period,
                    period_start=start,
                    period_end=end,
                    actor=None,
                    trigger=MayorReportTrigger.SCHEDULE,
                    enqueue=False,  # this command is the worker: generate right here
                )
                report = mayor_report_generate(report_id=requested.pk)
            except TaskforceError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"Bericht ausgegeben: {report} (Nr. {report.pk}).")
        else:
            self.stdout.write(f"Bericht lag schon vor: {report} (Nr. {report.pk}).")
        self.stdout.write(f"SHA-256 Datenstand: {report.snapshot_sha256}")
        self.stdout.write(f"SHA-256 PDF: {report.pdf_sha256}")
        if options["output"]:
            path = Path(options["output"])
            path.write_bytes(bytes(report.pdf or b""))
            self.stdout.write(f"PDF geschrieben: {path} ({report.pdf_size} Bytes).")
