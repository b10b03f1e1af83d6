from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from stadtlage.reports.permissions import (
    can_see_reporter_email,
    can_transition_report,
    reports_visible_to,
)
from tests.factories import OrganisationFactory, user_with_role
from tests.reports.factories import ReportFactory, ServiceCategoryFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "transition", "email"),
    [
        ("kod_officer", True, True),
        ("shift_lead", True, True),
        ("admin", True, False),
        ("police_officer", False, False),
        ("analyst", False, False),
        ("board_member", False, False),
        ("partner_submitter", False, False),
    ],
)
def test_predicates(role: str, transition: bool, email: bool) -> None:
    report = ReportFactory()  # responsible: KOD
    user = user_with_role(role)
    assert can_transition_report(user, report) is transition
    assert can_see_reporter_email(user, report) is email


def test_other_organisations_queue_is_not_enough() -> None:
    edg = OrganisationFactory(short_name="EDG")
    report = ReportFactory(category=ServiceCategoryFactory(code="muell", responsible=edg))
    kod = user_with_role("kod_officer")
    assert not can_transition_report(kod, report)
    assert can_transition_report(user_with_role("cleaning_crew"), report)


def test_anonymous_sees_and_changes_nothing() -> None:
    report = ReportFactory()
    anonymous = AnonymousUser()
    assert not can_transition_report(anonymous, report)
    assert not can_see_reporter_email(anonymous, report)
    assert not reports_visible_to(anonymous).exists()


def test_visibility_follows_data_domains() -> None:
    report = ReportFactory()
    assert list(reports_visible_to(user_with_role("analyst"))) == [report]
    assert list(reports_visible_to(user_with_role("kod_officer", username="k2"))) == [report]
    assert not reports_visible_to(user_with_role("partner_submitter")).exists()
