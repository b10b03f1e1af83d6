from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from stadtlage.public.policy import current


def disclosure(request: HttpRequest) -> dict[str, Any]:
    """The disclosure parameters every public template may name ("< 5", "250 m")."""
    policy = current()
    return {"disclosure_min_count": policy.min_count, "disclosure_cell_m": policy.cell_m}
