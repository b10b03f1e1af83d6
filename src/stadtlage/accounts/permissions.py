"""Who may see which part of stadtlage and which data domain. Deny by default.

Sections are the parts of the user interface and API; each app's own `permissions.py`
builds its record-level predicates on `can_access_section` and `readable_domains`.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from stadtlage.accounts.models import Role
from stadtlage.organisations.models import DataDomain


class Section(models.TextChoices):
    FIELD = "field", _("Streife")
    SHIFT = "shift", _("Schichtübersicht")
    QUEUE = "queue", _("Arbeitsliste Meldungen")
    CLEANING = "cleaning", _("Reinigungsaufträge")
    FIGURES = "figures", _("Lagebild und Kennzahlen")
    PARTNER_FIGURES = "partner_figures", _("Partner-Kennzahlen melden")
    TASKFORCE = "taskforce", _("Sonderstab")
    BOARD = "board", _("Verwaltungsvorstand")
    OB_REPORTS = "ob_reports", _("Berichte an den Oberbürgermeister")
    MAP = "map", _("Karte")
    AREAS_EDIT = "areas_edit", _("Gebiete bearbeiten")
    AUDIT = "audit", _("Protokoll")
    PRIVACY = "privacy", _("Datenschutz")


R = Role
SECTION_ROLES: dict[str, frozenset[str]] = {
    Section.FIELD: frozenset({R.KOD_OFFICER, R.POLICE_OFFICER, R.SHIFT_LEAD}),
    Section.SHIFT: frozenset({R.SHIFT_LEAD}),
    Section.QUEUE: frozenset({R.CLEANING_CREW, R.STREETWORKER, R.SHIFT_LEAD, R.KOD_OFFICER}),
    # The EDG crews and the shift leads of the organisation the tasks are addressed to.
    Section.CLEANING: frozenset({R.CLEANING_CREW, R.SHIFT_LEAD}),
    Section.FIGURES: frozenset(
        {
            R.ANALYST,
            R.WG_MEMBER,
            R.WG_LEAD,
            R.TASKFORCE_LEAD,
            R.BOARD_MEMBER,
            R.MAYOR_OFFICE,
            R.SHIFT_LEAD,
        }
    ),
    Section.PARTNER_FIGURES: frozenset({R.PARTNER_SUBMITTER, R.ANALYST}),
    Section.TASKFORCE: frozenset({R.WG_MEMBER, R.WG_LEAD, R.TASKFORCE_LEAD, R.BOARD_MEMBER}),
    Section.BOARD: frozenset({R.BOARD_MEMBER, R.TASKFORCE_LEAD}),
    Section.OB_REPORTS: frozenset({R.MAYOR_OFFICE, R.TASKFORCE_LEAD, R.BOARD_MEMBER}),
    # The data-protection officer checks how records are handled, not the records themselves.
    Section.MAP: frozenset(set(Role.values) - {R.PARTNER_SUBMITTER, R.DATA_PROTECTION_OFFICER}),
    Section.AREAS_EDIT: frozenset({R.ADMIN}),
    # Read-only: who read or changed which record, the processing register, access requests.
    Section.AUDIT: frozenset({R.ADMIN, R.DATA_PROTECTION_OFFICER}),
    Section.PRIVACY: frozenset({R.DATA_PROTECTION_OFFICER, R.ADMIN}),
}

# Roles whose members work with the non-public records of their own organisation's domain.
FIELD_ROLES = frozenset(
    {R.KOD_OFFICER, R.POLICE_OFFICER, R.SHIFT_LEAD, R.STREETWORKER, R.CLEANING_CREW}
)
# Roles that read city-operations records regardless of organisation (Lagezentrum analysis,
# administration of catalogues). Police and addiction-help records are never among them.
CITY_OPERATIONS_READERS = frozenset({R.ANALYST, R.ADMIN})


def _memberships(user: Any) -> list[tuple[str, str]]:
    """(role, organisation data domain) of the user's active memberships, cached per request."""
    cached: list[tuple[str, str]] | None = getattr(user, "_membership_domains", None)
    if cached is None:
        cached = list(
            user.memberships.filter(is_active=True).values_list("role", "organisation__data_domain")
        )
        user._membership_domains = cached
    return cached


def is_staff_user(user: Any) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(user.roles)


def can_access_section(user: Any, section: str) -> bool:
    if not is_staff_user(user):
        return False
    return bool(user.roles & SECTION_ROLES.get(section, frozenset()))


def readable_domains(user: Any) -> frozenset[str]:
    """Data domains whose non-aggregated records the user may read."""
    domains: set[str] = {DataDomain.PUBLIC}
    if not is_staff_user(user):
        return frozenset(domains)
    for role, domain in _memberships(user):
        if role in FIELD_ROLES or role == R.PARTNER_SUBMITTER:
            domains.add(domain)
            # Joint patrols of the Ordnungspartnerschaft share the city-operations records
            # (Kooperationsvereinbarung 2023); police records stay with the police.
            if role in FIELD_ROLES and domain == DataDomain.POLICE:
                domains.add(DataDomain.CITY_OPERATIONS)
        if role in CITY_OPERATIONS_READERS:
            domains.add(DataDomain.CITY_OPERATIONS)
    return frozenset(domains)


def can_read_domain(user: Any, domain: str) -> bool:
    return domain in readable_domains(user)


# Roles whose phones a shift lead may sign out remotely (lost phone of the field app).
REMOTE_SIGN_OUT_ROLES = frozenset({R.KOD_OFFICER, R.POLICE_OFFICER, R.SHIFT_LEAD})


def can_sign_out_others(user: Any) -> bool:
    """Shift leads (their organisation's field staff) and administrators (everyone)."""
    return is_staff_user(user) and user.has_role(R.SHIFT_LEAD, R.ADMIN)


def can_sign_out_devices_of(user: Any, person: Any) -> bool:
    if not can_sign_out_others(user):
        return False
    if user.has_role(R.ADMIN):
        return True
    lead_orgs = {
        org
        for role, org in user.memberships.filter(is_active=True).values_list(
            "role", "organisation_id"
        )
        if role == R.SHIFT_LEAD
    }
    return person.memberships.filter(
        is_active=True, role__in=REMOTE_SIGN_OUT_ROLES, organisation_id__in=lead_orgs
    ).exists()
