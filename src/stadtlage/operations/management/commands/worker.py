from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from stadtlage.operations.worker import Companions


class Command(DbWorkerCommand):
    help = (
        "Hintergrund-Worker (TASKS_BACKEND=database): führt eingereihte Aufgaben aus (Bericht an "
        "den Oberbürgermeister, Status-E-Mails), meldet sich alle 30 s als lebendig und führt "
        "fällige geplante Aufgaben aus (außer mit JOBS_IN_WORKER=false oder --no-jobs)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--no-jobs", action="store_true", help="keine geplanten Aufgaben ausführen"
        )

    def handle(self, **options: Any) -> None:
        no_jobs = options.pop("no_jobs", False)
        companions = Companions(
            options["worker_id"], run_jobs=settings.JOBS_IN_WORKER and not no_jobs
        )
        companions.start()
        try:
            super().handle(**options)
        finally:
            companions.close()
