"""Complete access logging: every URL is classified; every page that shows non-public records
leaves an access event; public pages really are public (DOMAIN.md §4)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from stadtlage.audit.access import LOGGED, NO_RECORDS, PUBLIC, rule_for
from stadtlage.audit.models import AuditEvent
from stadtlage.evaluation.models import Evaluation
from stadtlage.kpi.models import Indicator, PartnerSeries
from stadtlage.organisations.models import DataDomain, WorkingGroup
from stadtlage.patrols.models import Patrol
from stadtlage.reports.links import followup_token
from stadtlage.reports.models import Report, ServiceCategory
from stadtlage.taskforce.models import AgendaItem, Meeting, Recommendation

pytestmark = pytest.mark.django_db

Route = tuple[str, Any]  # view name, pattern


def _walk(patterns: list[Any], namespace: str = "") -> Iterator[Route]:
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, inner)
        elif isinstance(p, URLPattern):
            yield (f"{namespace}{p.name}" if p.name else "", p)


def routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns))


def _unnamed_redirect(name: str, pattern: Any) -> bool:
    """The admin's unnamed patterns only redirect (old change URLs, the catch-all)."""
    return not name and pattern.callback.__module__.startswith("django.")


def test_every_url_is_classified() -> None:
    missing = [
        str(pattern.pattern)
        for name, pattern in routes()
        if not _unnamed_redirect(name, pattern) and (not name or rule_for(name) is None)
    ]
    assert missing == [], (
        "URLs without access classification – add them to the app's access.py "
        f"(stadtlage.audit.access): {missing}"
    )


def test_pages_without_log_say_why() -> None:
    for name, _pattern in routes():
        rule = rule_for(name) if name else None
        if rule is not None and rule.policy in (PUBLIC, NO_RECORDS):
            assert rule.reason, name


# --------------------------------------------------------------------------- arguments


def _dummy(name: str) -> Any:
    known = {"pk": 1, "fmt": "json", "kind": "observation", "object_id": "1", "app_label": "kpi"}
    return known.get(name, "x")


