"""The person a request acts for, as the services take it (``actor: User | None``).

Services never see the request (docs/architecture.md, "Writes"); views and admin classes hand
them the signed-in person. ``request.user`` is ``User | AnonymousUser``: this turns it into the
services' type once, instead of a cast at every call.
"""

from __future__ import annotations

from django.http import HttpRequest

from stadtlage.accounts.models import User


def acting_user(request: HttpRequest) -> User | None:
    """The signed-in person of ``request``; None for a visitor who is not signed in."""
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None
