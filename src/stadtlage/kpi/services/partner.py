"""Writes for partner figures: submit a value (form, CSV, API), API tokens.

A value is checked against the series' process limits (XmR over the current values); a value
outside them is only stored when the submitter confirms it. A correction adds a revision.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from stadtlage.accounts.models import User
from stadtlage.apitools import token_hash, token_issue
from stadtlage.audit.models import Action
from stadtlage.audit.services import AuditEntry, audit_record, audit_records_bulk, snapshot
from stadtlage.kpi import periods as P
from stadtlage.kpi import permissions, spc
from stadtlage.kpi.charts import format_value
from stadtlage.kpi.models import (
    NoteReview,
    PartnerApiToken,
    PartnerReason,
    PartnerSeries,
    PartnerValue,
    SubmissionChannel,
)
from stadtlage.kpi.partner_wire import Submission
from stadtlage.privacy.screening import clean_short_text

#: Fewer current values than this: no plausibility check yet.
MIN_POINTS_FOR_LIMITS = 8
# Plausible ranges of a partner figure: counts and hours of one week or month of one partner,
# for periods since the start of the data (no "1e308", no year 1).
MAX_VALUE = 1_000_000_000
FIRST_PERIOD = date(2000, 1, 1)
#: The plausibility limits use the values of the latest this many periods.
LIMITS_WINDOW = 26


@dataclass(frozen=True)
class Limits:
    lower: float
    upper: float


class ImplausibleValue(ValidationError):
    """The value lies outside the process limits; resubmit with confirmation to store it."""

    def __init__(self, *, series: PartnerSeries, period_start: date, value: float, limits: Limits):
        self.series, self.period_start, self.value, self.limits = (
            series,
            period_start,
            value,
            limits,
        )
        super().__init__(
            _(
                "%(series)s, %(period)s: %(value)s liegt außerhalb der Prozessgrenzen "
                "(%(lower)s bis %(upper)s). Bitte prüfen und bestätigen."
            )
            % {
                "series": series.name,
                "period": P.period_label(period_start, series.period),
                "value": format_value(value, digits=_decimals(value)),
                "lower": format_value(limits.lower, digits=1),
                "upper": format_value(limits.upper, digits=1),
            },
            code="implausible",
        )


def _decimals(value: float) -> int:
    """The decimals a submitted value was given with (at most three)."""
    text = f"{value:.3f}".rstrip("0")
    return len(text.split(".", 1)[1]) if "." in text else 0


def partner_limits(series: PartnerSeries, *, exclude: date | None = None) -> Limits | None:
    """XmR limits of the series' recent current values, or ``None``.

    Values of the latest ``LIMITS_WINDOW`` periods count, except ``exclude`` and values that
    were confirmed outside the limits (a confirmed special cause does not widen the range).
    """
    values = PartnerValue.objects.filter(
        series=series, is_current=True, confirmed_outside_limits=False
    )
    if exclude is not None:
        values = values.exclude(period_start=exclude)
    rows = dict(
        values.order_by("-period_start").values_list("period_start", "value")[:LIMITS_WINDOW]
    )
    return _limits_from(rows, series.period)


def _limits_from(
    rows: Mapping[date, float], period: str, *, exclude: date | None = None
) -> Limits | None:
    """`partner_limits` over the current values ``rows`` (period start -> value) in memory."""
    latest = sorted((p for p in rows if p != exclude), reverse=True)[:LIMITS_WINDOW]
    if len(latest) < MIN_POINTS_FOR_LIMITS:
        return None
    window = {p: rows[p] for p in latest}
    periods = P.period_range(min(window), max(window), period)
    result = spc.xmr([window.get(p) for p in periods])
    lower, upper = float(result.lower[-1]), float(result.upper[-1])
    if math.isnan(lower) or math.isnan(upper):
        return None
    return Limits(lower, upper)


def _limit_rows(series_ids: Iterable[int]) -> dict[int, dict[date, float]]:
    """Per series the current values the limits count (one query for all series)."""
    rows: dict[int, dict[date, float]] = {pk: {} for pk in series_ids}
    for series_id, period_start, value in PartnerValue.objects.filter(
        series_id__in=rows, is_current=True, confirmed_outside_limits=False
    ).values_list("series_id", "period_start", "value"):
        rows[series_id][period_start] = value
    return rows


def _validate(series: PartnerSeries, period_start: date, value: float, today: date) -> None:
    errors: dict[str, list[str]] = {}
    if period_start < FIRST_PERIOD:
        errors["period_start"] = [
            _("Werte können ab dem Jahr %(year)d gemeldet werden.") % {"year": FIRST_PERIOD.year}
        ]
    elif P.period_start(period_start, series.period) != period_start:
        errors["period_start"] = [
            _("Der Zeitraum beginnt an einem Montag (Woche) bzw. am Monatsersten.")
            if series.period == P.WEEK
            else _("Der Zeitraum beginnt am Monatsersten.")
        ]
    elif period_start > today:
        errors["period_start"] = [_("Werte für künftige Zeiträume können nicht gemeldet werden.")]
    if not math.isfinite(value) or value < 0:
        errors["value"] = [_("Bitte eine Zahl ab 0.")]
    elif value > MAX_VALUE:
        errors["value"] = [
            _("Der Wert ist unplausibel groß (höchstens %(max)s).")
            % {"max": f"{MAX_VALUE:,}".replace(",", ".")}
        ]
    if errors:
        raise ValidationError(errors)


def clean_partner_texts(
    *, reason: str, note: str, source_system: str, outside_limits: bool
) -> tuple[str, str]:
    """The screened note and source (``privacy.screening``); a reason code is required for a
    value outside the process limits and a note for "other". Raises ``ValidationError``."""
    errors: dict[str, list[str]] = {}
    if reason and reason not in PartnerReason.values:
        errors["reason"] = [_("Unbekannter Grund „%(code)s“.") % {"code": reason}]
    elif outside_limits and not reason:
        errors["reason"] = [
            _("Für einen Wert außerhalb der Prozessgrenzen bitte einen Grund wählen.")
        ]
    texts = {"note": "", "source_system": ""}
    limits = {"note": settings.PARTNER_NOTE_MAX_CHARS, "source_system": 120}
    labels = {"note": _("Bemerkung"), "source_system": _("Quelle")}
    for name, raw in (("note", note), ("source_system", source_system)):
        try:
            texts[name] = clean_short_text(
                raw, field=name, label=labels[name], max_length=limits[name]
            )
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if reason == PartnerReason.OTHER and not texts["note"] and "note" not in errors:
        errors["note"] = [_("Bei „Sonstiges“ bitte den Grund kurz erläutern.")]
    if errors:
        raise ValidationError(errors)
    return texts["note"], texts["source_system"]


def partner_value_submit(
    *,
    series: PartnerSeries,
    period_start: date,
    value: float,
    channel: str,
    actor: User | None,
    note: str = "",
    source_system: str = "",
    reason: str = "",
    confirm: bool = False,
    submitted_at: datetime | None = None,
    recompute: bool = True,
) -> PartnerValue:
    """Store a value for one period; a second value for the same period is a new revision.

    Re-sending the current value unchanged is a no-op (idempotent API retries). Raises
    ``PermissionDenied``, ``ValidationError`` or ``ImplausibleValue``. A note is screened and
    waits for review before others see it (``partner_note_review``).
    """
    if not permissions.can_submit_partner_value(actor, series):
        raise PermissionDenied
    if channel not in SubmissionChannel.values:
        raise ValueError(f"unknown channel {channel!r}")
    now = submitted_at or timezone.now()
    _validate(series, period_start, value, timezone.localdate(now))
    outside = False
    limits = partner_limits(series, exclude=period_start)
    if limits is not None and not limits.lower <= value <= limits.upper:
        if not confirm:
            raise ImplausibleValue(
                series=series, period_start=period_start, value=value, limits=limits
            )
        outside = True
    clean_partner_texts(
        reason=reason, note=note, source_system=source_system, outside_limits=outside
    )
    planned = Planned(series, period_start, value, note, source_system, reason)
    with transaction.atomic():
        [(stored, changed)] = _store(
            [planned], channel=channel, actor=actor, confirm=confirm, now=now
        )
        if changed and recompute:
            _recompute_after_commit(series.pk)
    return stored


@dataclass(frozen=True)
class Planned:
    """A value to store, checked already (`_validate`, permission, texts)."""

    series: PartnerSeries
    period_start: date
    value: float
    note: str
    source_system: str
    reason: str


def _store(
    planned: Sequence[Planned], *, channel: str, actor: User | None, confirm: bool, now: datetime
) -> list[tuple[PartnerValue, bool]]:
    """Store checked values in order, each a new revision of its period; call in a transaction.

    A fixed number of queries for any number of values: the series are locked, their current
    values and latest revisions read once; the limits are taken in memory, each value seeing
    those stored before it in the batch (an implausible one raises `ImplausibleValue` and the
    caller's transaction stores nothing). Re-sending the current value unchanged stores nothing
    for it. Returns each value with whether it was stored now; the audit rows go in at once.
    """
    ids = sorted({p.series.pk for p in planned})
    list(PartnerSeries.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))
    current: dict[tuple[int, date], PartnerValue] = {
        (v.series_id, v.period_start): v
        for v in PartnerValue.objects.filter(series_id__in=ids, is_current=True)
    }
    in_limits: dict[int, dict[date, float]] = {pk: {} for pk in ids}
    for v in current.values():
        if not v.confirmed_outside_limits:
            in_limits.setdefault(v.series_id, {})[v.period_start] = v.value
    latest = {
        (series_id, period_start): top
        for series_id, period_start, top in PartnerValue.objects.filter(
            series_id__in=ids, period_start__in={p.period_start for p in planned}
        )
        .order_by()
        .values_list("series_id", "period_start")
        .annotate(top=Max("revision"))
    }
    results: list[tuple[PartnerValue, bool]] = []
    retired: list[int] = []
    new_values: list[PartnerValue] = []
    audits: list[tuple[PartnerValue, PartnerValue | None]] = []
    submitter = actor if getattr(actor, "is_authenticated", False) else None
    for item in planned:
        series, key = item.series, (item.series.pk, item.period_start)
        rows = in_limits.setdefault(series.pk, {})
        limits = _limits_from(rows, series.period, exclude=item.period_start)
        outside = limits is not None and not limits.lower <= item.value <= limits.upper
        if outside and not confirm:
            assert limits is not None
            raise ImplausibleValue(
                series=series, period_start=item.period_start, value=item.value, limits=limits
            )
        note, source_system = clean_partner_texts(
            reason=item.reason,
            note=item.note,
            source_system=item.source_system,
            outside_limits=outside,
        )
        old = current.get(key)
        if old is not None and (old.value, old.note, old.reason, old.source_system) == (
            item.value,
            note,
            item.reason,
            source_system,
        ):
            results.append((old, False))
            continue
        revision = latest.get(key, 0) + 1 if old is not None else 1
        new = PartnerValue(
            series=series,
            period_start=item.period_start,
            value=item.value,
            revision=revision,
            is_current=True,
            submitted_by=submitter,
            submitted_at=now,
            channel=channel,
            reason=item.reason,
            note=note,
            note_review=NoteReview.PENDING if note else "",
            source_system=source_system,
            confirmed_outside_limits=outside,
        )
        # The series is checked and locked; the uniqueness of current value and revision is
        # the database's (the lock and the batch's distinct periods keep it).
        new.full_clean(
            exclude=["submitted_by", "series"], validate_unique=False, validate_constraints=False
        )
        if old is not None:
            retired.append(old.pk)
        audits.append((new, old))
        current[key] = new
        latest[key] = revision
        if outside:
            rows.pop(item.period_start, None)
        else:
            rows[item.period_start] = item.value
        new_values.append(new)
        results.append((new, True))
    PartnerValue.objects.filter(pk__in=retired).update(is_current=False)
    PartnerValue.objects.bulk_create(new_values)
    audit_records_bulk(
        actor=actor,
        action=Action.CREATE,
        entries=[
            AuditEntry(
                obj=new,
                before=None if old is None else snapshot(old),
                after=snapshot(new),
                action=None if old is None else Action.UPDATE,
                note=None if old is None else _("Korrektur (Revision %(n)d)") % {"n": new.revision},
                data_domain=new.series.organisation.data_domain,
            )
            for new, old in audits
        ],
    )
    return results


def _recompute_after_commit(series_id: int) -> None:
    def run() -> None:
        from stadtlage.kpi.compute import recompute_all
        from stadtlage.kpi.selectors import indicators_using_partner_series

        recompute_all(indicators=list(indicators_using_partner_series(series_id)))

    transaction.on_commit(run)


@dataclass
class BatchResult:
    values: list[PartnerValue]
    implausible: list[ImplausibleValue]


def partner_values_submit_many(
    *, submissions: list[Submission], channel: str, actor: User | None, confirm: bool = False
) -> BatchResult:
    """All or nothing: any error, or any unconfirmed implausible value, stores nothing.

    Errors are raised as one ``ValidationError`` listing the rows; unconfirmed implausible
    values come back in ``implausible`` with nothing stored.
    """
    codes = {s.series for s in submissions}
    series_by_code = {
        s.code: s
        for s in PartnerSeries.objects.filter(code__in=codes).select_related("organisation")
    }
    permitted = {
        code: permissions.can_submit_partner_value(actor, series)
        for code, series in series_by_code.items()
    }
    limit_rows = _limit_rows(s.pk for s in series_by_code.values())
    errors: list[str] = []
    implausible: list[ImplausibleValue] = []
    seen: set[tuple[str, date]] = set()
    for sub in submissions:
        series = series_by_code.get(sub.series)
        if series is None or not permitted[sub.series]:
            errors.append(
                _("Zeile %(row)d: Kennzahl „%(code)s“ unbekannt oder nicht freigegeben.")
                % {"row": sub.row, "code": sub.series}
            )
            continue
        if (sub.series, sub.period_start) in seen:
            errors.append(_("Zeile %(row)d: Zeitraum doppelt.") % {"row": sub.row})
        seen.add((sub.series, sub.period_start))
        try:
            _validate(series, sub.period_start, sub.value, timezone.localdate())
        except ValidationError as exc:
            errors.extend(f"{_('Zeile')} {sub.row}: {m}" for m in exc.messages)
            continue
        limits = _limits_from(limit_rows[series.pk], series.period, exclude=sub.period_start)
        outside = limits is not None and not limits.lower <= sub.value <= limits.upper
        if outside and not confirm:
            assert limits is not None
            implausible.append(
                ImplausibleValue(
                    series=series, period_start=sub.period_start, value=sub.value, limits=limits
                )
            )
        try:
            clean_partner_texts(
                reason=sub.reason,
                note=sub.note,
                source_system=sub.source_system,
                outside_limits=outside and confirm,
            )
        except ValidationError as exc:
            errors.extend(f"{_('Zeile')} {sub.row}: {m}" for m in exc.messages)
    if errors:
        raise ValidationError(errors)
    if implausible:
        return BatchResult([], implausible)
    planned = [
        Planned(
            series_by_code[sub.series],
            sub.period_start,
            sub.value,
            sub.note,
            sub.source_system,
            sub.reason,
        )
        for sub in submissions
    ]
    with transaction.atomic():
        stored = [
            value
            for value, _changed in _store(
                planned, channel=channel, actor=actor, confirm=confirm, now=timezone.now()
            )
        ]
        for series_id in {v.series_id for v in stored}:
            _recompute_after_commit(series_id)
    return BatchResult(stored, [])


def partner_note_review(*, value: PartnerValue, approve: bool, actor: User | None) -> PartnerValue:
    """Release a partner's note to the other readers of the series, or reject it (the note
    is deleted). Only reviewers (``permissions.can_review_partner_notes``)."""
    if not permissions.can_review_partner_notes(actor, value.series):
        raise PermissionDenied
    with transaction.atomic():
        locked = PartnerValue.objects.select_for_update().get(pk=value.pk)
        if locked.note_review != NoteReview.PENDING:
            raise ValidationError({"note": _("Diese Bemerkung wartet nicht auf Prüfung.")})
        before = {"note": locked.note, "note_review": locked.note_review}
        if not approve:
            locked.note = ""
        locked.note_review = NoteReview.APPROVED if approve else ""
        locked.note_reviewed_by = actor
        locked.note_reviewed_at = timezone.now()
        locked.save(update_fields=["note", "note_review", "note_reviewed_by", "note_reviewed_at"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=locked,
            before=before,
            after={"note": locked.note, "note_review": locked.note_review},
            data_domain=value.series.organisation.data_domain,
            note="Bemerkung freigegeben" if approve else "Bemerkung abgelehnt und gelöscht",
        )
    return locked


# --------------------------------------------------------------------------- API tokens


def partner_token_create(
    *, user: User, label: str, actor: User | None
) -> tuple[PartnerApiToken, str]:
    """A new API token for ``user``; the raw key is returned once and never stored."""
    issued = token_issue()
    with transaction.atomic():
        token = PartnerApiToken(
            user=user, label=label.strip(), prefix=issued.prefix, key_hash=issued.hash
        )
        token.full_clean()
        token.save()
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=token,
            after={"user": user.pk, "label": token.label, "prefix": token.prefix},
        )
    return token, issued.raw


def partner_token_user(raw: str) -> Any:
    """The active user of an active token, or ``None``; notes the time of use."""
    token = (
        PartnerApiToken.objects.select_related("user")
        .filter(key_hash=token_hash(raw), is_active=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    PartnerApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
