"""Evaluations of the demo city's measures (docs/demo-city.md, docs/evaluation.md).

``load_demo_evaluations(now=…)`` is idempotent (an evaluation whose title exists is left alone)
and needs the demo Sonderstab (``taskforce.seed``) and the seed key figures. Every write goes
through the services; the designs are frozen retrospectively (the demo's data already exist),
which the results say. Three measures of the story:

* **Präsenzkonzept at the Hauptbahnhof (18.09.2023)** – public drug use falls at the station and
  moves north to Keuning-Park and Nordmarkt: found as displacement.
* **Double patrols extended to the Nordstadt (15.04.2024)** – the scenario simulates no change
  there: reported as no effect, with the detectable effect stated.
* **Relief area Grafenhof (10.02.2025)** – part of the scene leaves Keuning-Park and Nordmarkt
  for the relief area: a decrease there; the recommendation then becomes "evaluiert".
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone, translation

from stadtlage.evaluation import display, services
from stadtlage.evaluation.design import DesignInput
from stadtlage.evaluation.models import Evaluation
from stadtlage.kpi.models import Indicator
from stadtlage.places.models import Area
from stadtlage.taskforce.errors import TaskforceError
from stadtlage.taskforce.models import ImplementationMeasure, Recommendation, RecommendationState
from stadtlage.taskforce.services import recommendation_transition

RETROSPECTIVE = (
    "Demo-Stadt: die Maßnahme liegt vor dem Start der Plattform; das Design wird im Nachhinein "
    "festgelegt (Ziel, Kontrolle und Zeiträume nach dem Sonderstabsbeschluss, nicht nach den "
    "Daten)."
)


@dataclass(frozen=True)
class DemoEvaluation:
    title: str
    recommendation: str
    measure: str
    start: date
    target: tuple[str, ...]
    control: tuple[str, ...]
    outcomes: tuple[str, ...]
    displacement: tuple[str, ...] = ()
    displacement_control: tuple[str, ...] = ()
    buffer_m: int = 200
    pre_weeks: int = 12
    post_weeks: int = 12
    expected: int = 30
    evaluate_recommendation: bool = False


PRESENCE = "Präsenzkonzept Innenstadt: gemeinsame Doppelstreifen von KOD und Polizei"
RELIEF = "Entlastungsfläche Grafenhof/Martinstraße am Drogenkonsumraum „kick“"
HBF, KEUNING, NORDMARKT = "Hauptbahnhof / Katharinentreppe", "Keuning-Park", "Nordmarkt"
STADTGARTEN, LEEDS, GRAFENHOF = (
    "Stadtgarten",
    "Platz von Leeds / Friedensplatz",
    ("Grafenhof / kick-Umfeld"),
)
WESTENHELLWEG, MUENSTER = "Westenhellweg", "Münsterstraße"

DEMO: tuple[DemoEvaluation, ...] = (
    DemoEvaluation(
        "Präsenzkonzept am Hauptbahnhof: Wirkung und Verdrängung",
        PRESENCE,
        "Doppelstreifen täglich 10–22 Uhr an den Brennpunkten",
        date(2023, 9, 18),
        target=(HBF,),
        displacement=(KEUNING, NORDMARKT),
        control=(GRAFENHOF, STADTGARTEN),
        displacement_control=(LEEDS,),
        outcomes=("drogenkonsum-meldungen", "drogenkonsum-feststellungen"),
        pre_weeks=6,  # the demo's data begin on 01.08.2023
    ),
    DemoEvaluation(
        "Doppelstreifen in der Nordstadt (Ausweitung April 2024)",
        PRESENCE,
        "Doppelstreifen täglich 10–22 Uhr an den Brennpunkten",
        date(2024, 4, 15),
        target=(KEUNING, NORDMARKT, MUENSTER),
        control=(STADTGARTEN, LEEDS, WESTENHELLWEG, GRAFENHOF),
        outcomes=("drogenkonsum-meldungen",),
        expected=35,  # the Sonderstab hoped for an effect like the one at the station
    ),
    DemoEvaluation(
        "Entlastungsfläche Grafenhof: weniger öffentlicher Konsum in der Nordstadt?",
        RELIEF,
        "Fläche herrichten und betreiben",
        date(2025, 2, 10),
        target=(KEUNING, NORDMARKT),
        control=(STADTGARTEN, LEEDS, WESTENHELLWEG),
        outcomes=("drogenkonsum-meldungen",),
        evaluate_recommendation=True,
    ),
)


def _areas(names: tuple[str, ...]) -> list[Area]:
    found = {a.name: a for a in Area.objects.filter(name__in=names)}
    return [found[n] for n in names if n in found]


def _build(spec: DemoEvaluation, now: datetime) -> Evaluation | None:
    rec = Recommendation.objects.filter(title=spec.recommendation).first()
    if rec is None:
        return None
    measure = ImplementationMeasure.objects.filter(recommendation=rec, title=spec.measure).first()
    outcomes = list(Indicator.objects.filter(code__in=spec.outcomes))
    if len(outcomes) != len(spec.outcomes):
        return None
    evaluation = services.evaluation_create(
        title=spec.title, recommendation=rec, measure=measure, actor=None
    )
    services.design_update(
        evaluation=evaluation,
        actor=None,
        data=DesignInput(
            target_areas=_areas(spec.target),
            buffer_m=spec.buffer_m,
            displacement_areas=_areas(spec.displacement),
            control_areas=_areas(spec.control),
            displacement_control_areas=_areas(spec.displacement_control),
            outcomes=outcomes,
            start_date=spec.start,
            pre_weeks=spec.pre_weeks,
            post_weeks=spec.post_weeks,
            expected_reduction_pct=spec.expected,
        ),
    )
    try:
        services.design_freeze(
            evaluation=evaluation, actor=None, retrospective_reason=RETROSPECTIVE, now=now
        )
    except services.EvaluationError:  # e.g. --until before the data of the pre-window
        return evaluation
    if timezone.localdate(now) >= spec.start + timedelta(weeks=spec.post_weeks):
        result = services.evaluation_compute(evaluation=evaluation, actor=None, now=now)
        if spec.evaluate_recommendation and rec.state == RecommendationState.COMPLETED:
            with translation.override("de"):
                text = display.headline(result)
            with suppress(TaskforceError):  # e.g. the recommendation was changed by hand
                recommendation_transition(
                    recommendation=rec,
                    to_state=RecommendationState.EVALUATED,
                    actor=None,
                    evaluation=f"{spec.title}: {text}",
                )
    return evaluation


def load_demo_evaluations(*, now: datetime) -> int:
    """Create, freeze and compute the demo evaluations (idempotent). Returns how many were new."""
    created = 0
    for spec in DEMO:
        if Evaluation.objects.filter(title=spec.title).exists():
            continue
        if _build(spec, now) is not None:
            created += 1
    return created
