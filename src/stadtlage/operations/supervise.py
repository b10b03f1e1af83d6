"""Run the web server and the background worker as one unit (``stadtlage serve``).

Both start together; a SIGTERM or SIGINT is passed on to both; when either ends, the other is
stopped too and the unit exits with a failure, so that systemd, a container runtime or the
person at the terminal sees it and restarts the whole. (The systemd units in ``deploy/`` run web
and worker as two services instead; this is for `make serve` and the container.)
"""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from types import FrameType

logger = logging.getLogger("stadtlage.operations")

WEB = [sys.executable, "-m", "gunicorn", "-c", "python:stadtlage.operations.gunicorn_conf"]
WEB_APP = "stadtlage.wsgi:application"
WORKER = [sys.executable, "-m", "stadtlage", "worker"]


@dataclass
class Child:
    name: str
    argv: Sequence[str]
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(list(self.argv))  # noqa: S603 – our own interpreter
        logger.info("%s gestartet (PID %s)", self.name, self.process.pid)

    def poll(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def signal(self, signum: int) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signum)


def supervise(children: Sequence[Child], *, grace_seconds: float = 35.0) -> int:
    """Start ``children``, wait until a signal arrives or one ends, stop all; exit status."""
    stopping: list[int] = []

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        stopping.append(signum)

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        for child in children:
            child.start()
        ended: Child | None = None
        while not stopping and ended is None:
            ended = next((c for c in children if c.poll() is not None), None)
            time.sleep(0.2)
        if ended is not None:
            logger.error(
                "%s beendet (Status %s) – die übrigen Prozesse werden gestoppt",
                ended.name,
                ended.poll(),
            )
        for child in children:
            child.signal(signal.SIGTERM)
        deadline = time.monotonic() + grace_seconds
        for child in children:
            assert child.process is not None
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                logger.error("%s reagiert nicht auf SIGTERM – wird beendet", child.name)
                child.process.kill()
                child.process.wait()
        return 0 if stopping and ended is None else 1
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
