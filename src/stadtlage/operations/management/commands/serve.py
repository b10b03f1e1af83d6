from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from stadtlage.operations.supervise import WEB, WEB_APP, WORKER, Child, supervise


class Command(BaseCommand):
    help = (
        "Startet den Produktionsserver: gunicorn (HOST, PORT, WEB_WORKERS, WEB_THREADS) und den "
        "Hintergrund-Worker gemeinsam; endet einer, werden beide gestoppt. Vorher: "
        "collectstatic und migrate (das erledigt `make serve`)."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-worker", action="store_true", help="nur den Webserver starten (kein Worker)"
        )

    def handle(self, *args: Any, no_worker: bool = False, **options: Any) -> None:
        children = [Child("gunicorn", [*WEB, WEB_APP])]
        if settings.TASKS_BACKEND == "database" and not no_worker:
            children.append(Child("worker", WORKER))
        else:
            self.stderr.write("Ohne Hintergrund-Worker (TASKS_BACKEND=immediate oder --no-worker).")
        raise SystemExit(supervise(children))
