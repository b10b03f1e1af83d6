"""Gunicorn configuration of the production server, from the environment (see .env.example).

Used by ``stadtlage serve`` and the systemd unit as ``gunicorn -c python:stadtlage.operations.
gunicorn_conf stadtlage.wsgi``. Importing the settings module first loads ``.env`` and fails fast
on a bad configuration before any worker starts.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from stadtlage import settings as stadtlage_settings

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# Threads per worker serve concurrent requests that wait on the database; processes use cores.
worker_class = "gthread"
workers = int(os.environ.get("WEB_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
threads = int(os.environ.get("WEB_THREADS", "4"))
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("WEB_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# A worker is replaced after this many requests (bounds slow memory growth); 0 = never.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
# Addresses whose X-Forwarded-* headers are trusted (the TLS proxy); Django uses the same list
# for the client address (stadtlage.operations.middleware).
forwarded_allow_ips = ",".join(stadtlage_settings.TRUSTED_PROXIES) or "127.0.0.1"
# Access log off by default: the TLS proxy logs requests (and client addresses) already.
ACCESS_LOG = stadtlage_settings.env_bool("WEB_ACCESS_LOG", False)
accesslog = "-" if ACCESS_LOG else None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "INFO").lower()
# No control socket in the home directory: several instances may run on one machine.
control_socket_disable = True
# Worker heartbeat files in memory (gunicorn's advice for containers and systemd sandboxes).
_SHM = Path("/dev/shm")  # noqa: S108 – gunicorn creates its own unlinked files there
worker_tmp_dir = str(_SHM) if _SHM.is_dir() else None
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": stadtlage_settings.LOGGING["formatters"],
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": stadtlage_settings.LOG_FORMAT,
            "stream": "ext://sys.stderr",
        }
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": loglevel.upper(), "propagate": False},
        "gunicorn.access": {
            "handlers": ["console"],
            "level": "INFO" if ACCESS_LOG else "WARNING",
            "propagate": False,
        },
        # gunicorn drops the body Django sends with HEAD answers, and would warn each time.
        "gunicorn.http.wsgi": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}


# Metrics of all worker processes in one directory (prometheus-client's multiprocess mode),
# emptied when the server starts; a worker's files are marked dead when it exits.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="stadtlage-metrics-")
_METRICS_DIR = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])


def on_starting(server: object) -> None:
    _METRICS_DIR.mkdir(parents=True, exist_ok=True)
    for stale in _METRICS_DIR.glob("*.db"):
        stale.unlink()


def child_exit(server: object, worker: object) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined]
