"""The demo city's public face: a choice of key figures released with four eyes (proposed by
"analyse", confirmed by "sonderstab") and the public summaries of decided recommendations
(drafted by "sonderstab", approved by "vorstand"), all through the services, so the audit trail
shows them like real releases. Demo only; production releases happen in the UI."""

from __future__ import annotations

from django.db import transaction

from stadtlage.accounts.models import User
from stadtlage.kpi import publication
from stadtlage.kpi.models import Indicator
from stadtlage.taskforce import services
from stadtlage.taskforce.models import Recommendation
from stadtlage.taskforce.workflow import TRACKED_STATES

#: Demand-side and presence figures suited for the public (no control-driven counts alone).
DEMO_PUBLIC_FIGURES = (
    "spritzen-meldungen",
    "spritzen-4h",
    "muell-dauer",
    "campieren-meldungen",
    "belaestigung-meldungen",
    "drogenkonsum-meldungen",
    "praesenz-stunden",
    "sicherheitsgefuehl",
    "kick-konsumvorgaenge",
)


def publish_demo() -> dict[str, int]:
    """Release the demo's public figures and summaries (idempotent)."""
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["analyse", "sonderstab", "vorstand"])
    }
    if len(users) < 3:
        return {"figures": 0, "summaries": 0}
    figures = summaries = 0
    with transaction.atomic():
        for indicator in Indicator.objects.filter(code__in=DEMO_PUBLIC_FIGURES, is_active=True):
            if indicator.is_public:
                continue
            if indicator.public_proposed_at is None:
                indicator = publication.indicator_public_propose(
                    indicator=indicator,
                    actor=users["analyse"],
                    note="Nachfrageseitige Kernzahl der Arbeitsgruppe (Demo).",
                )
            publication.indicator_public_confirm(indicator=indicator, actor=users["sonderstab"])
            figures += 1
        for rec in Recommendation.objects.filter(
            state__in=TRACKED_STATES, public_summary_approved=""
        ):
            text = rec.expected_effect.strip() or rec.title
            services.recommendation_public_summary_draft(
                recommendation=rec,
                text=f"{rec.title}. {text}"[:2000],
                actor=users["sonderstab"],
            )
            services.recommendation_public_summary_approve(
                recommendation=rec, actor=users["vorstand"]
            )
            summaries += 1
    return {"figures": figures, "summaries": summaries}
