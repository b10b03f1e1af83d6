"""Writes on evaluations: create, edit the draft design, freeze, change (a new version),
compute the result, record that no evaluation is possible.

Every function is keyword-only, checks the person's right (``actor=None`` is the system: seed,
commands), validates, writes and appends an audit event in the same transaction. A frozen
design version is never written again.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stadtlage.accounts.models import User
from stadtlage.audit.models import Action
from stadtlage.audit.services import audit_record, audit_saved, snapshot
from stadtlage.evaluation import compute, records
from stadtlage.evaluation import design as D
from stadtlage.evaluation import permissions as perm
from stadtlage.evaluation.models import (
    Evaluation,
    EvaluationDesign,
    EvaluationResult,
    EvaluationStatus,
)
from stadtlage.kpi.queries import Coverage
from stadtlage.taskforce.models import ImplementationMeasure, Recommendation
from stadtlage.taskforce.services.common import canonical_sha256, user_or_none


class EvaluationError(Exception):
    """A request the rules refuse; ``str(error)`` is a German message for the user."""

    def __init__(self, message: str, *, errors: D.Errors | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {}

    def __str__(self) -> str:
        return self.message


class NotAllowed(EvaluationError):
    pass


def _check(actor: User | None) -> None:
    if actor is not None and not perm.can_manage_evaluations(actor):
        raise NotAllowed(_("Evaluationen legen die Analyse und die Leitung des Sonderstabs an."))


def _invalid(errors: D.Errors) -> EvaluationError:
    flat = "; ".join(m for messages in errors.values() for m in messages)
    return EvaluationError(
        _("Das Design ist nicht stimmig: %(errors)s") % {"errors": flat}, errors=errors
    )


def local_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=records.tz())


def suggested_start(
    recommendation: Recommendation | None, measure: ImplementationMeasure | None
) -> date | None:
    """The start of the measure: its first milestone reached, else the start of implementation."""
    if measure is not None:
        done = measure.milestones.filter(completed_on__isnull=False).order_by("completed_on")
        first = done.values_list("completed_on", flat=True).first()
        if first is not None:
            return first
    if recommendation is not None:
        started = (
            recommendation.events.filter(to_state="in_implementation")
            .order_by("at")
            .values_list("at", flat=True)
            .first()
        )
        if started is not None:
            return timezone.localdate(started)
    return None


def latest_version(evaluation: Evaluation) -> EvaluationDesign:
    version = evaluation.versions.order_by("-number").first()
    assert version is not None  # every evaluation is created with version 1
    return version


def evaluation_create(
    *,
    title: str,
    actor: User | None,
    recommendation: Recommendation | None = None,
    measure: ImplementationMeasure | None = None,
) -> Evaluation:
    _check(actor)
    if not title.strip():
        raise EvaluationError(
            _("Bitte einen Titel angeben."), errors={"title": [_("Pflichtfeld.")]}
        )
    if (
        measure is not None
        and recommendation is not None
        and measure.recommendation_id != recommendation.pk
    ):
        raise EvaluationError(_("Die Maßnahme gehört nicht zu dieser Empfehlung."))
    recommendation = recommendation or (measure.recommendation if measure else None)
    evaluation = Evaluation(
        title=title.strip(),
        recommendation=recommendation,
        measure=measure,
        created_by=user_or_none(actor),
    )
    evaluation.full_clean()
    with transaction.atomic():
        evaluation.save()
        design = EvaluationDesign.objects.create(
            evaluation=evaluation,
            number=1,
            start_date=suggested_start(recommendation, measure),
            created_by=user_or_none(actor),
        )
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=evaluation,
            after={**snapshot(evaluation), "design": snapshot(design)},
        )
    return evaluation


def design_update(
    *,
    evaluation: Evaluation,
    data: D.DesignInput,
    actor: User | None,
) -> EvaluationDesign:
    """Save the draft version's design (only while it is not frozen). All or nothing."""
    _check(actor)
    errors = D.validate(data)
    if errors:
        raise _invalid(errors)
    with transaction.atomic():
        design = EvaluationDesign.objects.select_for_update().get(pk=latest_version(evaluation).pk)
        if design.is_frozen:
            raise EvaluationError(
                _(
                    "Version %(number)d ist festgelegt und bleibt unverändert. Eine Änderung ist "
                    "eine neue Version mit Begründung („Design ändern“)."
                )
                % {"number": design.number}
            )
        before = snapshot(design)
        data.apply_to(design)
        design.full_clean()
        design.save()
        audit_saved(actor=actor, obj=design, before=before)
    return design


