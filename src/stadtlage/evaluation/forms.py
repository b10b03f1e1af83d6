"""Forms of the evaluation pages: they parse input; the rules live in ``design.validate``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from stadtlage.evaluation import design as D
from stadtlage.formfields import ModelMultipleChoiceField
from stadtlage.kpi.models import Indicator
from stadtlage.places.geo import GeometryError
from stadtlage.places.models import Area
from stadtlage.taskforce.models import ImplementationMeasure, Recommendation


class AreaChoice(ModelMultipleChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            queryset=Area.objects.filter(is_active=True).order_by("kind", "name"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            **kwargs,
        )


class OutcomeChoice(ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        version = obj.current_version
        if version is not None and version.enforcement_driven:
            return str(_("%(name)s (Kontrolldelikt)") % {"name": version.name})
        return str(obj)


class EvaluationCreateForm(forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=200)
    recommendation = forms.ModelChoiceField(
        label=_("Empfehlung"),
        queryset=Recommendation.objects.exclude(state="draft").order_by("title"),
        required=False,
    )
    measure = forms.ModelChoiceField(
        label=_("Maßnahme"),
        queryset=ImplementationMeasure.objects.select_related("recommendation").order_by(
            "recommendation__title", "order"
        ),
        required=False,
        help_text=_("Der Beginn wird aus ihrem ersten erreichten Meilenstein vorgeschlagen."),
    )


class DesignForm(forms.Form):
    target_areas = AreaChoice(label=_("Zielgebiet: Gebiete"))
    target_polygon = forms.CharField(
        label=_("Zielgebiet: gezeichnetes Polygon (GeoJSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "data-geometry-input": "true"}),
        help_text=_(
            "Auf der Karte zeichnen oder GeoJSON einfügen; zusammen mit gewählten Gebieten."
        ),
    )
    buffer_m = forms.IntegerField(
        label=_("Umgebung: Ring um das Zielgebiet (Meter)"),
        min_value=D.BUFFER_RANGE[0],
        max_value=D.BUFFER_RANGE[1],
        initial=200,
    )
    displacement_areas = AreaChoice(
        label=_("Umgebung: zusätzliche Gebiete, in die sich das Problem verlagern könnte")
    )
    control_areas = AreaChoice(
        label=_("Kontrollgebiet: Gebiete"),
        help_text=_(
            "Ähnliches Niveau und ähnlicher Verlauf, ohne Berührung mit Ziel und Umgebung."
        ),
    )
    control_polygon = forms.CharField(
        label=_("Kontrollgebiet: Polygon (GeoJSON, optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    displacement_control_areas = AreaChoice(
        label=_("Kontrollgebiet der Umgebung (optional, für den WDD-Test)")
    )
    outcomes = OutcomeChoice(
        label=_("Zielgrößen (Kennzahlen)"),
        queryset=Indicator.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Bevorzugt Kennzahlen der Nachfrageseite (Bürgermeldungen, Funde). Ein Kontrolldelikt "
            "nur zusammen mit seiner Vergleichskennzahl."
        ),
    )
    start_date = forms.DateField(
        label=_("Beginn der Maßnahme"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    pre_weeks = forms.IntegerField(
        label=_("Vorzeitraum (Wochen)"), min_value=D.WEEKS_RANGE[0], max_value=D.WEEKS_RANGE[1]
    )
    post_weeks = forms.IntegerField(
        label=_("Nachzeitraum (Wochen)"), min_value=D.WEEKS_RANGE[0], max_value=D.WEEKS_RANGE[1]
    )
    expected_reduction_pct = forms.IntegerField(
        label=_("Erwarteter Rückgang (%)"),
        min_value=D.EXPECTED_RANGE[0],
        max_value=D.EXPECTED_RANGE[1],
        help_text=_("Damit wird geprüft, ob die Fallzahlen reichen, eine Wirkung zu erkennen."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        codes = [i.code for i in D.eligible_indicators()]
        self.fields["outcomes"].queryset = Indicator.objects.filter(code__in=codes).select_related(  # type: ignore[attr-defined]
            "current_version"
        )

    @staticmethod
    def initial_of(data: D.DesignInput) -> dict[str, Any]:
        return {
            "target_areas": data.target_areas,
            "target_polygon": _json(data.target_polygon),
            "buffer_m": data.buffer_m,
            "displacement_areas": data.displacement_areas,
            "control_areas": data.control_areas,
            "control_polygon": _json(data.control_polygon),
            "displacement_control_areas": data.displacement_control_areas,
            "outcomes": data.outcomes,
            "start_date": data.start_date,
            "pre_weeks": data.pre_weeks,
            "post_weeks": data.post_weeks,
            "expected_reduction_pct": data.expected_reduction_pct,
        }

    def _polygon(self, name: str) -> dict[str, Any] | None:
        try:
            return D.parse_polygon(self.cleaned_data.get(name) or "")
        except GeometryError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_target_polygon(self) -> dict[str, Any] | None:
        return self._polygon("target_polygon")

    def clean_control_polygon(self) -> dict[str, Any] | None:
        return self._polygon("control_polygon")

    def design_input(self) -> D.DesignInput:
        d = self.cleaned_data
        return D.DesignInput(
            target_areas=list(d["target_areas"]),
            target_polygon=d["target_polygon"],
            buffer_m=d["buffer_m"],
            displacement_areas=list(d["displacement_areas"]),
            control_areas=list(d["control_areas"]),
            control_polygon=d["control_polygon"],
            displacement_control_areas=list(d["displacement_control_areas"]),
            outcomes=list(d["outcomes"]),
            start_date=d["start_date"],
            pre_weeks=d["pre_weeks"],
            post_weeks=d["post_weeks"],
            expected_reduction_pct=d["expected_reduction_pct"],
        )


def _json(value: dict[str, Any] | None) -> str:
    import json

    return json.dumps(value) if value else ""


class FreezeForm(forms.Form):
    retrospective_reason = forms.CharField(
        label=_("Begründung, falls der Nachzeitraum schon begonnen hat"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Begründung"), widget=forms.Textarea(attrs={"rows": 3}))
