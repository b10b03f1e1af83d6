"""Evaluations of Sonderstab measures: a design fixed in advance, versioned, and its result.

An ``Evaluation`` belongs to a recommendation (optionally one of its measures). Its design is an
``EvaluationDesign``: version 1 is drafted, then frozen with a timestamp and the SHA-256 of its
canonical snapshot (geometries as they were, outcome definitions as they were). A frozen version
never changes; a later change is a new version with a reason, and every version stays visible.
The result (``EvaluationResult``) is computed from the raw records for one frozen version once
its post window has ended. Writes go through ``stadtlage.evaluation.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EvaluationStatus(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    FROZEN = "frozen", _("festgelegt, Nachzeitraum läuft")
    COMPLETED = "completed", _("ausgewertet")
    NOT_POSSIBLE = "not_possible", _("nicht möglich (begründet)")


class Evaluation(models.Model):
    """The evaluation of a measure; its design versions and results hang off it."""

    title = models.CharField(_("Titel"), max_length=200)
    recommendation = models.ForeignKey(
        "taskforce.Recommendation",
        verbose_name=_("Empfehlung"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    measure = models.ForeignKey(
        "taskforce.ImplementationMeasure",
        verbose_name=_("Maßnahme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("Status"),
        max_length=20,
        choices=EvaluationStatus.choices,
        default=EvaluationStatus.DRAFT,
        db_index=True,
    )
    not_possible_reason = models.TextField(
        _("Begründung, warum keine Evaluation möglich ist"), blank=True
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

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("Evaluation")
        verbose_name_plural = _("Evaluationen")

    def __str__(self) -> str:
        return self.title


class EvaluationDesign(models.Model):
    """One version of an evaluation's design. Editable while ``frozen_at`` is empty, then never.

    Places are chosen areas (ids) and/or a drawn polygon (GeoJSON, WGS84); the snapshot taken at
    freezing holds the resulting geometries, so a later edit of an area does not move a frozen
    design. ``outcome_codes`` are key-figure codes; the snapshot holds their definitions.
    """

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("Version"))
    target_area_ids = models.JSONField(_("Zielgebiet: Gebiete"), default=list, blank=True)
    target_polygon = models.JSONField(_("Zielgebiet: gezeichnet"), null=True, blank=True)
    buffer_m = models.PositiveSmallIntegerField(_("Umgebung: Ring (Meter)"), default=200)
    displacement_area_ids = models.JSONField(
        _("Umgebung: zusätzliche Gebiete (mögliche Verdrängung)"), default=list, blank=True
    )
    control_area_ids = models.JSONField(_("Kontrollgebiet: Gebiete"), default=list, blank=True)
    control_polygon = models.JSONField(_("Kontrollgebiet: gezeichnet"), null=True, blank=True)
    displacement_control_area_ids = models.JSONField(
        _("Kontrollgebiet der Umgebung"), default=list, blank=True
    )
    outcome_codes = models.JSONField(_("Zielgrößen (Kennzahlen)"), default=list, blank=True)
    start_date = models.DateField(_("Beginn der Maßnahme"), null=True, blank=True)
    pre_weeks = models.PositiveSmallIntegerField(_("Vorzeitraum (Wochen)"), default=12)
    post_weeks = models.PositiveSmallIntegerField(_("Nachzeitraum (Wochen)"), default=12)
    expected_reduction_pct = models.PositiveSmallIntegerField(
        _("erwarteter Rückgang (%)"), default=20
    )
    change_reason = models.TextField(_("Grund der Änderung"), blank=True)
    snapshot = models.JSONField(_("festgelegtes Design"), null=True, blank=True)
    sha256 = models.CharField(_("Prüfsumme (SHA-256)"), max_length=64, blank=True)
    frozen_at = models.DateTimeField(_("festgelegt am"), null=True, blank=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("festgelegt von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    retrospective = models.BooleanField(
        _("nachträglich festgelegt"),
        default=False,
        help_text=_("Festgelegt, als Daten des Nachzeitraums schon vorlagen."),
    )
    retrospective_reason = models.TextField(
        _("Begründung der nachträglichen Festlegung"), blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        ordering = ["evaluation", "number"]
        verbose_name = _("Evaluationsdesign")
        verbose_name_plural = _("Evaluationsdesigns")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "number"], name="unique_evaluation_design_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.evaluation} (V{self.number})"

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


class Verdict(models.TextChoices):
    DECREASE = "decrease", _("Rückgang")
    INCREASE = "increase", _("Anstieg")
    NO_EFFECT = "no_effect", _("keine Wirkung erkennbar")
    NOT_ESTIMABLE = "not_estimable", _("nicht schätzbar")


class EvaluationResult(models.Model):
    """The numbers of one frozen design, computed from the raw records (JSON, display-free)."""

    design = models.OneToOneField(EvaluationDesign, on_delete=models.CASCADE, related_name="result")
    verdict = models.CharField(_("Ergebnis"), max_length=20, choices=Verdict.choices)
    data = models.JSONField(_("Zahlen"))
    computed_at = models.DateTimeField(_("berechnet am"))
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("Ergebnis der Evaluation")
        verbose_name_plural = _("Ergebnisse der Evaluationen")

    def __str__(self) -> str:
        return f"{self.design} – {self.get_verdict_display()}"
