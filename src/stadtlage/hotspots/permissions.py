"""Who may see hot-spot maps and plan patrols. Pure predicates; deny by default.

Maps show aggregates (events per cell), never records. Police-domain records (measures of
police officers) enter a map only for people who may read the police domain; cells with fewer
than `settings.PUBLIC_MIN_COUNT` events are shown only to internal readers — people who may
read the underlying city-operations records themselves (shift leads, analysts, field staff).
"""

from __future__ import annotations

from typing import Any

from stadtlage.accounts.permissions import Section, can_access_section, readable_domains
from stadtlage.organisations.models import DataDomain


def can_view_hotspots(user: Any) -> bool:
    """Shift leads, analysts, working groups, the Sonderstab (the figures section)."""
    return can_access_section(user, Section.FIGURES)


def map_domains(user: Any) -> frozenset[str]:
    """Data domains whose records may be counted on the user's maps."""
    if not can_view_hotspots(user):
        return frozenset()
    domains = {DataDomain.PUBLIC, DataDomain.CITY_OPERATIONS}
    if DataDomain.POLICE in readable_domains(user):
        domains.add(DataDomain.POLICE)
    return frozenset(domains)


def is_internal(user: Any) -> bool:
    """May see cells with few events (reads the city-operations records anyway)."""
    return can_view_hotspots(user) and DataDomain.CITY_OPERATIONS in readable_domains(user)


def can_plan_patrols(user: Any) -> bool:
    return can_access_section(user, Section.SHIFT)