def _coverage_errors(data: D.DesignInput) -> D.Errors:
    assert data.start_date is not None
    pre_start = data.start_date - timedelta(weeks=data.pre_weeks)
    coverage = Coverage()
    errors: D.Errors = {}
    for indicator in data.outcomes:
        version = indicator.current_version
        assert version is not None
        first = records.data_from(version.source, coverage)
        if first is None or first > pre_start:
            errors.setdefault("pre_weeks", []).append(
                _(
                    "Der Vorzeitraum beginnt am %(start)s, für „%(name)s“ gibt es Daten erst ab "
                    "%(first)s – bitte den Vorzeitraum verkürzen oder den Beginn prüfen."
                )
                % {
                    "start": pre_start.strftime("%d.%m.%Y"),
                    "name": version.name,
                    "first": first.strftime("%d.%m.%Y") if first else "–",
                }
            )
    return errors


def design_freeze(
    *,
    evaluation: Evaluation,
    actor: User | None,
    retrospective_reason: str = "",
    now: datetime | None = None,
) -> EvaluationDesign:
    """Fix the draft version: snapshot, timestamp and SHA-256. Before the post window begins;
    afterwards only with a reason, and the result says so."""
    _check(actor)
    now = now or timezone.now()
    with transaction.atomic():
        ev = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        design = latest_version(ev)
        if design.is_frozen:
            raise EvaluationError(
                _("Version %(number)d ist bereits festgelegt.") % {"number": design.number}
            )
        data = D.DesignInput.of(design)
        errors = D.validate(data, complete=True) or _coverage_errors(data)
        if errors:
            raise _invalid(errors)
        assert data.start_date is not None
        retrospective = now >= local_midnight(data.start_date)
        reason = retrospective_reason.strip()
        if retrospective and not reason:
            raise EvaluationError(
                _(
                    "Der Nachzeitraum hat am %(start)s begonnen; seine Daten liegen schon vor. "
                    "Eine nachträgliche Festlegung braucht eine Begründung – sie steht im Ergebnis."
                )
                % {"start": data.start_date.strftime("%d.%m.%Y")},
                errors={"retrospective_reason": [_("Pflichtfeld bei nachträglicher Festlegung.")]},
            )
        content = D.snapshot(design, data)
        content["frozen_at"] = now.isoformat()
        design.snapshot = content
        design.sha256 = canonical_sha256(content)
        design.frozen_at = now
        design.frozen_by = user_or_none(actor)
        design.retrospective = retrospective
        design.retrospective_reason = reason if retrospective else ""
        design.save()
        ev.status = EvaluationStatus.FROZEN
        ev.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action=Action.TRANSITION,
            obj=ev,
            before={"status": EvaluationStatus.DRAFT},
            after={"status": ev.status, "version": design.number, "sha256": design.sha256},
            note=reason,
        )
    evaluation.status = ev.status
    return design


