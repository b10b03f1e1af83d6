"""The demo city's patrol plan: a joint patrol of the demo logins `kod` and `polizei` planned
for the running shift, and a published plan for it from the hot spots of the last four weeks,
so that "Streife beginnen" and a generated plan can be tried at once (docs/demo-city.md)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from stadtlage.hotspots import maps, services
from stadtlage.hotspots.forms import default_window
from stadtlage.hotspots.models import PatrolPlan
from stadtlage.hotspots.selectors import Source, patrols_for_planning
from stadtlage.organisations.models import DataDomain
from stadtlage.patrols.models import Patrol, PatrolStatus
from stadtlage.patrols.services import patrol_create

SHIFT_HOURS = 8
DEMO_SEED = 2023


def load_demo_plan(*, now: datetime | None = None, time_limit_s: float = 2.0) -> PatrolPlan | None:
    """Plan and publish the running shift's hot-spot patrols (idempotent per shift)."""
    now = now or timezone.now()
    users = get_user_model().objects.filter(username__in=["schichtleitung", "kod", "polizei"])
    by_name = {u.username: u for u in users}
    if len(by_name) < 3:
        return None
    lead = by_name["schichtleitung"]
    start = timezone.localtime(now).replace(minute=0, second=0, microsecond=0)
    end = start + timedelta(hours=SHIFT_HOURS)
    if PatrolPlan.objects.filter(shift_start=start).exists():
        return None
    team = (
        Patrol.objects.filter(planned_start=start, status=PatrolStatus.PLANNED)
        .filter(members=by_name["kod"])
        .filter(members=by_name["polizei"])
        .first()
    )
    if team is None:
        team = patrol_create(
            planned_start=start,
            planned_end=end,
            members=[by_name["kod"], by_name["polizei"]],
            planned_areas=[],
            actor=lead,
        )
    others = [
        p
        for p in patrols_for_planning(start.date())
        if p.pk != team.pk and p.planned_start < end and p.planned_end > start
    ][:2]
    first, last = default_window(start.date())
    result = maps.build_map(
        maps.MapRequest(Source.OBSERVATIONS, (), first, last, 100, maps.Method.GI),
        domains=frozenset({DataDomain.PUBLIC, DataDomain.CITY_OPERATIONS}),
        internal=True,
    )
    proposals = maps.propose_hotspots(result, limit=6)
    if not proposals:
        return None
    plan = services.plan_create(
        shift_start=start,
        shift_end=end,
        patrols=[team, *others],
        hotspots=[services.HotspotInput(p.name, p.lat, p.lon, p.priority) for p in proposals],
        params=services.PlanParams(),
        actor=lead,
        seed=DEMO_SEED,
        time_limit_s=time_limit_s,
    )
    return services.plan_publish(plan=plan, actor=lead)
