"""Recommendations (Empfehlungen) of the working groups, their measures, milestones and history.

The states and the allowed transitions between them live in ``stadtlage.taskforce.workflow``;
``stadtlage.taskforce.services.recommendation_transition`` is the only code that changes
``Recommendation.state``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class RecommendationState(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    IN_COORDINATION = "in_coordination", _("in Abstimmung (Arbeitsgruppe)")
    DISCUSSED = "discussed", _("vom Sonderstab beraten")
    SUBMITTED = "submitted", _("Vorlage an den Verwaltungsvorstand")
    DECIDED = "decided", _("beschlossen")
    DECIDED_WITH_CONDITIONS = "decided_with_conditions", _("mit Auflagen beschlossen")
    REJECTED = "rejected", _("abgelehnt")
    DEFERRED = "deferred", _("zurückgestellt")
    IN_IMPLEMENTATION = "in_implementation", _("in Umsetzung")
    COMPLETED = "completed", _("abgeschlossen")
    EVALUATED = "evaluated", _("evaluiert")


class Recommendation(models.Model):
    """A recommendation of one working group to the Verwaltungsvorstand."""

    working_group = models.ForeignKey(
        "organisations.WorkingGroup",
        verbose_name=_("Arbeitsgruppe"),
        on_delete=models.PROTECT,
        related_name="recommendations",
    )
    title = models.CharField(_("Titel"), max_length=200)
    state = models.CharField(
        _("Status"),
        max_length=30,
        choices=RecommendationState.choices,
        default=RecommendationState.DRAFT,
        db_index=True,
    )
    problem = models.TextField(
        _("Problem und Lage"), blank=True, help_text=_("Mit Zahlen: was, wo, seit wann, wie viel.")
    )
    expected_effect = models.TextField(_("Erwartete Wirkung"), blank=True)
    resources = models.TextField(_("Ressourcen"), blank=True, help_text=_("Personal, Sachmittel."))
    costs_eur = models.DecimalField(
        _("Kosten (Euro)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    responsible_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("verantwortliche Organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="taskforce_recommendations",
    )
    areas = models.ManyToManyField(
        "places.Area", verbose_name=_("betroffene Gebiete"), blank=True, related_name="+"
    )
    evaluation = models.TextField(
        _("Bewertung der Wirkung"),
        blank=True,
        help_text=_("Wird beim Abschluss der Evaluation festgehalten."),
    )
    # What the public sees on /massnahmen/: a draft written by the Sonderstab, published only as
    # approved by a member of the Verwaltungsvorstand (the approved text stays until the next
    # approval, so editing the draft never changes the public page).
    public_summary = models.TextField(
        _("Öffentliche Zusammenfassung (Entwurf)"),
        blank=True,
        max_length=2000,
        help_text=_(
            "In einfacher Sprache, ohne interne Angaben: was beschlossen ist, was getan wird, "
            "woran der Erfolg gemessen wird."
        ),
    )
    public_summary_approved = models.TextField(
        _("Öffentliche Zusammenfassung (freigegeben)"), blank=True, editable=False
    )
    public_summary_approved_at = models.DateTimeField(
        _("freigegeben am"), null=True, blank=True, editable=False
    )
    public_summary_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("freigegeben von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("angelegt von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)
    state_changed_at = models.DateTimeField(_("Status seit"), null=True, blank=True)

    class Meta:
        ordering = ["working_group__order", "title", "id"]
        verbose_name = _("Empfehlung")
        verbose_name_plural = _("Empfehlungen")

    def __str__(self) -> str:
        return self.title


class RecommendationIndicator(models.Model):
    """A key figure the recommendation promises to move, and the goal that says how far.

    The baseline, target and target date are stored once, on the key-figure engine's ``Goal``
    (``goal``); a link without a goal names a figure without a target yet. The goal a working
    group enters with its recommendation is inactive (it does not count among the figure's
    goals) until the Verwaltungsvorstand adopts the recommendation; then it is edited where
    goals are edited, and the recommendation shows its values.
    """

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="indicator_links"
    )
    indicator = models.ForeignKey(
        "kpi.Indicator",
        verbose_name=_("Kennzahl"),
        on_delete=models.PROTECT,
        related_name="taskforce_links",
    )
    goal = models.ForeignKey(
        "kpi.Goal",
        verbose_name=_("Ziel in den Kennzahlen"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="taskforce_links",
    )

    class Meta:
        ordering = ["recommendation", "id"]
        verbose_name = _("Kennzahl der Empfehlung")
        verbose_name_plural = _("Kennzahlen der Empfehlung")
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "indicator"], name="unique_recommendation_indicator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.recommendation} – {self.indicator}"


class ImplementationMeasure(models.Model):
    """A measure (Maßnahme) the recommendation proposes; tracked once decided."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="measures"
    )
    title = models.CharField(_("Maßnahme"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    responsible_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("verantwortlich"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        ordering = ["recommendation", "order", "id"]
        verbose_name = _("Maßnahme")
        verbose_name_plural = _("Maßnahmen")

    def __str__(self) -> str:
        return self.title


class MilestoneStatus(models.TextChoices):
    OPEN = "open", _("offen")
    DONE = "done", _("erreicht")
    CANCELLED = "cancelled", _("entfallen")


class RecommendationMilestone(models.Model):
    """A dated milestone of a recommendation, optionally of one of its measures."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="milestones"
    )
    measure = models.ForeignKey(
        ImplementationMeasure,
        verbose_name=_("Maßnahme"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="milestones",
    )
    title = models.CharField(_("Meilenstein"), max_length=200)
    due_date = models.DateField(_("fällig am"))
    status = models.CharField(
        _("Status"), max_length=20, choices=MilestoneStatus.choices, default=MilestoneStatus.OPEN
    )
    completed_on = models.DateField(_("erreicht am"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("erledigt von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("Bemerkung"), max_length=500, blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("Meilenstein")
        verbose_name_plural = _("Meilensteine")
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self) -> str:
        return self.title


class DecisionOutcome(models.TextChoices):
    """What the Verwaltungsvorstand decided (``workflow.DECISION_OUTCOMES`` maps it to a state)."""

    DECIDED = "decided", _("beschlossen")
    DECIDED_WITH_CONDITIONS = "decided_with_conditions", _("mit Auflagen beschlossen")
    REJECTED = "rejected", _("abgelehnt")
    DEFERRED = "deferred", _("zurückgestellt")
    RETURNED = "returned", _("an die Arbeitsgruppe zurückverwiesen")


class BoardDecision(models.Model):
    """A decision of the Verwaltungsvorstand on a submitted recommendation."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="decisions"
    )
    outcome = models.CharField(_("Ergebnis"), max_length=30, choices=DecisionOutcome.choices)
    decided_on = models.DateField(_("Sitzung vom"))
    wording = models.TextField(_("Wortlaut des Beschlusses"))
    conditions = models.TextField(_("Auflagen"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("erfasst von"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("erfasst am"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-decided_on", "-id"]
        verbose_name = _("Beschluss des Verwaltungsvorstands")
        verbose_name_plural = _("Beschlüsse des Verwaltungsvorstands")

    def __str__(self) -> str:
        return f"{self.recommendation} – {self.get_outcome_display()} ({self.decided_on:%d.%m.%Y})"


class EventKind(models.TextChoices):
    CREATED = "created", _("angelegt")
    EDITED = "edited", _("bearbeitet")
    TRANSITION = "transition", _("Statuswechsel")
    MILESTONE = "milestone", _("Meilenstein")


class RecommendationEvent(models.Model):
    """One entry of a recommendation's history; the timeline users see (never edited)."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("Zeitpunkt"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Person"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("Art"), max_length=20, choices=EventKind.choices)
    from_state = models.CharField(
        _("von"), max_length=30, choices=RecommendationState.choices, blank=True
    )
    to_state = models.CharField(
        _("nach"), max_length=30, choices=RecommendationState.choices, blank=True
    )
    note = models.TextField(_("Bemerkung"), blank=True)
    decision = models.ForeignKey(
        BoardDecision, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    meeting = models.ForeignKey(
        "taskforce.Meeting", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("Verlaufseintrag")
        verbose_name_plural = _("Verlauf")

    def __str__(self) -> str:
        return f"{self.recommendation} {self.get_kind_display()} {self.at:%d.%m.%Y}"
