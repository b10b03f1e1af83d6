"""Forms of the Sonderstab pages. They validate input; the services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from stadtlage.accounts.models import Role, User
from stadtlage.formfields import ModelMultipleChoiceField
from stadtlage.kpi.models import Goal, Indicator
from stadtlage.organisations.models import Organisation, WorkingGroup
from stadtlage.places.models import Area
from stadtlage.taskforce import selectors
from stadtlage.taskforce.models import (
    AgendaItem,
    AttendanceStatus,
    ImplementationMeasure,
    MayorReportPeriod,
    MeetingSchedule,
    MilestoneStatus,
    Recommendation,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class RecommendationForm(forms.ModelForm[Recommendation]):
    areas = ModelMultipleChoiceField(
        label=_("Betroffene Gebiete"),
        queryset=Area.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Recommendation
        fields = [
            "working_group",
            "title",
            "problem",
            "expected_effect",
            "resources",
            "costs_eur",
            "responsible_organisation",
            "areas",
        ]
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 5}),
            "expected_effect": forms.Textarea(attrs={"rows": 3}),
            "resources": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, groups: QuerySet[WorkingGroup] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["responsible_organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            is_active=True
        )
        if groups is None:  # editing: the group does not change
            del self.fields["working_group"]
        else:
            self.fields["working_group"].queryset = groups  # type: ignore[attr-defined]
            if groups.count() == 1:
                self.fields["working_group"].initial = groups.first()


class IndicatorLinkForm(forms.Form):
    indicator = forms.ModelChoiceField(label=_("Kennzahl"), queryset=Indicator.objects.none())
    goal = forms.ModelChoiceField(
        label=_("Ziel aus den Kennzahlen (optional)"),
        queryset=Goal.objects.filter(is_active=True).select_related("indicator"),
        required=False,
        help_text=_("Leere Felder unten werden aus dem Ziel übernommen."),
    )
    baseline = forms.FloatField(label=_("Ausgangswert"), required=False)
    baseline_label = forms.CharField(
        label=_("Ausgangswert bezieht sich auf"), max_length=120, required=False
    )
    target = forms.FloatField(label=_("Zielwert"), required=False)
    target_date = forms.DateField(label=_("Zieldatum"), required=False, widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = selectors.indicators_for_choice()  # type: ignore[attr-defined]


class ImplementationMeasureForm(forms.Form):
    title = forms.CharField(label=_("Maßnahme"), max_length=200)
    description = forms.CharField(
        label=_("Beschreibung"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    responsible_organisation = forms.ModelChoiceField(
        label=_("verantwortlich"),
        queryset=Organisation.objects.filter(is_active=True),
        required=False,
    )


class RecommendationMilestoneForm(forms.Form):
    title = forms.CharField(label=_("Meilenstein"), max_length=200)
    due_date = forms.DateField(label=_("fällig am"), widget=DateInput())
    measure = forms.ModelChoiceField(
        label=_("Maßnahme"), queryset=ImplementationMeasure.objects.none(), required=False
    )

    def __init__(self, *args: Any, recommendation: Recommendation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measure"].queryset = recommendation.measures.all()  # type: ignore[attr-defined]


class TransitionForm(forms.Form):
    to_state = forms.CharField(widget=forms.HiddenInput)
    meeting = forms.IntegerField(required=False, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Begründung / Bemerkung"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    decided_on = forms.DateField(
        label=_("Sitzung des Verwaltungsvorstands vom"), required=False, widget=DateInput()
    )
    wording = forms.CharField(
        label=_("Wortlaut des Beschlusses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    conditions = forms.CharField(
        label=_("Auflagen"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evaluation = forms.CharField(
        label=_("Bewertung der Wirkung"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class MilestoneStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=MilestoneStatus.choices)
    completed_on = forms.DateField(label=_("erreicht am"), required=False, widget=DateInput())
    note = forms.CharField(label=_("Bemerkung"), max_length=500, required=False)


def _members(group: WorkingGroup) -> QuerySet[User]:
    return (
        User.objects.filter(
            memberships__working_group=group,
            memberships__is_active=True,
            memberships__role__in=(Role.WG_MEMBER, Role.WG_LEAD),
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


class GroupForm(forms.Form):
    mission = forms.CharField(
        label=_("Auftrag"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    lead = forms.ModelChoiceField(label=_("Leitung"), queryset=User.objects.none(), required=False)
    deputy = forms.ModelChoiceField(
        label=_("Stellvertretung"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args: Any, group: WorkingGroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("lead", "deputy"):
            self.fields[name].queryset = _members(group)  # type: ignore[attr-defined]


def taskforce_people() -> QuerySet[User]:
    return (
        User.objects.filter(
            is_active=True,
            memberships__is_active=True,
            memberships__role__in=(Role.WG_MEMBER, Role.WG_LEAD, Role.TASKFORCE_LEAD),
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=200, initial="Sitzung des Sonderstabs")
    starts_at = forms.DateTimeField(
        label=_("Beginn"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    duration_minutes = forms.IntegerField(
        label=_("Dauer (Minuten)"), min_value=15, max_value=600, initial=90
    )
    location = forms.CharField(label=_("Ort"), max_length=200, required=False)


class PlanForm(forms.Form):
    schedule = forms.ModelChoiceField(
        label=_("Sitzungsrhythmus"), queryset=MeetingSchedule.objects.filter(is_active=True)
    )
    weeks = forms.IntegerField(label=_("Wochen im Voraus"), min_value=1, max_value=26, initial=8)


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Tagesordnungspunkt"), max_length=250)
    reason = forms.CharField(label=_("Anlass"), max_length=500, required=False)


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=pgettext_lazy("Sitzung", "Protokoll"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    outcome = forms.CharField(
        label=_("Ergebnis / Festlegung"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ActionItemForm(forms.Form):
    title = forms.CharField(label=_("Arbeitsauftrag"), max_length=250)
    owner = forms.ModelChoiceField(label=_("zuständig"), queryset=User.objects.none())
    due_date = forms.DateField(label=_("fällig am"), widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = taskforce_people()  # type: ignore[attr-defined]


class AttendanceForm(forms.Form):
    """One choice per expected participant (members of the groups and the Sonderstab lead)."""

    def __init__(self, *args: Any, people: list[User], current: dict[int, str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.people = people
        for person in people:
            self.fields[f"person_{person.pk}"] = forms.ChoiceField(
                label=str(person),
                choices=[("", "–"), *AttendanceStatus.choices],
                required=False,
                initial=current.get(person.pk, ""),
            )

    def statuses(self) -> list[tuple[User, str]]:
        return [
            (p, self.cleaned_data[f"person_{p.pk}"])
            for p in self.people
            if self.cleaned_data.get(f"person_{p.pk}")
        ]


class AmendmentForm(forms.Form):
    agenda_item = forms.ModelChoiceField(
        label=_("zu Tagesordnungspunkt"), queryset=AgendaItem.objects.none(), required=False
    )
    text = forms.CharField(label=_("Nachtrag"), widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(label=_("Grund"), max_length=300)

    def __init__(self, *args: Any, meeting_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = AgendaItem.objects.filter(meeting_id=meeting_id)  # type: ignore[attr-defined]


class MayorReportRequestForm(forms.Form):
    CURRENT, LAST = "current", "last"
    period = forms.ChoiceField(
        label=_("Zeitraum"), choices=MayorReportPeriod.choices, initial=MayorReportPeriod.WEEK
    )
    which = forms.ChoiceField(
        label=_("Welcher"),
        choices=[
            (CURRENT, _("laufender Zeitraum bis heute")),
            (LAST, _("letzter abgeschlossener Zeitraum")),
        ],
        initial=CURRENT,
    )
