"""Reminders of missing partner figures: once per period, when its submission deadline passes.

A period is missing when ``selectors.partner_missing_periods`` says so (expected, deadline
passed, no current value). The scheduled job ``partner_reminders`` calls this with the days
since its last successful run, so every period is reminded once, also after a missed run. One
e-mail per organisation to its active partner submitters with an address; German (the partners
are German institutions), rendered through the catalogue like every text.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from stadtlage.accounts.models import Membership, Role
from stadtlage.kpi import periods as P
from stadtlage.kpi.models import PartnerSeries
from stadtlage.kpi.selectors import partner_missing_periods


@dataclass(frozen=True)
class ReminderResult:
    messages: int
    organisations: int
    periods: int


def deadline(series: PartnerSeries, start: date) -> date:
    """The day from which a period without a value counts as missing."""
    return P.next_period(start, series.period) + timedelta(days=series.submission_lag_days)


def newly_missing(*, since: date, today: date) -> dict[PartnerSeries, list[date]]:
    """Missing periods whose deadline fell after ``since`` and on or before ``today``."""
    result: dict[PartnerSeries, list[date]] = {}
    for series in PartnerSeries.objects.filter(is_active=True).select_related("organisation"):
        missing = [
            start
            for start in partner_missing_periods(series, today=today)
            if since < deadline(series, start) <= today
        ]
        if missing:
            result[series] = missing
    return result


def send_partner_reminders(*, since: date, today: date) -> ReminderResult:
    by_org: dict[int, list[tuple[PartnerSeries, list[date]]]] = defaultdict(list)
    for series, missing in newly_missing(since=since, today=today).items():
        by_org[series.organisation_id].append((series, missing))
    messages = 0
    for org_id, items in by_org.items():
        recipients = sorted(
            set(
                Membership.objects.filter(
                    organisation_id=org_id,
                    role=Role.PARTNER_SUBMITTER,
                    is_active=True,
                    user__is_active=True,
                )
                .exclude(user__email="")
                .values_list("user__email", flat=True)
            )
        )
        if not recipients:
            continue
        context = {
            "organisation": items[0][0].organisation,
            "items": [
                {
                    "series": series,
                    "periods": [P.period_label(start, series.period) for start in missing],
                    "url": settings.STADTLAGE_BASE_URL.rstrip("/")
                    + reverse("kpi:partner_series", args=[series.code]),
                }
                for series, missing in items
            ],
        }
        with translation.override(settings.LANGUAGE_CODE):
            subject = render_to_string("kpi/email/partner_reminder_subject.txt", context)
            body = render_to_string("kpi/email/partner_reminder_body.txt", context)
        EmailMessage(subject=" ".join(subject.split()), body=body, bcc=recipients).send()
        messages += 1
    return ReminderResult(
        messages=messages,
        organisations=len(by_org),
        periods=sum(len(m) for items in by_org.values() for _s, m in items),
    )