def _arguments(world: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Real objects for the pages that need one (everything else gets dummy arguments)."""
    report = Report.objects.exclude(source="field").order_by("pk").first()
    recommendation = Recommendation.objects.filter(state="draft").order_by("pk").first()
    meeting = Meeting.objects.order_by("pk").first()
    item = AgendaItem.objects.order_by("pk").first()
    group = WorkingGroup.objects.order_by("pk").first()
    indicator = Indicator.objects.filter(series__isnull=False).order_by("pk").first()
    series = PartnerSeries.objects.filter(organisation__data_domain=DataDomain.ADDICTION_HELP)
    evaluation = Evaluation.objects.order_by("pk").first()
    patrol = Patrol.objects.filter(status="finished").order_by("pk").first()
    assert report and recommendation and meeting and item and group and indicator
    assert evaluation and patrol and series.exists()
    category = ServiceCategory.objects.filter(is_active=True).order_by("pk").first()
    assert category is not None
    return {
        "taskforce:group_detail": {"slug": group.slug},
        "taskforce:group_edit": {"slug": group.slug},
        "taskforce:recommendation_detail": {"pk": recommendation.pk},
        "taskforce:recommendation_edit": {"pk": recommendation.pk},
        "taskforce:meeting_detail": {"pk": meeting.pk},
        "taskforce:mayor_report_detail": {"pk": world["mayor_report"].pk},
        "taskforce:mayor_report_pdf": {"pk": world["mayor_report"].pk},
        "kpi:working_group": {"slug": group.slug},
        "kpi:indicator": {"code": indicator.code},
        "kpi:indicator_edit": {"code": indicator.code},
        "kpi:indicator_export": {"code": indicator.code, "fmt": "csv"},
        "kpi:partner_series": {"code": series.first().code},  # type: ignore[union-attr]
        "evaluation:detail": {"pk": evaluation.pk},
        "evaluation:design": {"pk": evaluation.pk},
        "patrols:conflict_photo": {"conflict_id": world["conflict"].pk},
        "patrols:shift_report": {"patrol_id": patrol.uuid},
        "patrols:photo": {"photo_id": world["photo"].uuid},
        "patrols:api_presence": {"patrol_id": patrol.uuid},
        "reports:form": {"code": category.code},
        "reports:receipt": {"report_uuid": report.uuid},
        "reports:followup": {"token": followup_token(report.uuid)},
        "reports:detail": {"report_id": report.pk},
        "reports:queue_detail": {"report_id": report.pk},
        "reports:reporter_data": {"report_uuid": report.uuid},
        "reports:reporter_download": {"report_uuid": report.uuid},
        "places:area_edit": {"slug": "westenhellweg"},
        "hotspots:plan_detail": {"plan_id": world["plan"].uuid},
        "cleaning:detail": {"task_id": world["cleaning_task"].pk},
        "cleaning:photo": {"task_id": world["cleaning_task"].pk},
    }


def _url(name: str, pattern: Any, arguments: dict[str, dict[str, Any]]) -> str:
    names = list(pattern.pattern.regex.groupindex)
    kwargs = arguments.get(name) or {n: _dummy(n) for n in names}
    converters = getattr(pattern.pattern, "converters", {})
    for key, converter in converters.items():
        if kwargs.get(key) != "x":  # a real argument, or not a dummy
            continue
        if type(converter).__name__ == "UUIDConverter":
            kwargs[key] = uuid.UUID(int=0)
        elif type(converter).__name__ == "IntConverter":
            kwargs[key] = 1
    return reverse(name, kwargs=kwargs)


def _query(name: str, world: dict[str, Any]) -> dict[str, str]:
    if name == "kpi:partner_api":
        return {"series": world["partner_value"].series.code}
    if name.startswith("privacy:record_history"):
        return {"object_type": "reports.report", "object_id": "1"}
    return {}


# --------------------------------------------------------------------------- the walk


def test_every_page_with_non_public_records_logs_its_reads(
    client: Client, world: dict[str, Any], settings: Any
) -> None:
    settings.MEDIA_ROOT = world["photo"].image.storage.location
    user = world["user"]
    client.force_login(user)
    arguments = _arguments(world)
    unlogged, unreachable, checked = [], [], set()
    for name, pattern in routes():
        rule = rule_for(name) if name else None
        if rule is None or rule.policy != LOGGED:
            continue
        if name.startswith("admin:"):
            continue  # the admin's model pages: see the admin test below
        url = _url(name, pattern, arguments)
        before = AuditEvent.objects.filter(actor=user, action__in=["view", "export"]).count()
        response = client.get(url, _query(name, world))
        if response.status_code in (405, 302):
            continue  # writes only (POST), or nothing shown but a redirect
        if response.status_code != 200:
            unreachable.append((name, url, response.status_code))
            continue
        checked.add(name)
        after = AuditEvent.objects.filter(actor=user, action__in=["view", "export"]).count()
        if after == before:
            unlogged.append((name, url))
    assert unreachable == [], f"pages the test could not open (add arguments): {unreachable}"
    assert unlogged == [], f"reads of non-public records without an access event: {unlogged}"
    assert {
        "home:start",
        "audit:list",
        "kpi:partner_list",
        "kpi:partner_series",
        "kpi:partner_api",
        "kpi:indicator_export",
        "reports:queue_detail",
        "taskforce:recommendation_detail",
        "taskforce:mayor_report_pdf",
        "evaluation:detail",
        "patrols:conflicts",
    } <= checked
    assert len(checked) >= 35


def test_public_pages_need_no_login(client: Client, world: dict[str, Any]) -> None:
    arguments = _arguments(world)
    closed = []
    for name, pattern in routes():
        rule = rule_for(name) if name else None
        if rule is None or rule.policy != PUBLIC:
            continue
        response = client.get(_url(name, pattern, arguments))
        location = response.get("Location", "")
        if response.status_code in (401, 403) or "/anmelden/" in location:
            closed.append((name, response.status_code))
    assert closed == [], f"classified as public but closed: {closed}"


def test_admin_reads_of_records_are_logged_with_model_and_id(
    client: Client, world: dict[str, Any]
) -> None:
    user = world["user"]
    client.force_login(user)
    for model in admin.site._registry:
        label = f"{model._meta.app_label}_{model._meta.model_name}"
        assert client.get(reverse(f"admin:{label}_changelist")).status_code == 200, label
        event = AuditEvent.objects.filter(actor=user, action="view").latest("id")
        assert event.object_type == f"{model._meta.app_label}.{model._meta.model_name}"
    report = Report.objects.order_by("pk").first()
    assert report is not None
    response = client.get(reverse("admin:reports_report_change", args=[report.pk]))
    assert response.status_code == 200
    event = AuditEvent.objects.filter(actor=user, action="view").latest("id")
    assert (event.object_type, event.object_id) == ("reports.report", str(report.pk))
