"""systemd units for a Debian server, generated from the job registry (``stadtlage jobs units``).

``deploy/systemd/`` holds the output for the standard layout (docs/operations.md): code and
virtualenv in ``/opt/stadtlage``, settings in ``/etc/stadtlage/stadtlage.env``, data in
``/var/lib/stadtlage``, backups in ``/var/backups/stadtlage``, user ``stadtlage``. A test
checks that the committed files equal this output and that ``systemd-analyze verify`` accepts
them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from stadtlage.operations.jobs import JOBS, Job


@dataclass(frozen=True)
class Layout:
    home: str = "/opt/stadtlage"
    venv: str = "/opt/stadtlage/.venv"
    env_file: str = "/etc/stadtlage/stadtlage.env"
    var_dir: str = "/var/lib/stadtlage"
    backup_dir: str = "/var/backups/stadtlage"
    user: str = "stadtlage"


HARDENING = """\
NoNewPrivileges=yes
PrivateTmp=yes
PrivateDevices=yes
ProtectSystem=strict
ProtectHome=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectControlGroups=yes
RestrictSUIDSGID=yes
LockPersonality=yes
UMask=0027
"""


def _service_common(layout: Layout, *, backups: bool = False) -> str:
    writable = layout.var_dir + (f" {layout.backup_dir}" if backups else "")
    return (
        f"User={layout.user}\n"
        f"Group={layout.user}\n"
        f"WorkingDirectory={layout.home}\n"
        f"Environment=STADTLAGE_HOME={layout.home} STADTLAGE_VAR_DIR={layout.var_dir}\n"
        f"EnvironmentFile={layout.env_file}\n"
        f"ReadWritePaths={writable}\n"
        f"{HARDENING}"
    )


def web_unit(layout: Layout) -> str:
    return (
        "[Unit]\n"
        "Description=stadtlage web server (gunicorn)\n"
        "Documentation=file:///opt/stadtlage/docs/operations.md\n"
        "Wants=network-online.target\n"
        "After=network-online.target postgresql.service redis-server.service\n"
        "\n"
        "[Service]\n"
        "Type=notify\n"
        "NotifyAccess=main\n"
        f"{_service_common(layout)}"
        f"ExecStart={layout.venv}/bin/gunicorn -c python:stadtlage.operations.gunicorn_conf "
        "stadtlage.wsgi:application\n"
        "ExecReload=/bin/kill -s HUP $MAINPID\n"
        "KillMode=mixed\n"
        "TimeoutStopSec=40\n"
        "Restart=on-failure\n"
        "RestartSec=5\n"
        "\n"
        "[Install]\n"
        "WantedBy=multi-user.target\n"
    )


def worker_unit(layout: Layout) -> str:
    return (
        "[Unit]\n"
        "Description=stadtlage background worker (django-tasks)\n"
        "Documentation=file:///opt/stadtlage/docs/operations.md\n"
        "Wants=network-online.target\n"
        "After=network-online.target postgresql.service redis-server.service\n"
        "\n"
        "[Service]\n"
        "Type=simple\n"
        f"{_service_common(layout)}"
        # The timers below run the scheduled jobs; the worker only runs queued tasks.
        "Environment=JOBS_IN_WORKER=false\n"
        f"ExecStart={layout.venv}/bin/stadtlage worker --no-startup-delay\n"
        "KillMode=mixed\n"
        "TimeoutStopSec=300\n"
        "Restart=on-failure\n"
        "RestartSec=5\n"
        "\n"
        "[Install]\n"
        "WantedBy=multi-user.target\n"
    )


def job_service(job: Job, layout: Layout) -> str:
    return (
        "[Unit]\n"
        f"Description=stadtlage job {job.name}: {job.description}\n"
        "Documentation=file:///opt/stadtlage/docs/operations.md\n"
        "After=network-online.target postgresql.service\n"
        "\n"
        "[Service]\n"
        "Type=oneshot\n"
        f"{_service_common(layout, backups=job.name == 'backup')}"
        f"ExecStart={layout.venv}/bin/stadtlage jobs run {job.name}\n"
        f"TimeoutStartSec={int(job.lease.total_seconds())}\n"
    )


def job_timer(job: Job) -> str:
    return (
        "[Unit]\n"
        f"Description=stadtlage job {job.name} ({job.schedule.describe()})\n"
        "\n"
        "[Timer]\n"
        f"OnCalendar={job.schedule.on_calendar(settings.TIME_ZONE)}\n"
        # A run missed while the server was off is made up at boot.
        "Persistent=true\n"
        "RandomizedDelaySec=60\n"
        "\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
    )


def units(layout: Layout | None = None) -> dict[str, str]:
    layout = layout or Layout()
    files = {
        "stadtlage-web.service": web_unit(layout),
        "stadtlage-worker.service": worker_unit(layout),
    }
    for job in JOBS.values():
        files[f"stadtlage-{job.name.replace('_', '-')}.service"] = job_service(job, layout)
        files[f"stadtlage-{job.name.replace('_', '-')}.timer"] = job_timer(job)
    return files


def write_units(directory: Path, layout: Layout | None = None) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in units(layout).items():
        path = directory / name
        path.write_text(text)
        written.append(path)
    return written
