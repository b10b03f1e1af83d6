"""Who may see and who may set up evaluations. Pure predicates; deny by default.

* Reading: everyone who reads key figures or works in the Sonderstab (the numbers are
  aggregates; no record of a person is shown).
* Setting up, freezing, changing (a new version), computing and recording that no evaluation is
  possible: analysts (Lagezentrum) and the Sonderstab lead.
"""

from __future__ import annotations

from typing import Any

from stadtlage.accounts.models import Role
from stadtlage.accounts.permissions import Section, can_access_section, is_staff_user

MANAGING_ROLES = frozenset({Role.ANALYST, Role.TASKFORCE_LEAD})


def can_view_evaluations(user: Any) -> bool:
    return any(
        can_access_section(user, section)
        for section in (Section.FIGURES, Section.TASKFORCE, Section.OB_REPORTS)
    )


def can_manage_evaluations(user: Any) -> bool:
    return is_staff_user(user) and bool(user.roles & MANAGING_ROLES)
