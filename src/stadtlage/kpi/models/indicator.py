"""Indicator definitions as versioned data, and the goals set on them.

An ``Indicator`` is a stable identity (its code). Everything that defines the figure lives on an
immutable ``IndicatorVersion``; every edit creates a new version, and the series shows a break
where the version takes effect (``valid_from``). Writes go through ``stadtlage.kpi.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from stadtlage.kpi.models.partner import Period


class Source(models.TextChoices):
    OBSERVATIONS = "observations", _("Feststellungen der Streifen")
    MEASURES = "measures", _("Maßnahmen der Streifen")
    PRESENCE = "presence", _("Präsenzzeiten der Streifen")
    REPORTS = "reports", _("Bürgermeldungen")
    CLEANING = "cleaning", _("Reinigungsaufträge (EDG)")
    HOTSPOT_DOSAGE = "hotspot_dosage", _("Halte der Streifenpläne an Brennpunkten")
    PARTNER = "partner", _("Partner-Kennzahl")


class Aggregation(models.TextChoices):
    COUNT = "count", _("Anzahl")
    SUM = "sum", _("Summe")
    RATE = "rate", _("Rate je Bezugsgröße")
    PROPORTION = "proportion", _("Anteil rechtzeitig erledigt")
    MEDIAN_DURATION = "median_duration", _("Median der Bearbeitungsdauer")


class Quantity(models.TextChoices):
    """What a sum or a rate adds up."""

    RECORDS = "records", _("Datensätze")
    PERSONS = "persons", _("angetroffene Personen")
    SYRINGES = "syringes", _("gefundene Spritzen")
    HOURS = "hours", _("Stunden")
    PLANNED_HOURS = "planned_hours", _("geplante Stunden")
    VALUE = "value", _("gemeldeter Wert")


class Exposure(models.TextChoices):
    """The denominator of a rate."""

    PATROL_HOURS = "patrol_hours", _("Streifenstunden (Präsenz im selben Gebiet)")
    PARTNER = "partner", _("Partner-Kennzahl (z. B. Passantenfrequenz)")


class Direction(models.TextChoices):
    """Values are the ``direction`` argument of ``stadtlage.kpi.spc``."""

    DECREASE = "decrease", _("niedriger ist besser")
    INCREASE = "increase", _("höher ist besser")
    NEUTRAL = "neutral", _("neutral")


class ChartType(models.TextChoices):
    XMR = "xmr", _("XmR-Karte (Einzelwerte)")
    LANEY_U = "laney_u", _("Laney-u′-Karte (Raten)")
    LANEY_P = "laney_p", _("Laney-p′-Karte (Anteile)")
    RUN = "run", _("Verlaufsdiagramm")


class Indicator(models.Model):
    """A key figure. Its definition is ``current_version``; older versions stay."""

    code = models.SlugField(_("Code"), max_length=60, unique=True)
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    is_active = models.BooleanField(_("aktiv"), default=True)
    current_version = models.ForeignKey(
        "kpi.IndicatorVersion",
        verbose_name=_("aktuelle Version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Public only when an analyst proposes it and a second person confirms (four-eyes rule;
    # stadtlage.kpi.publication). Written by services only, each step audited.
    public_proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Veröffentlichung vorgeschlagen von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    public_proposed_at = models.DateTimeField(
        _("Veröffentlichung vorgeschlagen am"), null=True, blank=True, editable=False
    )
    public_note = models.CharField(
        _("Begründung der Veröffentlichung"), max_length=300, blank=True, editable=False
    )
    public_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Veröffentlichung bestätigt von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    public_confirmed_at = models.DateTimeField(
        _("öffentlich seit"), null=True, blank=True, editable=False, db_index=True
    )

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("Kennzahl")
        verbose_name_plural = _("Kennzahlen")

    def __str__(self) -> str:
        return self.current_version.name if self.current_version else self.code

    @property
    def is_public(self) -> bool:
        return self.public_confirmed_at is not None


class IndicatorVersion(models.Model):
    """One immutable definition of an indicator (a row is never updated after creation)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("Version"))
    name = models.CharField(_("Bezeichnung"), max_length=160)
    working_group = models.ForeignKey(
        "organisations.WorkingGroup",
        verbose_name=_("Arbeitsgruppe"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verantwortlich"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    counting_rule = models.TextField(_("Zählregel"))
    unit = models.CharField(_("Einheit"), max_length=40)
    source = models.CharField(_("Quelle"), max_length=20, choices=Source.choices)
    partner_series = models.ForeignKey(
        "kpi.PartnerSeries",
        verbose_name=_("Partner-Kennzahl"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    category_codes = models.JSONField(_("Kategorien (Codes)"), default=list, blank=True)
    areas = models.ManyToManyField(
        "places.Area", verbose_name=_("Gebiete"), blank=True, related_name="+"
    )
    hour_from = models.PositiveSmallIntegerField(_("ab Uhrzeit (Stunde)"), null=True, blank=True)
    hour_to = models.PositiveSmallIntegerField(_("bis Uhrzeit (Stunde)"), null=True, blank=True)
    aggregation = models.CharField(_("Berechnung"), max_length=20, choices=Aggregation.choices)
    quantity = models.CharField(
        _("gezählt wird"), max_length=20, choices=Quantity.choices, default=Quantity.RECORDS
    )
    exposure = models.CharField(
        _("Bezugsgröße"), max_length=20, choices=Exposure.choices, blank=True
    )
    exposure_series = models.ForeignKey(
        "kpi.PartnerSeries",
        verbose_name=_("Bezugsgröße: Partner-Kennzahl"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rate_per = models.FloatField(_("je"), default=1.0)
    within_hours = models.FloatField(_("erledigt innerhalb (Stunden)"), null=True, blank=True)
    period = models.CharField(_("Zeitraum"), max_length=10, choices=Period.choices)
    direction = models.CharField(_("Richtung"), max_length=10, choices=Direction.choices)
    chart_type = models.CharField(_("Diagramm"), max_length=10, choices=ChartType.choices)
    enforcement_driven = models.BooleanField(
        _("Kontrolldelikt"),
        default=False,
        help_text=_("Abgeleitet: mehr Kontrollen erzeugen mehr Datensätze (DOMAIN.md §2)."),
    )
    paired_indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("Vergleichskennzahl (Nachfrageseite)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    valid_from = models.DateField(_("gültig ab"), null=True, blank=True)
    rebases = models.BooleanField(
        _("neue Prozessgrenzen"),
        default=False,
        help_text=_("Abgeleitet: die Berechnung hat sich geändert, die Grenzen beginnen neu."),
    )
    change_note = models.CharField(_("Änderungsgrund"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)

    class Meta:
        ordering = ["indicator", "number"]
        verbose_name = _("Kennzahl-Version")
        verbose_name_plural = _("Kennzahl-Versionen")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "number"], name="unique_indicator_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} (V{self.number})"


class Goal(models.Model):
    """A goal on an indicator. Its status comes from SPC, never from a line through two points.

    Only active goals count (the chart's target, the goals shown with the figure). A goal
    proposed with a Sonderstab recommendation stays inactive until the Verwaltungsvorstand
    adopts the recommendation (``services.goal_propose`` / ``goals_activate``).
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("Ziel"), max_length=200)
    # Empty only for a goal proposed with a Sonderstab recommendation that named no baseline.
    baseline_value = models.FloatField(_("Ausgangswert"), null=True, blank=True)
    baseline_label = models.CharField(
        _("Ausgangswert bezieht sich auf"), max_length=120, blank=True
    )
    target_value = models.FloatField(_("Zielwert"))
    target_date = models.DateField(_("Zieldatum"))
    is_active = models.BooleanField(_("aktiv"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)

    class Meta:
        ordering = ["target_date", "id"]
        verbose_name = _("Ziel")
        verbose_name_plural = _("Ziele")

    def __str__(self) -> str:
        return self.title


class GoalMilestone(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("Meilenstein"), max_length=200)
    due_date = models.DateField(_("fällig am"))
    target_value = models.FloatField(_("Zwischenwert"))

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("Meilenstein")
        verbose_name_plural = _("Meilensteine")

    def __str__(self) -> str:
        return self.title
