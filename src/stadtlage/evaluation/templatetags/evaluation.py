"""Template tags of the evaluations, also used on the Sonderstab's recommendation page."""

from __future__ import annotations

import math
from typing import Any

from django import template

from stadtlage.evaluation import display, selectors
from stadtlage.evaluation import permissions as perm
from stadtlage.evaluation.models import EvaluationDesign, EvaluationResult

register = template.Library()


@register.simple_tag
def design_summary(design: EvaluationDesign) -> list[tuple[str, str]]:
    return display.design_summary(design)


@register.simple_tag
def result_headline(result: EvaluationResult) -> str:
    return display.headline(result)


@register.filter
def percent_per_week(log_slope: float) -> str:
    """A difference of log-linear slopes as a signed percentage per week."""
    return display.pct(math.exp(log_slope) - 1, signed=True)


@register.inclusion_tag("evaluation/_for_recommendation.html", takes_context=True)
def evaluations_for(context: dict[str, Any], rec: Any) -> dict[str, Any]:
    """The evaluations of a recommendation, with the buttons to set one up or to record why
    none is possible (for analysts and the Sonderstab lead)."""
    user = context["request"].user
    items = []
    for evaluation in selectors.for_recommendation(rec.pk):
        result = selectors.current_result(evaluation)
        items.append(
            {"evaluation": evaluation, "headline": display.headline(result) if result else ""}
        )
    return {
        "rec": rec,
        "items": items,
        "can_manage": perm.can_manage_evaluations(user),
        "csrf_token": context.get("csrf_token"),
    }
