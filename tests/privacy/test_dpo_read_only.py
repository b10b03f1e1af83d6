"""The data-protection officer's role is read-only (issue 14.3): every permission predicate
that lets a person change something answers "no" for the officer – on real records of every
kind, in every state. The officer reads the access log, the history of a record and the
processing register (tests/privacy/test_record_history.py, test_register.py).

Every `can_*` predicate of the apps is listed here as writing or reading: a new predicate fails
the completeness test until it is classified."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from stadtlage.accounts.models import Role
from stadtlage.taskforce.models import RecommendationState
from stadtlage.taskforce.workflow import TRANSITIONS
from tests.cleaning.factories import CleaningTaskFactory
from tests.factories import user_with_role
from tests.kpi.factories import PartnerSeriesFactory, PartnerValueFactory
from tests.reports.factories import ReportFactory
from tests.taskforce.conftest import group, make_indicator, make_recommendation  # noqa: F401

pytestmark = pytest.mark.django_db

APPS = ("accounts", "cleaning", "evaluation", "hotspots", "kpi", "patrols", "reports", "taskforce")

WRITING = {
    "accounts.can_sign_out_others",
    "accounts.can_sign_out_devices_of",
    "cleaning.can_work_on_task",
    "evaluation.can_manage_evaluations",
    "hotspots.can_plan_patrols",
    "kpi.can_define_indicators",
    "kpi.can_edit_indicator",
    "kpi.can_manage_goals",
    "kpi.can_propose_public",
    "kpi.can_confirm_public",
    "kpi.can_submit_partner_value",
    "kpi.can_review_partner_notes",
    "patrols.can_use_field_app",
    "patrols.can_lead_shift",
    "patrols.can_operate_patrol",
    "patrols.can_record_measure",
    "patrols.can_resolve_conflict",
    "reports.can_transition_report",
    "reports.can_work_on_report",
    "reports.can_assign_report_to",
    "reports.can_moderate_report_photos",
    "reports.can_moderate_report_text",
    "taskforce.can_issue_mayor_reports",
    "taskforce.can_create_recommendation",
    "taskforce.can_edit_recommendation",
    "taskforce.can_update_milestones",
    "taskforce.can_draft_public_summary",
    "taskforce.can_approve_public_summary",
    "taskforce.can_take",
    "taskforce.can_manage_group",
    "taskforce.can_run_meeting",
    "taskforce.can_complete_action_item",
}
READING = {
    "accounts.can_access_section",
    "accounts.can_read_domain",
    "evaluation.can_view_evaluations",
    "hotspots.can_view_hotspots",
    "kpi.can_view_figures",
    "kpi.can_export_figures",
    "kpi.can_view_reclassifications",
    "kpi.can_read_partner_note",
    "patrols.can_read_record",
    "reports.can_see_reporter_email",
    "taskforce.can_view_taskforce",
    "taskforce.can_view_board",
    "taskforce.can_read_mayor_reports",
    "taskforce.can_view_recommendation",
    "taskforce.can_view_meetings",
}


def _predicates() -> dict[str, Callable[..., bool]]:
    found = {}
    for app in APPS:
        module = importlib.import_module(f"stadtlage.{app}.permissions")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("can_") and fn.__module__ == module.__name__:
                found[f"{app}.{name}"] = fn
    return found


def test_every_predicate_is_classified() -> None:
    assert set(_predicates()) == WRITING | READING
    assert not WRITING & READING


def test_the_officer_may_change_nothing(group: Any) -> None:  # noqa: F811
    officer = user_with_role(Role.DATA_PROTECTION_OFFICER, username="dana")
    colleague = user_with_role(Role.KOD_OFFICER, username="kim")
    indicator = make_indicator()
    series = PartnerSeriesFactory()
    value = PartnerValueFactory(
        series=series, period_start=date(2026, 11, 2), note="Sonderaktion", note_review="pending"
    )
    report = ReportFactory()
    task = CleaningTaskFactory()
    recs = [make_recommendation(group, state=state) for state in RecommendationState.values]
    p = _predicates()
    answers: dict[str, bool] = {
        "accounts.can_sign_out_others": p["accounts.can_sign_out_others"](officer),
        "accounts.can_sign_out_devices_of": p["accounts.can_sign_out_devices_of"](
            officer, colleague
        ),
        "cleaning.can_work_on_task": p["cleaning.can_work_on_task"](officer, task),
        "patrols.can_operate_patrol": p["patrols.can_operate_patrol"](officer, [colleague.pk]),
        "patrols.can_record_measure": p["patrols.can_record_measure"](officer, Role.values),
        "taskforce.can_complete_action_item": p["taskforce.can_complete_action_item"](
            officer, colleague.pk
        ),
        "taskforce.can_create_recommendation": p["taskforce.can_create_recommendation"](
            officer, group
        ),
        "taskforce.can_manage_group": p["taskforce.can_manage_group"](officer, group),
        "kpi.can_submit_partner_value": p["kpi.can_submit_partner_value"](officer, series),
        "kpi.can_review_partner_notes": p["kpi.can_review_partner_notes"](officer, series),
    }
    for name in ("edit_indicator", "manage_goals", "propose_public", "confirm_public"):
        answers[f"kpi.can_{name}"] = p[f"kpi.can_{name}"](officer, indicator)
    for name in (
        "transition_report",
        "work_on_report",
        "assign_report_to",
        "moderate_report_photos",
        "moderate_report_text",
    ):
        answers[f"reports.can_{name}"] = p[f"reports.can_{name}"](officer, report)
    for name in (
        "edit_recommendation",
        "update_milestones",
        "draft_public_summary",
        "approve_public_summary",
    ):
        answers[f"taskforce.can_{name}"] = any(p[f"taskforce.can_{name}"](officer, r) for r in recs)
    answers["taskforce.can_take"] = any(
        p["taskforce.can_take"](officer, rec, edge)
        for rec in recs
        for edge in TRANSITIONS
        if edge.source == rec.state
    )
    for name in WRITING - set(answers):
        answers[name] = p[name](officer)  # predicates of the user alone
    assert set(answers) == WRITING
    assert {name for name, allowed in answers.items() if allowed} == set()
    # The same predicates do let the people whose work it is act (they are not just "no").
    analyst = user_with_role(Role.ANALYST, username="ana")
    assert p["kpi.can_define_indicators"](analyst)
    assert p["kpi.can_edit_indicator"](analyst, indicator)
    # … and a note still waiting for review stays hidden from the officer, too.
    assert p["kpi.can_read_partner_note"](officer, value) is False
