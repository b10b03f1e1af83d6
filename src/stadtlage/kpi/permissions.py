"""Who may see, define and feed key figures. Pure predicates; deny by default.

Figures are aggregates: everyone with the figures section reads every indicator. Defining
indicators is the analysts' job (and the named owner's); goals are set by the Sonderstab's
leads; partner figures are submitted by the partner organisation itself (or an analyst).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from stadtlage.accounts.models import Role
from stadtlage.accounts.permissions import Section, can_access_section
from stadtlage.kpi.models import Indicator, PartnerSeries

R = Role


def can_view_figures(user: Any) -> bool:
    return can_access_section(user, Section.FIGURES)


def can_define_indicators(user: Any) -> bool:
    """Create new indicators (analysts)."""
    return can_view_figures(user) and user.has_role(R.ANALYST)


def can_edit_indicator(user: Any, indicator: Indicator) -> bool:
    if not can_view_figures(user):
        return False
    version = indicator.current_version
    return user.has_role(R.ANALYST) or (version is not None and version.owner_id == user.pk)


def _lead_group_ids(user: Any) -> set[int]:
    return set(
        user.memberships.filter(is_active=True, role=R.WG_LEAD).values_list(
            "working_group_id", flat=True
        )
    )


def can_manage_goals(user: Any, indicator: Indicator) -> bool:
    """Analysts, the Sonderstab lead, and the lead of the indicator's working group."""
    if not can_view_figures(user):
        return False
    if user.has_role(R.ANALYST, R.TASKFORCE_LEAD):
        return True
    version = indicator.current_version
    return bool(
        version is not None
        and version.working_group_id
        and user.has_role(R.WG_LEAD)
        and version.working_group_id in _lead_group_ids(user)
    )


def can_propose_public(user: Any, indicator: Indicator) -> bool:
    """Proposing a figure for the public Lagebild: analysts."""
    return can_view_figures(user) and user.has_role(R.ANALYST)


def can_confirm_public(user: Any, indicator: Indicator) -> bool:
    """Confirming (a second person) or withdrawing: analysts and the Sonderstab lead."""
    return can_view_figures(user) and user.has_role(R.ANALYST, R.TASKFORCE_LEAD)


def can_export_figures(user: Any) -> bool:
    return can_view_figures(user)


def can_view_reclassifications(user: Any) -> bool:
    return can_view_figures(user) and user.has_role(R.ANALYST, R.TASKFORCE_LEAD)


def _organisation_ids(user: Any) -> set[int]:
    return set(
        user.memberships.filter(is_active=True, role=R.PARTNER_SUBMITTER).values_list(
            "organisation_id", flat=True
        )
    )


def partner_series_for(user: Any) -> QuerySet[PartnerSeries]:
    """The partner series a person may submit and see the history of."""
    if not can_access_section(user, Section.PARTNER_FIGURES):
        return PartnerSeries.objects.none()
    qs = PartnerSeries.objects.filter(is_active=True).select_related("organisation")
    if user.has_role(R.ANALYST):
        return qs
    return qs.filter(organisation_id__in=_organisation_ids(user))


def can_submit_partner_value(user: Any, series: PartnerSeries) -> bool:
    if not can_access_section(user, Section.PARTNER_FIGURES) or not series.is_active:
        return False
    return user.has_role(R.ANALYST) or series.organisation_id in _organisation_ids(user)


def can_review_partner_notes(user: Any, series: PartnerSeries) -> bool:
    """The Lagezentrum's analysts release partners' notes to the other readers."""
    return can_access_section(user, Section.PARTNER_FIGURES) and user.has_role(R.ANALYST)


def can_read_partner_note(user: Any, value: Any) -> bool:
    """A note is visible to its submitter and the reviewers, and to others once released."""
    if not value.note:
        return False
    if value.note_review == "approved":
        return True
    return value.submitted_by_id == getattr(user, "pk", None) or can_review_partner_notes(
        user, value.series
    )
