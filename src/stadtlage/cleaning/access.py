"""Access-log classification of the cleaning queue (see `stadtlage.audit.access`).

The views log their reads themselves with the task's number; the actions write audit events.
"""

from stadtlage.audit.access import logged, register

register(
    {
        "cleaning:queue": logged("cleaning.cleaningtask"),
        "cleaning:detail": logged("cleaning.cleaningtask"),
        "cleaning:photo": logged("cleaning.cleaningtask"),
        "cleaning:action": logged("cleaning.cleaningtask"),
    }
)
