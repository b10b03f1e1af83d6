"""Writes for indicators, their versions, goals and milestones.

Every write validates, runs in one transaction with its audit row, and refreshes the cached
series after commit. Partner-figure writes live in ``services/partner.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stadtlage.accounts.models import User
from stadtlage.audit.models import Action
from stadtlage.audit.services import audit_record, audit_saved, snapshot
from stadtlage.kpi import periods as P
from stadtlage.kpi import permissions
from stadtlage.kpi.definitions import Definition, validate
from stadtlage.kpi.models import Goal, GoalMilestone, Indicator, IndicatorVersion, Source
from stadtlage.kpi.queries import enforcement_driven_codes, known_categories


def _recompute_later(indicator: Indicator) -> None:
    from stadtlage.kpi.compute import indicator_recompute

    transaction.on_commit(lambda: indicator_recompute(Indicator.objects.get(pk=indicator.pk)))


def _check(d: Definition, *, strict_codes: bool, indicator: Indicator | None) -> None:
    errors = validate(d)
    if strict_codes and d.category_codes and d.source != Source.PARTNER:
        unknown = sorted(set(d.category_codes) - set(known_categories(d.source)))
        if unknown:
            errors.setdefault("category_codes", []).append(
                _("Unbekannte Kategorie: %(codes)s") % {"codes": ", ".join(unknown)}
            )
    paired = d.paired_indicator
    if paired is not None and indicator is not None and paired.pk == indicator.pk:
        errors.setdefault("paired_indicator", []).append(
            _("Eine Kennzahl kann nicht ihre eigene Vergleichskennzahl sein.")
        )
    if _is_enforcement_driven(d) and d.paired_indicator is None:
        errors.setdefault("paired_indicator", []).append(
            _(
                "Kontrolldelikte steigen mit der Kontrolldichte: bitte eine Vergleichskennzahl "
                "der Nachfrageseite wählen (Bürgermeldungen, Spritzenfunde, Reinigung, Befragung)."
            )
        )
    if errors:
        raise ValidationError(errors)


def _is_enforcement_driven(d: Definition) -> bool:
    """Explicitly marked, or counting observations of a Kontrolldelikt (DOMAIN.md §2).

    Measures are marked by the analyst (a Platzverweis is control-driven, a referral to help
    is not), partner figures too (police statistics of control offences).
    """
    if d.enforcement_driven:
        return True
    if d.source != Source.OBSERVATIONS:
        return False
    flagged = enforcement_driven_codes()
    return bool(flagged & set(d.category_codes)) if d.category_codes else bool(flagged)


def _version_snapshot(version: IndicatorVersion) -> dict[str, Any]:
    return snapshot(version) | {"areas": sorted(a.pk for a in version.areas.all())}


def _new_version(
    *,
    indicator: Indicator,
    d: Definition,
    number: int,
    valid_from: date | None,
    change_note: str,
    rebases: bool,
    actor: User | None,
) -> IndicatorVersion:
    values = d.values()
    areas = values.pop("areas")
    values["enforcement_driven"] = _is_enforcement_driven(d)
    version = IndicatorVersion(
        indicator=indicator,
        number=number,
        valid_from=valid_from,
        change_note=change_note,
        rebases=rebases,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **values,
    )
    version.full_clean(exclude=["indicator", "owner", "created_by"])
    version.save()
    version.areas.set(areas)
    indicator.current_version = version  # a new version is always the one in force
    indicator.save(update_fields=["current_version"])
    return version


def indicator_create(
    *,
    code: str,
    definition: Definition,
    actor: User | None,
    order: int = 0,
    strict_codes: bool = True,
    check_permission: bool = True,
) -> Indicator:
    """Create an indicator with its first version (valid from the start of the data)."""
    if check_permission and not permissions.can_define_indicators(actor):
        raise PermissionDenied
    _check(definition, strict_codes=strict_codes, indicator=None)
    with transaction.atomic():
        indicator = Indicator(code=code, order=order)
        indicator.full_clean(exclude=["current_version"])
        indicator.save()
        version = _new_version(
            indicator=indicator,
            d=definition,
            number=1,
            valid_from=None,
            change_note="",
            rebases=False,
            actor=actor,
        )
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=indicator,
            after={"code": code, "version": _version_snapshot(version)},
        )
        _recompute_later(indicator)
    return indicator


def indicator_update(
    *,
    indicator: Indicator,
    definition: Definition,
    change_note: str,
    actor: User | None,
    valid_from: date | None = None,
) -> IndicatorVersion:
    """Save a changed definition as a new version; the series breaks at ``valid_from``.

    ``valid_from`` defaults to the start of the current period and is moved to the start of its
    period. Limits are recomputed from the break only if the numbers' definition changed.
    """
    if not permissions.can_edit_indicator(actor, indicator):
        raise PermissionDenied
    if not change_note.strip():
        raise ValidationError({"change_note": _("Bitte begründen Sie die Änderung.")})
    _check(definition, strict_codes=True, indicator=indicator)
    valid_from = P.period_start(valid_from or timezone.localdate(), definition.period)
    with transaction.atomic():
        locked = Indicator.objects.select_for_update().get(pk=indicator.pk)
        previous = locked.current_version
        assert previous is not None
        before = _version_snapshot(previous)
        old = Definition.of_version(previous)
        if old.key() == definition.key():
            raise ValidationError(_("Die Definition ist unverändert."))
        version = _new_version(
            indicator=locked,
            d=definition,
            number=previous.number + 1,
            valid_from=valid_from,
            change_note=change_note.strip(),
            rebases=old.computation_key() != definition.computation_key(),
            actor=actor,
        )
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=locked,
            before=before,
            after=_version_snapshot(version),
            note=change_note.strip()[:500],
        )
        _recompute_later(locked)
    indicator.current_version = version
    return version


def indicator_set_active(*, indicator: Indicator, is_active: bool, actor: User | None) -> Indicator:
    if not permissions.can_edit_indicator(actor, indicator):
        raise PermissionDenied
    with transaction.atomic():
        before = snapshot(indicator)
        indicator.is_active = is_active
        indicator.save(update_fields=["is_active"])
        audit_saved(actor=actor, obj=indicator, before=before)
    return indicator


def _check_direction(indicator: Indicator, baseline_value: float, target_value: float) -> None:
    version = indicator.current_version
    if version is not None and version.direction != "neutral":
        better = (
            target_value < baseline_value
            if version.direction == "decrease"
            else (target_value > baseline_value)
        )
        if not better:
            raise ValidationError(
                {"target_value": _("Der Zielwert muss in der gewünschten Richtung liegen.")}
            )


def goal_create(
    *,
    indicator: Indicator,
    title: str,
    baseline_value: float,
    target_value: float,
    target_date: date,
    actor: User | None,
    baseline_label: str = "",
) -> Goal:
    if not permissions.can_manage_goals(actor, indicator):
        raise PermissionDenied
    _check_direction(indicator, baseline_value, target_value)
    with transaction.atomic():
        goal = Goal(
            indicator=indicator,
            title=title.strip(),
            baseline_value=baseline_value,
            baseline_label=baseline_label.strip(),
            target_value=target_value,
            target_date=target_date,
            created_by=actor,
        )
        goal.full_clean()
        goal.save()
        audit_saved(actor=actor, obj=goal)
        _recompute_later(indicator)
    return goal


def _set_values(
    goal: Goal,
    title: str,
    baseline_value: float | None,
    baseline_label: str,
    target_value: float,
    target_date: date,
) -> None:
    """Put a goal's values in place and check them (its author may be None: the demo seed)."""
    goal.title = title.strip()
    goal.baseline_value = baseline_value
    goal.baseline_label = baseline_label.strip()
    goal.target_value = target_value
    goal.target_date = target_date
    goal.full_clean(exclude=["created_by"])


