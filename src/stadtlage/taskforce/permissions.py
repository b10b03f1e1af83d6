"""Who may do what in the Sonderstab. Pure predicates over a person and a record; deny by default.

* Working-group members edit their group's drafts; the group lead also releases them for
  coordination and keeps them up to date until submission.
* The Sonderstab lead runs the agenda, the minutes and the submissions to the board.
* Members of the Verwaltungsvorstand record decisions.
* The mayor's office reads the reports to the Oberbürgermeister.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from stadtlage.accounts.models import Role
from stadtlage.accounts.permissions import Section, can_access_section, is_staff_user
from stadtlage.organisations.models import WorkingGroup
from stadtlage.taskforce.models import (
    Recommendation,
    RecommendationState,
)
from stadtlage.taskforce.workflow import EDITABLE_STATES, TRACKED_STATES, Actor, Transition

R = Role


def group_roles(user: Any) -> dict[int, frozenset[str]]:
    """Working-group id → the person's roles in that group (active memberships), cached."""
    cached: dict[int, frozenset[str]] | None = getattr(user, "_taskforce_group_roles", None)
    if cached is None:
        collected: dict[int, set[str]] = {}
        if is_staff_user(user):
            rows = user.memberships.filter(
                is_active=True, working_group__isnull=False, role__in=(R.WG_MEMBER, R.WG_LEAD)
            ).values_list("working_group_id", "role")
            for group_id, role in rows:
                collected.setdefault(group_id, set()).add(role)
        cached = {group_id: frozenset(roles) for group_id, roles in collected.items()}
        user._taskforce_group_roles = cached
    return cached


def is_taskforce_lead(user: Any) -> bool:
    return is_staff_user(user) and user.has_role(R.TASKFORCE_LEAD)


def is_board_member(user: Any) -> bool:
    return is_staff_user(user) and user.has_role(R.BOARD_MEMBER)


def is_group_member(user: Any, group_id: int) -> bool:
    return bool(group_roles(user).get(group_id))


def is_group_lead(user: Any, group_id: int) -> bool:
    return R.WG_LEAD in group_roles(user).get(group_id, frozenset())


def acts_as(user: Any, actor: Actor, rec: Recommendation) -> bool:
    if actor == Actor.GROUP_MEMBER:
        return is_group_member(user, rec.working_group_id)
    if actor == Actor.GROUP_LEAD:
        return is_group_lead(user, rec.working_group_id)
    if actor == Actor.TASKFORCE_LEAD:
        return is_taskforce_lead(user)
    if actor == Actor.BOARD:
        return is_board_member(user)
    return False


# --- Sections -----------------------------------------------------------------------------------


def can_view_taskforce(user: Any) -> bool:
    return can_access_section(user, Section.TASKFORCE)


def can_view_board(user: Any) -> bool:
    return can_access_section(user, Section.BOARD)


def can_read_mayor_reports(user: Any) -> bool:
    return can_access_section(user, Section.OB_REPORTS)


def can_issue_mayor_reports(user: Any) -> bool:
    return is_taskforce_lead(user)


# --- Recommendations ----------------------------------------------------------------------------


def can_view_recommendation(user: Any, rec: Recommendation) -> bool:
    if not (can_view_taskforce(user) or can_view_board(user)):
        return False
    if rec.state == RecommendationState.DRAFT:
        return is_taskforce_lead(user) or is_group_member(user, rec.working_group_id)
    return True


def recommendations_visible_to(user: Any) -> QuerySet[Recommendation]:
    """Drafts stay within their group (and the Sonderstab lead); the rest is shared."""
    qs = Recommendation.objects.all()
    if not (can_view_taskforce(user) or can_view_board(user)):
        return qs.none()
    if is_taskforce_lead(user):
        return qs
    return qs.filter(
        ~Q(state=RecommendationState.DRAFT) | Q(working_group_id__in=list(group_roles(user)))
    )


def can_create_recommendation(user: Any, group: WorkingGroup) -> bool:
    return group.is_active and (is_taskforce_lead(user) or is_group_member(user, group.pk))


def groups_for_new_recommendation(user: Any) -> QuerySet[WorkingGroup]:
    groups = WorkingGroup.objects.filter(is_active=True)
    if is_taskforce_lead(user):
        return groups
    return groups.filter(pk__in=list(group_roles(user)))


def can_edit_recommendation(user: Any, rec: Recommendation) -> bool:
    """Content edits: members in draft; group lead and Sonderstab lead until the submission."""
    if rec.state not in EDITABLE_STATES:
        return False
    if is_taskforce_lead(user) or is_group_lead(user, rec.working_group_id):
        return True
    return rec.state == RecommendationState.DRAFT and is_group_member(user, rec.working_group_id)


def can_update_milestones(user: Any, rec: Recommendation) -> bool:
    """Marking milestones done while the decided measures are carried out."""
    if rec.state not in TRACKED_STATES or rec.state == RecommendationState.EVALUATED:
        return False
    return is_taskforce_lead(user) or is_group_member(user, rec.working_group_id)


def can_draft_public_summary(user: Any, rec: Recommendation) -> bool:
    """The public summary (any state): the Sonderstab lead and the lead of the group."""
    return is_taskforce_lead(user) or is_group_lead(user, rec.working_group_id)


def can_approve_public_summary(user: Any, rec: Recommendation) -> bool:
    """Publishing it is the board's decision (the recommendation must be decided)."""
    return is_board_member(user) and rec.state in TRACKED_STATES


def can_take(user: Any, rec: Recommendation, edge: Transition) -> bool:
    return any(acts_as(user, actor, rec) for actor in edge.actors)


# --- Working groups and meetings ----------------------------------------------------------------


def can_manage_group(user: Any, group: WorkingGroup) -> bool:
    return is_taskforce_lead(user) or is_group_lead(user, group.pk)


def can_view_meetings(user: Any) -> bool:
    return can_view_taskforce(user)


def can_run_meeting(user: Any) -> bool:
    return is_taskforce_lead(user)


def can_complete_action_item(user: Any, owner_id: int) -> bool:
    return is_taskforce_lead(user) or (is_staff_user(user) and user.pk == owner_id)
