"""The cleaning-task workflow as data. Enforced by exactly one function,
`services._apply_transition`.

A crew accepts a task before it reports the outcome: done (optionally with a photo) or nothing
found. Closed tasks have no way out here; only a reopened citizen report sends its tasks back
to "open" (`services.cleaning_tasks_follow_report`).
"""

from __future__ import annotations

from stadtlage.cleaning.models import CleaningStatus

S = CleaningStatus

TRANSITIONS: dict[str, frozenset[str]] = {
    S.OPEN: frozenset({S.ACCEPTED}),
    S.ACCEPTED: frozenset({S.DONE, S.NOT_FOUND}),
}

# The action names of the queue (URLs, buttons) and the state each one leads to.
ACTIONS: dict[str, str] = {
    "annehmen": S.ACCEPTED,
    "erledigt": S.DONE,
    "nicht-vorgefunden": S.NOT_FOUND,
}


def allowed_transitions(status: str) -> frozenset[str]:
    return TRANSITIONS.get(status, frozenset())


def status_label(status: str) -> str:
    try:
        return str(CleaningStatus(status).label)
    except ValueError:
        return status


def transition_error(from_status: str, to_status: str) -> str | None:
    """The German message for a change the workflow forbids, or None if it is allowed."""
    if to_status in allowed_transitions(from_status):
        return None
    hint = " Bitte den Auftrag zuerst annehmen." if from_status == S.OPEN else ""
    return (
        f"Status: Ein Auftrag kann nicht von „{status_label(from_status)}“ "
        f"zu „{status_label(to_status)}“ wechseln.{hint}"
    )
