"""Background tasks (Django's tasks framework through the ``django-tasks`` backport).

Embedded default: the immediate backend runs the task in the process that enqueues it (right
after the request's transaction commits). Production: ``TASKS_BACKEND=database`` queues it and
``stadtlage db_worker`` runs it; the status page polls ``MayorReport.progress``.
"""

from __future__ import annotations

from django_tasks import task

from stadtlage.audit.context import outside_request
from stadtlage.taskforce.services.mayor_reports import mayor_report_generate


@task()
def generate_mayor_report(report_id: int) -> str:
    """Generate and freeze one requested report; returns the PDF's SHA-256.

    Never part of the request that enqueued it, also when the immediate backend runs it there."""
    with outside_request():
        return mayor_report_generate(report_id=report_id).pdf_sha256