def design_revise(
    *,
    evaluation: Evaluation,
    reason: str,
    actor: User | None,
) -> EvaluationDesign:
    """A new draft version copied from the frozen one; the earlier versions stay visible."""
    _check(actor)
    if not reason.strip():
        raise EvaluationError(
            _("Eine Änderung des festgelegten Designs braucht eine Begründung."),
            errors={"reason": [_("Pflichtfeld.")]},
        )
    with transaction.atomic():
        ev = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        if ev.status == EvaluationStatus.NOT_POSSIBLE:
            raise EvaluationError(
                _("Für diese Maßnahme ist festgehalten, dass keine Evaluation möglich ist.")
            )
        current = latest_version(ev)
        if not current.is_frozen:
            raise EvaluationError(
                _("Version %(number)d ist noch ein Entwurf und kann direkt bearbeitet werden.")
                % {"number": current.number}
            )
        new = EvaluationDesign(
            evaluation=ev,
            number=current.number + 1,
            change_reason=reason.strip(),
            created_by=user_or_none(actor),
        )
        D.DesignInput.of(current).apply_to(new)
        new.save()
        before_status = ev.status
        ev.status = EvaluationStatus.DRAFT
        ev.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=new,
            before={"status": before_status, "version": current.number},
            after={"status": ev.status, **snapshot(new)},
            note=reason.strip(),
        )
    evaluation.status = ev.status
    return new


def post_window_end(design: EvaluationDesign) -> date | None:
    if design.start_date is None:
        return None
    return design.start_date + timedelta(weeks=design.post_weeks)


def evaluation_compute(
    *,
    evaluation: Evaluation,
    actor: User | None,
    now: datetime | None = None,
) -> EvaluationResult:
    """Compute the result of the latest frozen version once its post window has ended."""
    _check(actor)
    now = now or timezone.now()
    design = latest_version(evaluation)
    if not design.is_frozen:
        raise EvaluationError(_("Erst das Design festlegen, dann auswerten."))
    end = post_window_end(design)
    assert end is not None
    if now < local_midnight(end):
        raise EvaluationError(
            _("Der Nachzeitraum endet am %(end)s; danach wird ausgewertet.")
            % {"end": (end - timedelta(days=1)).strftime("%d.%m.%Y")}
        )
    verdict, data = compute.compute(design)
    with transaction.atomic():
        ev = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        result, created = EvaluationResult.objects.update_or_create(
            design=design,
            defaults={
                "verdict": verdict,
                "data": data,
                "computed_at": now,
                "computed_by": user_or_none(actor),
            },
        )
        before_status = ev.status
        ev.status = EvaluationStatus.COMPLETED
        ev.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action=Action.CREATE if created else Action.UPDATE,
            obj=result,
            before={"status": before_status},
            after={"status": ev.status, "verdict": verdict, "version": design.number},
        )
    evaluation.status = ev.status
    return result


def evaluation_record_not_possible(
    *,
    reason: str,
    actor: User | None,
    recommendation: Recommendation | None = None,
    evaluation: Evaluation | None = None,
) -> Evaluation:
    """Record why a measure cannot be evaluated (e.g. no place-based outcome, no control area)."""
    _check(actor)
    if len(reason.strip()) < 10:
        raise EvaluationError(
            _("Bitte begründen, warum keine Evaluation möglich ist (mindestens 10 Zeichen)."),
            errors={"reason": [_("Pflichtfeld.")]},
        )
    if evaluation is None and recommendation is None:
        raise EvaluationError(_("Zu welcher Empfehlung gehört die Feststellung?"))
    with transaction.atomic():
        if evaluation is None:
            assert recommendation is not None
            evaluation = Evaluation.objects.create(
                title=_("Keine Evaluation: %(title)s") % {"title": recommendation.title},
                recommendation=recommendation,
                created_by=user_or_none(actor),
            )
            EvaluationDesign.objects.create(evaluation=evaluation, number=1)
            before = None
        else:
            evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
            before = {"status": evaluation.status}
        evaluation.status = EvaluationStatus.NOT_POSSIBLE
        evaluation.not_possible_reason = reason.strip()
        evaluation.save()
        audit_record(
            actor=actor,
            action=Action.TRANSITION,
            obj=evaluation,
            before=before,
            after={"status": evaluation.status, "reason": evaluation.not_possible_reason},
            note=reason.strip(),
        )
    return evaluation
