"""The public pages show only what was released, with small counts suppressed."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from stadtlage.accounts.models import User
from stadtlage.kpi.compute import indicator_recompute
from stadtlage.kpi.models import Indicator
from stadtlage.organisations.models import WorkingGroup
from stadtlage.patrols.models import Patrol, PresenceInterval
from stadtlage.places.models import Area
from stadtlage.public import statistics
from stadtlage.reports.models import ReportSource, ReportStatus, ServiceCategory
from stadtlage.taskforce import services
from tests.factories import AreaFactory
from tests.reports.factories import ReportFactory, ServiceCategoryFactory
from tests.taskforce.conftest import make_indicator, make_recommendation

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def _publish(indicator: Indicator, people: dict[str, User]) -> None:
    now = timezone.now()
    Indicator.objects.filter(pk=indicator.pk).update(
        public_proposed_by=people["lead"],
        public_proposed_at=now,
        public_note="Kernzahl",
        public_confirmed_by=people["board"],
        public_confirmed_at=now,
    )


@pytest.fixture
def area(db: Any) -> Area:
    return AreaFactory(name="Westenhellweg", slug="westenhellweg")


@pytest.fixture
def litter(db: Any) -> ServiceCategory:
    return ServiceCategoryFactory(code="muell", name="Müll", order=1)


def _weekly_reports(category: ServiceCategory, area: Area, per_week: list[int]) -> None:
    """per_week[0] = the last complete week, per_week[1] the one before, …"""
    weeks = statistics.complete_weeks(timezone.localdate(), len(per_week))
    for week, n in zip(reversed(weeks), per_week, strict=True):
        for i in range(n):
            at = timezone.make_aware(datetime.combine(week, datetime.min.time())) + timedelta(
                days=2, hours=10, minutes=i
            )
            report = ReportFactory(category=category, submitted_at=at, updated_at=at)
            report.areas.add(area)


def test_lagebild_shows_released_figures_only_with_small_values_suppressed(
    client: Client,
    group: WorkingGroup,
    people: dict[str, User],
    litter: ServiceCategory,
    area: Area,
) -> None:
    public = make_indicator(code="muell-woche", name="Müll-Meldungen je Woche")
    public.current_version.working_group = group  # type: ignore[union-attr]
    public.current_version.save()  # type: ignore[union-attr]
    internal = make_indicator(code="intern", name="Interne Kennzahl")
    _weekly_reports(litter, area, [3, 12, 14])
    for indicator in (public, internal):
        indicator_recompute(Indicator.objects.get(pk=indicator.pk))
    _publish(public, people)
    response = client.get("/lagebild/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Müll-Meldungen je Woche" in body and "Interne Kennzahl" not in body
    (section,) = [s for s in response.context["sections"] if s["figures"]]
    (figure,) = section["figures"]
    assert figure.latest == "< 5"  # 3 reports in the last week
    assert figure.change == ""  # would reveal the hidden value
    assert figure.chart_svg == ""  # the chart's lines are computed from every value
    assert (figure.rows[0][0][:2], figure.rows[0][1]) == ("KW", "< 5")
    assert "Zählregel" in body and "Bürgermeldungen der Kategorie Drogenkonsum" in body
    assert "1 öffentliche Kennzahl" in section["status"]


def test_measures_page_shows_the_approved_summary_only(
    client: Client, group: WorkingGroup, people: dict[str, User]
) -> None:
    shown = make_recommendation(group, state="decided", title="Doppelstreifen City")
    services.recommendation_public_summary_draft(
        recommendation=shown, text="Freigegebener Text", actor=people["lead"]
    )
    services.recommendation_public_summary_approve(recommendation=shown, actor=people["board"])
    services.recommendation_public_summary_draft(
        recommendation=shown, text="Neuer interner Entwurf", actor=people["lead"]
    )
    make_recommendation(group, state="decided", title="Ohne Freigabe")
    make_recommendation(group, state="submitted", title="Noch nicht beschlossen")
    body = client.get("/massnahmen/").content.decode()
    assert "Doppelstreifen City" in body and "Freigegebener Text" in body
    assert "Neuer interner Entwurf" not in body
    assert "Ohne Freigabe" not in body and "Noch nicht beschlossen" not in body
    assert "700 Meldungen" not in body  # the internal problem statement
    assert "im Plan" in body or "noch nicht begonnen" in body
    assert "eine interne Kennzahl" in body  # the goal's figure is not public: no number
    assert "Noch keine abgeschlossene Auswertung der Wirkung." in body


def test_area_page_suppresses_small_counts_and_sums_that_reveal_them(
    client: Client, area: Area, litter: ServiceCategory
) -> None:
    camping = ServiceCategoryFactory(code="lager", name="Lagern", order=2, person_related=True)
    _weekly_reports(litter, area, [9, 12])
    _weekly_reports(camping, area, [2, 0])
    ReportFactory(category=litter, source=ReportSource.FIELD).areas.add(area)  # never public
    patrol = Patrol.objects.create(
        planned_start=timezone.now(), planned_end=timezone.now(), is_joint=True
    )
    week = statistics.complete_weeks(timezone.localdate(), 1)[0]
    start = timezone.make_aware(datetime.combine(week, datetime.min.time())) + timedelta(hours=9)
    PresenceInterval.objects.create(
        patrol=patrol,
        area=area,
        started_at=start,
        ended_at=start + timedelta(minutes=90),
        minutes=90,
        source="checkin",
    )
    response = client.get("/gebiete/westenhellweg/")
    assert response.status_code == 200
    table = response.context["table"]
    rows = {name: ([c.text for c in cells][-2:], total.text) for name, cells, total in table.rows()}
    # last week: 9 litter, 2 camping (< 5) → the week total 11 would reveal 2: litter withheld
    assert rows["Lagern"] == (["0", "< 5"], "x")
    assert rows["Müll"] == (["12", "x"], "x")
    assert [c.text for c in table.week_totals][-2:] == ["12", "11"]
    assert table.total.text == "23"  # the weekly totals are all shown
    assert response.context["presence"].hours[-1] == 1.5
    assert client.get("/gebiete/").status_code == 200
    assert client.get("/gebiete/gibt-es-nicht/").status_code == 404


def test_feed_lists_public_changes(
    client: Client, group: WorkingGroup, people: dict[str, User]
) -> None:
    rec = make_recommendation(group, state="submitted", title="Präsenz am Nordmarkt")
    services.recommendation_transition(
        recommendation=rec,
        to_state="decided",
        actor=people["board"],
        decided_on=timezone.localdate(),
        wording="Beschlossen.",
    )
    services.recommendation_public_summary_draft(
        recommendation=rec, text="Mehr Präsenz am Nordmarkt.", actor=people["lead"]
    )
    hidden = make_recommendation(group, state="submitted", title="Nicht öffentlich")
    services.recommendation_transition(
        recommendation=hidden,
        to_state="decided",
        actor=people["board"],
        decided_on=timezone.localdate(),
        wording="Beschlossen.",
    )
    assert "Präsenz am Nordmarkt" not in client.get("/aktuelles.atom").content.decode()
    services.recommendation_public_summary_approve(recommendation=rec, actor=people["board"])
    indicator = make_indicator(code="drogen", name="Drogenkonsum-Meldungen")
    _publish(indicator, people)
    response = client.get("/aktuelles.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 -- our own response
    titles = [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")]
    assert "Beschluss: Präsenz am Nordmarkt" in titles
    assert "Neue öffentliche Kennzahl: Drogenkonsum-Meldungen" in titles
    assert not any("Nicht öffentlich" in (t or "") for t in titles)


def test_pages_render_in_english(client: Client, area: Area) -> None:
    client.cookies["django_language"] = "en"
    for url in ["/lagebild/", "/massnahmen/", "/gebiete/", "/gebiete/westenhellweg/"]:
        body = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert 'lang="en"' in body, url


def test_start_page_leads_to_the_lagebild(client: Client) -> None:
    body = client.get("/").content.decode()
    assert 'href="/lagebild/"' in body and 'href="/massnahmen/"' in body


def test_open_counts_on_the_start_page_are_suppressed(client: Client) -> None:
    ReportFactory.create_batch(2, status=ReportStatus.NEW)
    response = client.get("/")
    assert str(response.context["open_reports"]) == "< 5"
