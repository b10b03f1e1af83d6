from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from stadtlage.operations import jobs
from stadtlage.operations.units import write_units


class Command(BaseCommand):
    help = (
        "Geplante Aufgaben: `list` zeigt ihren Stand, `run NAME` führt eine aus (für systemd-"
        "Timer), `run-due` alle fälligen (auch verpasste), `units VERZ` schreibt die systemd-"
        "Units und -Timer."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="Aufgaben, Zeitplan, letzter Erfolg")
        run = sub.add_parser("run", help="eine Aufgabe jetzt ausführen")
        run.add_argument("name", choices=sorted(jobs.JOBS))
        due = sub.add_parser("run-due", help="alle fälligen Aufgaben ausführen")
        due.add_argument(
            "--loop", type=int, default=0, help="alle N Sekunden wiederholen (0 = einmal)"
        )
        units = sub.add_parser("units", help="systemd-Units und -Timer schreiben")
        units.add_argument("directory")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "list":
            self._list()
        elif action == "run":
            result = jobs.run_job(options["name"])
            self.stdout.write(f"{result.name}: {result.outcome} – {result.summary}")
            if result.outcome == "failed":
                raise CommandError(f"{result.name} fehlgeschlagen: {result.summary}")
        elif action == "run-due":
            while True:
                for result in jobs.run_due():
                    self.stdout.write(f"{result.name}: {result.outcome} – {result.summary}")
                if not options["loop"]:
                    break
                close_old_connections()
                time.sleep(options["loop"])
        else:
            for path in write_units(Path(options["directory"])):
                self.stdout.write(f"geschrieben: {path}")

    def _list(self) -> None:
        statuses = {s.job.name: s for s in jobs.job_statuses()}
        for job in jobs.JOBS.values():
            status = statuses.get(job.name)
            if status is None:
                self.stdout.write(f"{job.name:22} aus: {job.disabled_because()}")
                continue
            state = status.state
            last = (
                f"{timezone.localtime(state.last_success_at):%d.%m.%Y %H:%M}"
                if state and state.last_success_at
                else "noch nie"
            )
            flag = (
                f" ÜBERFÄLLIG seit {timezone.localtime(status.overdue_since):%d.%m. %H:%M}"
                if status.overdue_since
                else ""
            )
            self.stdout.write(
                f"{job.name:22} {job.schedule.describe():22} zuletzt erfolgreich: {last}{flag}"
            )
