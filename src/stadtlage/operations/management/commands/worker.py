from __future__ import annotations

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand


class Command(DbWorkerCommand):
    help = (
        "Hintergrund-Worker (TASKS_BACKEND=database): führt eingereihte Aufgaben aus, z. B. den "
        "Bericht an den Oberbürgermeister und Status-E-Mails."
    )
