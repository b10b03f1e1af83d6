"""What the background worker does besides running queued tasks: it says it is alive
(``WorkerHeartbeat``, read by /health/ready) and, unless ``JOBS_IN_WORKER=false``, runs the
scheduled jobs that are due (``jobs.run_due``) once a minute. Each in its own thread, so a long
job does not silence the heartbeat."""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from datetime import timedelta

from django.db import close_old_connections, connection
from django.utils import timezone

from stadtlage.operations.models import WorkerHeartbeat

logger = logging.getLogger("stadtlage.operations")

HEARTBEAT_SECONDS = 30
SCHEDULER_SECONDS = 60
# A worker without a heartbeat for this long counts as gone (/health/ready).
HEARTBEAT_STALE = timedelta(seconds=4 * HEARTBEAT_SECONDS)


def beat(worker_id: str, started_at: object) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id[:64],
        defaults={
            "hostname": socket.gethostname()[:200],
            "pid": os.getpid(),
            "started_at": started_at,
            "seen_at": now,
        },
    )
    WorkerHeartbeat.objects.filter(seen_at__lt=now - timedelta(days=1)).delete()


def _loop(stop: threading.Event, every: float, step: Callable[[], None], what: str) -> None:
    while True:
        try:
            step()
        except Exception:
            logger.exception("Worker: %s fehlgeschlagen", what)
        finally:
            close_old_connections()
            connection.close()
        if stop.wait(every):
            return


class Companions:
    """The heartbeat and scheduler threads of one worker process."""

    def __init__(self, worker_id: str, *, run_jobs: bool) -> None:
        self.worker_id = worker_id
        self.stop = threading.Event()
        started_at = timezone.now()
        self.threads = [
            threading.Thread(
                target=_loop,
                args=(self.stop, HEARTBEAT_SECONDS, lambda: beat(worker_id, started_at), "Puls"),
                name="heartbeat",
                daemon=True,
            )
        ]
        if run_jobs:
            from stadtlage.operations.jobs import run_due

            self.threads.append(
                threading.Thread(
                    target=_loop,
                    args=(self.stop, SCHEDULER_SECONDS, run_due, "geplante Aufgaben"),
                    name="scheduler",
                    daemon=True,
                )
            )

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def close(self) -> None:
        self.stop.set()
        WorkerHeartbeat.objects.filter(worker_id=self.worker_id[:64]).delete()