def goal_update(
    *,
    goal: Goal,
    title: str,
    baseline_value: float,
    target_value: float,
    target_date: date,
    actor: User | None,
    baseline_label: str = "",
) -> Goal:
    """Change a goal in force, also one adopted with a Sonderstab recommendation (whose pages
    show the goal's values). A proposed (inactive) goal is changed where it was proposed."""
    indicator = goal.indicator
    if not permissions.can_manage_goals(actor, indicator):
        raise PermissionDenied
    if not goal.is_active:
        raise ValidationError(
            _(
                "Das Ziel „%(goal)s“ gilt noch nicht; es wird dort geändert, wo es "
                "vorgeschlagen ist."
            )
            % {"goal": goal}
        )
    _check_direction(indicator, baseline_value, target_value)
    if goal.milestones.filter(due_date__gt=target_date).exists():
        raise ValidationError(
            {"target_date": _("Zieldatum: Ein Meilenstein des Ziels liegt danach.")}
        )
    with transaction.atomic():
        before = snapshot(goal)
        _set_values(goal, title, baseline_value, baseline_label, target_value, target_date)
        goal.save()
        audit_saved(actor=actor, obj=goal, before=before)
        _recompute_later(indicator)
    return goal


def goal_propose(
    *,
    indicator: Indicator,
    title: str,
    baseline_value: float | None,
    target_value: float,
    target_date: date,
    actor: User | None,
    baseline_label: str = "",
    goal: Goal | None = None,
) -> Goal:
    """Create (or, given ``goal``, update) an inactive goal proposed by a decision process.

    The Sonderstab stores a recommendation's target here while the Verwaltungsvorstand has not
    adopted it: inactive, it does not count among the figure's goals (chart target, goal list).
    The proposing process checks the person's right (its members may propose without managing
    goals); only an inactive goal can be changed this way. ``goals_activate`` puts it in force.
    """
    if goal is not None and goal.indicator_id != indicator.pk:
        raise ValidationError(
            _("Das Ziel „%(goal)s“ gehört nicht zur Kennzahl „%(indicator)s“.")
            % {"goal": goal, "indicator": indicator}
        )
    if goal is not None and goal.is_active:
        raise ValidationError(
            _("Das Ziel „%(goal)s“ ist bereits in Kraft; es wird bei den Kennzahlen geändert.")
            % {"goal": goal}
        )
    with transaction.atomic():
        obj = goal or Goal(indicator=indicator, is_active=False, created_by=actor)
        before = snapshot(obj) if obj.pk else None
        # the title follows the recommendation's, which may be longer than a goal's
        _set_values(
            obj, title.strip()[:200], baseline_value, baseline_label, target_value, target_date
        )
        if before is not None and before == snapshot(obj):
            return obj
        obj.save()
        audit_saved(actor=actor, obj=obj, before=before)
    return obj


