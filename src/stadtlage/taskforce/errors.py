"""Domain errors of the Sonderstab; their messages name what is missing.

The services translate the messages when they raise (German msgids, ``gettext``), so they are
shown in the language of the person who caused them.
"""

from __future__ import annotations


class TaskforceError(Exception):
    """Base: a request the rules of the Sonderstab refuse. ``str(error)`` is shown to users."""

    def __init__(self, message: str, *, missing: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.missing = missing or []

    def __str__(self) -> str:
        return self.message


class TransitionError(TaskforceError):
    """A status change that the transition map does not allow, or whose guard fails."""


class NotAllowed(TaskforceError):
    """The person lacks the role for this step."""


class FrozenError(TaskforceError):
    """Closed minutes, issued reports and submitted recommendations cannot be changed."""
