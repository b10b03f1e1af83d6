"""Who may do what with patrols and field records. Pure predicates; deny by default."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from stadtlage.accounts.models import Role
from stadtlage.accounts.permissions import Section, can_access_section, readable_domains
from stadtlage.organisations.models import DataDomain

FIELD_RECORDING_ROLES = frozenset({Role.KOD_OFFICER, Role.POLICE_OFFICER, Role.SHIFT_LEAD})


def can_use_field_app(user: Any) -> bool:
    return can_access_section(user, Section.FIELD)


def can_lead_shift(user: Any) -> bool:
    return can_access_section(user, Section.SHIFT)


def can_operate_patrol(user: Any, member_ids: Iterable[int]) -> bool:
    """Members record for their patrol and start/end it; the shift lead may for every patrol."""
    if not can_use_field_app(user):
        return False
    return user.pk in set(member_ids) or can_lead_shift(user)


def can_record_measure(user: Any, allowed_roles: Iterable[str]) -> bool:
    """A measure type lists the roles that may take it (DOMAIN.md §3); none listed: nobody."""
    if not can_use_field_app(user):
        return False
    return bool(user.roles & frozenset(allowed_roles))


def recording_domain(user: Any) -> str:
    """Data domain of a measure: police officers' measures stay with the police (PolG NRW).

    Observations are the shared picture of the joint patrols and always city operations.
    """
    if user.has_role(Role.POLICE_OFFICER) and not user.has_role(Role.KOD_OFFICER, Role.SHIFT_LEAD):
        return DataDomain.POLICE
    return DataDomain.CITY_OPERATIONS


def can_read_record(user: Any, data_domain: str) -> bool:
    return can_use_field_app(user) and data_domain in readable_domains(user)


def can_resolve_conflict(user: Any) -> bool:
    return can_lead_shift(user)
