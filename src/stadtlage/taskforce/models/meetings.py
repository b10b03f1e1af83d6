"""The weekly meeting of the Sonderstab: schedule, agenda, minutes, action items, attendance.

A closed meeting's minutes are frozen: the services refuse every change to its agenda items,
action items (except their completion) and attendance; ``minutes_snapshot`` keeps the minutes as
closed (with a SHA-256), corrections are ``MinutesAmendment`` rows.
"""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Montag")
    TUESDAY = 1, _("Dienstag")
    WEDNESDAY = 2, _("Mittwoch")
    THURSDAY = 3, _("Donnerstag")
    FRIDAY = 4, _("Freitag")
    SATURDAY = 5, _("Samstag")
    SUNDAY = 6, _("Sonntag")


class MeetingSchedule(models.Model):
    """The recurring slot of the weekly meeting (e.g. Tuesdays 10:00, Lagezentrum)."""

    title = models.CharField(_("Titel"), max_length=200)
    weekday = models.PositiveSmallIntegerField(_("Wochentag"), choices=Weekday.choices)
    start_time = models.TimeField(_("Beginn"))
    duration_minutes = models.PositiveSmallIntegerField(_("Dauer (Minuten)"), default=90)
    location = models.CharField(_("Ort"), max_length=200, blank=True)
    valid_from = models.DateField(_("gültig ab"))
    valid_until = models.DateField(_("gültig bis"), null=True, blank=True)
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        ordering = ["weekday", "start_time"]
        verbose_name = _("Sitzungsrhythmus")
        verbose_name_plural = _("Sitzungsrhythmen")

    def __str__(self) -> str:
        return f"{self.title} ({self.get_weekday_display()} {self.start_time:%H:%M})"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("geplant")
    CLOSED = "closed", _("abgeschlossen")
    CANCELLED = "cancelled", _("abgesagt")


class Meeting(models.Model):
    schedule = models.ForeignKey(
        MeetingSchedule,
        verbose_name=_("Sitzungsrhythmus"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
    )
    title = models.CharField(_("Titel"), max_length=200)
    starts_at = models.DateTimeField(_("Beginn"), db_index=True)
    ends_at = models.DateTimeField(_("Ende"))
    location = models.CharField(_("Ort"), max_length=200, blank=True)
    status = models.CharField(
        _("Status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Leitung"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    agenda_proposed_at = models.DateTimeField(
        _("Tagesordnung vorgeschlagen am"), null=True, blank=True
    )
    closed_at = models.DateTimeField(_("abgeschlossen am"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    minutes_snapshot = models.JSONField(
        _("Protokoll (festgeschrieben)"), null=True, blank=True, encoder=DjangoJSONEncoder
    )
    minutes_sha256 = models.CharField(_("Prüfsumme des Protokolls"), max_length=64, blank=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("Sitzung")
        verbose_name_plural = _("Sitzungen")
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "starts_at"], name="unique_meeting_per_schedule_slot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%d.%m.%Y})"

    @property
    def is_frozen(self) -> bool:
        return self.status != MeetingStatus.PLANNED

    @property
    def has_started(self) -> bool:
        """Whether the meeting has begun; only then can it be closed."""
        return self.starts_at <= timezone.now()


class AgendaKind(models.TextChoices):
    BOARD_DECISION = "board_decision", _("Beschluss des Verwaltungsvorstands")
    SIGNAL = "signal", _("Signal in den Kennzahlen")
    RECOMMENDATION = "recommendation", _("Empfehlung zur Beratung")
    MILESTONE = "milestone", _("Meilenstein fällig oder überfällig")
    ACTION_ITEM = "action_item", _("offener Arbeitsauftrag")
    OTHER = "other", _("Sonstiges")


class AgendaItem(models.Model):
    """A point of the agenda (TOP); may point at the thing it is about."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    kind = models.CharField(_("Art"), max_length=20, choices=AgendaKind.choices)
    title = models.CharField(_("Tagesordnungspunkt"), max_length=250)
    reason = models.CharField(_("Anlass"), max_length=500, blank=True)
    source_key = models.CharField(max_length=120, blank=True)
    recommendation = models.ForeignKey(
        "taskforce.Recommendation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    milestone = models.ForeignKey(
        "taskforce.RecommendationMilestone",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision = models.ForeignKey(
        "taskforce.BoardDecision",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    indicator = models.ForeignKey(
        "kpi.Indicator", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action_item = models.ForeignKey(
        "taskforce.ActionItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    minutes = models.TextField(pgettext_lazy("Sitzung", "Protokoll"), blank=True)
    outcome = models.TextField(_("Ergebnis / Festlegung"), blank=True)

    class Meta:
        ordering = ["meeting", "order", "id"]
        verbose_name = _("Tagesordnungspunkt")
        verbose_name_plural = _("Tagesordnungspunkte")

    def __str__(self) -> str:
        return self.title


class ActionStatus(models.TextChoices):
    OPEN = "open", _("offen")
    DONE = "done", _("erledigt")
    CANCELLED = "cancelled", _("entfallen")


class ActionItem(models.Model):
    """A task agreed in a meeting: who does what by when."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_items")
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="action_items"
    )
    title = models.CharField(_("Arbeitsauftrag"), max_length=250)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("zuständig"),
        on_delete=models.PROTECT,
        related_name="taskforce_action_items",
    )
    due_date = models.DateField(_("fällig am"))
    status = models.CharField(
        _("Status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    done_at = models.DateTimeField(_("erledigt am"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("Arbeitsauftrag")
        verbose_name_plural = _("Arbeitsaufträge")

    def __str__(self) -> str:
        return self.title


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("anwesend")
    EXCUSED = "excused", _("entschuldigt")
    ABSENT = "absent", _("abwesend")


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Person"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("Organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("Teilnahme"), max_length=20, choices=AttendanceStatus.choices)

    class Meta:
        ordering = ["meeting", "person__last_name", "person__first_name"]
        verbose_name = _("Teilnahme")
        verbose_name_plural = _("Teilnahmen")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="unique_attendance")
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_status_display()}"


class MinutesAmendment(models.Model):
    """A later correction of closed minutes; the original stays as it was."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="amendments")
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="amendments"
    )
    text = models.TextField(_("Nachtrag"))
    reason = models.CharField(_("Grund"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("erfasst am"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("Nachtrag zum Protokoll")
        verbose_name_plural = _("Nachträge zum Protokoll")

    def __str__(self) -> str:
        return gettext("%(meeting)s – Nachtrag %(date)s") % {
            "meeting": self.meeting,
            "date": f"{self.created_at:%d.%m.%Y}",
        }