def goals_activate(*, goals: Iterable[Goal], actor: User | None, note: str = "") -> list[Goal]:
    """Put proposed (inactive) goals in force, e.g. when the board adopts their recommendation.

    Runs in the caller's transaction; the figures' series are recomputed after commit (an
    active goal's target is the chart's target line).
    """
    activated = []
    with transaction.atomic():
        for goal in goals:
            if goal.is_active:
                continue
            before = snapshot(goal)
            goal.is_active = True
            goal.save(update_fields=["is_active"])
            audit_saved(actor=actor, obj=goal, before=before, note=note)
            activated.append(goal)
        for indicator_id in {g.indicator_id for g in activated}:
            _recompute_later(Indicator(pk=indicator_id))
    return activated


def goal_proposal_discard(*, goal: Goal, actor: User | None, note: str = "") -> None:
    """Delete a proposed goal no longer wanted by its process (active goals stay)."""
    if goal.is_active:
        return
    with transaction.atomic():
        before, pk, label = snapshot(goal), goal.pk, str(goal)
        goal.delete()
        audit_record(
            actor=actor,
            action=Action.DELETE,
            object_type=Goal._meta.label_lower,
            object_id=pk,
            object_repr=label,
            before=before,
            note=note,
        )


def milestone_create(
    *, goal: Goal, title: str, due_date: date, target_value: float, actor: User | None
) -> GoalMilestone:
    if not permissions.can_manage_goals(actor, goal.indicator):
        raise PermissionDenied
    if due_date > goal.target_date:
        raise ValidationError({"due_date": _("Ein Meilenstein liegt vor dem Zieldatum.")})
    with transaction.atomic():
        milestone = GoalMilestone(
            goal=goal, title=title.strip(), due_date=due_date, target_value=target_value
        )
        milestone.full_clean()
        milestone.save()
        audit_saved(actor=actor, obj=milestone)
    return milestone
