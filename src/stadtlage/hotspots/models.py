"""Patrol plans for hot spots (Streifenpläne) and the dosage delivered there.

A plan belongs to one shift: the shift lead chooses hot spots (proposed from the hot-spot map,
editable) and the shift's patrols; `planning.solve` orders short visits per patrol. Each stop
carries the uuid the field app uses for its check-in, so a stop's check-in is an ordinary
presence record (it counts as presence in its area) and also the delivered dosage of the stop.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    PUBLISHED = "published", _("freigegeben")


class PatrolPlan(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        _("Status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    shift_start = models.DateTimeField(_("Schichtbeginn"), db_index=True)
    shift_end = models.DateTimeField(_("Schichtende"))
    patrols = models.ManyToManyField(
        "patrols.Patrol", verbose_name=_("Streifen"), related_name="hotspot_plans"
    )
    stop_min_minutes = models.PositiveSmallIntegerField(_("Aufenthalt mindestens (min)"))
    stop_max_minutes = models.PositiveSmallIntegerField(_("Aufenthalt höchstens (min)"))
    max_revisit_minutes = models.PositiveSmallIntegerField(_("spätestens wieder nach (min)"))
    walking_speed_kmh = models.FloatField(_("Gehgeschwindigkeit (km/h)"))
    detour_factor = models.FloatField(_("Umwegfaktor"))
    seed = models.PositiveIntegerField(_("Zufallsstartwert"))
    visits_per_hotspot = models.PositiveSmallIntegerField(_("Besuche je Brennpunkt"))
    solver = models.CharField(_("Verfahren"), max_length=40)
    solve_seconds = models.FloatField(_("Rechenzeit (s)"))
    source_query = models.CharField(_("aus Brennpunktkarte"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("freigegeben am"), null=True, blank=True)

    class Meta:
        ordering = ["-shift_start", "-id"]
        verbose_name = _("Streifenplan")
        verbose_name_plural = _("Streifenpläne")

    def __str__(self) -> str:
        return f"Streifenplan {self.shift_start:%d.%m.%Y %H:%M}"


class UnservedReason(models.TextChoices):
    NO_TEAM = "no_team", _("keine Streife im Plan")
    NO_DUTY_START = "no_duty_start", _("zu Schichtbeginn ist keine Streife im Dienst")
    NO_DUTY_END = "no_duty_end", _("zum Schichtende ist keine Streife mehr im Dienst")
    CAPACITY = "capacity", _("die Streifen haben nicht genug Zeit für alle Besuche und Wege")
    PRIORITY = (
        "priority",
        _(
            "mit den Wegen und dem Takt passten nicht alle Brennpunkte; "
            "die mit geringerer Priorität wurden zuerst weggelassen"
        ),
    )


class PlanHotspot(models.Model):
    plan = models.ForeignKey(PatrolPlan, on_delete=models.CASCADE, related_name="hotspots")
    name = models.CharField(_("Ort"), max_length=120)
    lat = models.FloatField(_("Breite"))
    lon = models.FloatField(_("Länge"))
    area = models.ForeignKey(
        "places.Area", verbose_name=_("Gebiet"), on_delete=models.PROTECT, related_name="+"
    )
    priority = models.FloatField(_("Priorität"), default=1.0)
    order = models.PositiveSmallIntegerField(default=0)
    unserved_reason = models.CharField(
        _("nicht eingeplant, weil"), max_length=20, choices=UnservedReason.choices, blank=True
    )
    needed_minutes = models.PositiveIntegerField(default=0)
    available_minutes = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("Brennpunkt im Plan")
        verbose_name_plural = _("Brennpunkte im Plan")

    def __str__(self) -> str:
        return self.name

    @property
    def served(self) -> bool:
        return not self.unserved_reason


class PlanStop(models.Model):
    """One planned visit of a patrol at a hot spot; `checkin_uuid` is the uuid of the
    presence record the field app sends for it."""

    plan = models.ForeignKey(PatrolPlan, on_delete=models.CASCADE, related_name="stops")
    patrol = models.ForeignKey("patrols.Patrol", on_delete=models.CASCADE, related_name="+")
    hotspot = models.ForeignKey(PlanHotspot, on_delete=models.CASCADE, related_name="stops")
    sequence = models.PositiveSmallIntegerField(_("Reihenfolge"))
    visit = models.PositiveSmallIntegerField(_("Besuch Nr."))
    arrive_at = models.DateTimeField(_("Ankunft"))
    leave_at = models.DateTimeField(_("Abgang"))
    walk_minutes = models.PositiveSmallIntegerField(_("Fußweg (min)"))
    planned_minutes = models.FloatField(_("geplant (min)"))
    delivered_minutes = models.FloatField(
        _("geliefert (min)"),
        default=0.0,
        help_text=_("Abgeleitet aus Check-in und Standort, wenn die Streife endet."),
    )
    checkin_uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        ordering = ["patrol_id", "sequence"]
        verbose_name = _("Halt")
        verbose_name_plural = _("Halte")

    def __str__(self) -> str:
        return f"{self.hotspot} {self.arrive_at:%H:%M}"


class HotspotVisit(models.Model):
    """Time a patrol spent at a plan's hot spot according to its consented position track,
    derived when the patrol ends (tracks are deleted soon after; this stays)."""

    hotspot = models.ForeignKey(PlanHotspot, on_delete=models.CASCADE, related_name="visits")
    patrol = models.ForeignKey("patrols.Patrol", on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField(_("von"))
    ended_at = models.DateTimeField(_("bis"))
    minutes = models.FloatField(_("Minuten"))

    class Meta:
        ordering = ["started_at"]
        verbose_name = _("Aufenthalt laut Standort")
        verbose_name_plural = _("Aufenthalte laut Standort")

    def __str__(self) -> str:
        return f"{self.hotspot} {self.minutes:.0f} min"
