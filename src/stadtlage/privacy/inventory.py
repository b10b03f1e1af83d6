"""Which fields hold personal data, and whether each has a retention rule and a register entry.

The marks live in the models (``PERSONAL_DATA``, `stadtlage.audit.personal`); this module
collects them, knows the fields that were checked and hold no personal data, and lists what
is missing (``completeness_problems``; a test keeps it empty):

- every marked field is deleted or blanked by a retention rule, and that rule belongs to a
  processing activity of the register;
- every field a rule names exists and is marked;
- every field that could hold personal data by its type (e-mail, IP address, free text,
  JSON, files, long text without choices) is marked or was checked (``REVIEWED``);
- foreign keys to a staff account are staff identities by definition: the account itself is
  marked and anonymised by its rule (``staff_account``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from stadtlage.audit.personal import (
    DataCategory,
    DataSubject,
    Personal,
    personal,
    personal_fields,
)
from stadtlage.audit.retention import rules
from stadtlage.privacy.activities import ACTIVITIES

# Fields of third-party models that retention rules remove (not ours to mark in the model).
EXTERNAL_MARKS: dict[str, Personal] = {
    f"axes.{model}.{name}": personal(DataCategory.ONLINE_IDENTIFIER, DataSubject.STAFF)
    for model in ("AccessAttempt", "AccessLog", "AccessFailureLog")
    for name in ("username", "ip_address")
}

_CATALOGUE = "Katalog oder Stammdaten, von der Verwaltung gepflegt; keine Angaben zu Personen"
_TASKFORCE = (
    "Schriftgut des Sonderstabs über Maßnahmen, Orte und Kennzahlen; Beschäftigte nur in "
    "dienstlicher Funktion (Verweis auf ihr Konto, Teilnahme); aufbewahrt nach der "
    "Aktenordnung, nicht automatisch gelöscht"
)
_DEFINITION = "Definition oder Ziel einer Kennzahl; keine Angaben zu Personen"
_EVALUATION = "Auswertung einer Maßnahme: Gebiete, Zeiträume und Aggregate"

# Fields that could hold personal data by their type, checked: they do not.
# ``app_label.Model.*`` covers every unmarked field of one model.
REVIEWED: dict[str, str] = {
    "accounts.IdentityProvider.*": "Einstellungen eines Anmeldedienstes (OpenID Connect)",
    "organisations.Organisation.*": _CATALOGUE,
    "places.Area.*": "Gebiete (Stammdaten)",
    "places.AddressPoint.*": "amtliches Adressverzeichnis: Hauskoordinaten, keine Bewohner",
    "patrols.ObservationCategory.*": _CATALOGUE,
    "patrols.MeasureType.*": _CATALOGUE,
    "patrols.Observation.place_name": "Name eines Ortes aus dem Katalog (kein Freitext)",
    "reports.ServiceCategory.*": _CATALOGUE,
    "reports.ServiceAttribute.*": _CATALOGUE,
    "reports.ReportUpdate.public_note": (
        "öffentliche Antwort der Verwaltung, von Beschäftigten für die Öffentlichkeit geschrieben"
    ),
    "open311.ClientApplication.*": "Name und Beschreibung einer angebundenen Anwendung",
    "kpi.PartnerSeries.*": _DEFINITION,
    "kpi.Indicator.*": _DEFINITION,
    "kpi.IndicatorVersion.*": _DEFINITION,
    "kpi.Goal.*": _DEFINITION,
    "kpi.GoalMilestone.*": _DEFINITION,
    "kpi.IndicatorSeries.*": "berechnete Zeitreihe: Aggregate je Zeitraum",
    "kpi.PartnerValue.source_system": "Name des Quellsystems; geprüft (privacy.screening)",
    "kpi.PartnerApiToken.*": "Bezeichnung eines Schnittstellenschlüssels (nur Hash gespeichert)",
    "organisations.WorkingGroup.*": _TASKFORCE,
    "taskforce.MeetingSchedule.*": _TASKFORCE,
    "taskforce.Meeting.*": _TASKFORCE,
    "taskforce.AgendaItem.*": _TASKFORCE,
    "taskforce.ActionItem.*": _TASKFORCE,
    "taskforce.MinutesAmendment.*": _TASKFORCE,
    "taskforce.Recommendation.*": _TASKFORCE,
    "taskforce.RecommendationIndicator.*": _TASKFORCE,
    "taskforce.ImplementationMeasure.*": _TASKFORCE,
    "taskforce.RecommendationMilestone.*": _TASKFORCE,
    "taskforce.BoardDecision.*": _TASKFORCE,
    "taskforce.RecommendationEvent.*": _TASKFORCE,
    "taskforce.MayorReport.*": "Bericht an den Oberbürgermeister: Aggregate und Beschlüsse",
    "evaluation.Evaluation.*": _EVALUATION,
    "evaluation.EvaluationDesign.*": _EVALUATION,
    "evaluation.EvaluationResult.*": _EVALUATION,
    "operations.JobState.*": "Zustand geplanter Aufgaben: Zeiten, Ergebnis, Programmfehler",
    "operations.WorkerHeartbeat.*": "Lebenszeichen der Hintergrundprozesse (Rechnername)",
    "hotspots.PatrolPlan.*": "Streifenplan: Orte und Zeiten der Streifen, Aggregate",
    "hotspots.PlanHotspot.*": "Brennpunkt eines Streifenplans (Ort, Aggregate)",
}

LONG_TEXT = 100  # characters: room for a sentence about someone

_PERSONAL_TYPES = (
    models.EmailField,
    models.GenericIPAddressField,
    models.TextField,
    models.JSONField,
    models.FileField,
    models.BinaryField,
)


@dataclass(frozen=True)
class MarkedField:
    label: str  # app_label.Model.field
    model: Any
    name: str
    mark: Personal


def project_models() -> list[Any]:
    return [m for m in apps.get_models() if m.__module__.startswith("stadtlage.")]


def marked_fields() -> Iterator[MarkedField]:
    for model in project_models():
        for name, mark in personal_fields(model).items():
            yield MarkedField(f"{model._meta.label}.{name}", model, name, mark)


def mark_of(label: str) -> Personal | None:
    """The mark of a field named ``app_label.Model.field`` (or of a known third-party field)."""
    if label in EXTERNAL_MARKS:
        return EXTERNAL_MARKS[label]
    app_model, _sep, name = label.rpartition(".")
    try:
        model = apps.get_model(app_model)
    except (LookupError, ValueError):
        return None
    return personal_fields(model).get(name)


def _field_exists(label: str) -> bool:
    app_model, _sep, name = label.rpartition(".")
    try:
        model = apps.get_model(app_model)
        model._meta.get_field(name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return False
    return True


def could_be_personal(field: Any) -> bool:
    """By its type: a field people could write or store personal data in."""
    if not getattr(field, "concrete", False) or field.is_relation:
        return False
    if isinstance(field, _PERSONAL_TYPES):
        return True
    return (
        isinstance(field, models.CharField)
        and not field.choices
        and (field.max_length or 0) >= LONG_TEXT
    )


def reviewed_reason(label: str) -> str:
    app_model = label.rpartition(".")[0]
    return REVIEWED.get(label) or REVIEWED.get(f"{app_model}.*", "")


def is_staff_reference(field: Any) -> bool:
    """A foreign key or many-to-many field of the model itself that names staff accounts."""
    own = getattr(field, "concrete", False) or (field.many_to_many and not field.auto_created)
    return bool(
        field.is_relation
        and own
        and field.related_model is apps.get_model(settings.AUTH_USER_MODEL)
    )


def completeness_problems() -> list[str]:
    """Everything that keeps the register and the retention rules from being complete."""
    problems: list[str] = []
    covered: dict[str, list[str]] = {}
    for rule in rules():
        for label in rule.covers:
            covered.setdefault(label, []).append(rule.data_class)
            if label not in EXTERNAL_MARKS and not _field_exists(label):
                problems.append(f"{rule.data_class}: Feld {label} gibt es nicht")
            elif mark_of(label) is None:
                problems.append(
                    f"{rule.data_class}: Feld {label} ist nicht als personenbezogen markiert"
                )
    in_register = {cls for activity in ACTIVITIES for cls in activity.data_classes}
    registered = {rule.data_class for rule in rules()}
    for data_class in sorted(registered - in_register):
        problems.append(f"Datenklasse {data_class} steht in keiner Verarbeitungstätigkeit")
    for data_class in sorted(in_register - registered):
        problems.append(f"Verarbeitungstätigkeit nennt unbekannte Datenklasse {data_class}")
    listed = [cls for activity in ACTIVITIES for cls in activity.data_classes]
    for data_class in sorted({c for c in listed if listed.count(c) > 1}):
        problems.append(f"Datenklasse {data_class} steht in mehreren Verarbeitungstätigkeiten")
    for field in marked_fields():
        if not _field_exists(field.label):
            problems.append(f"markiertes Feld {field.label} gibt es nicht")
        elif field.label not in covered:
            problems.append(f"{field.label}: keine Aufbewahrungsregel (Löschfrist)")
        elif not set(covered[field.label]) & in_register:
            problems.append(f"{field.label}: kein Eintrag im Verzeichnis")
    for model in project_models():
        marks = personal_fields(model)
        for f in model._meta.get_fields():
            label = f"{model._meta.label}.{f.name}"
            if could_be_personal(f) and f.name not in marks and not reviewed_reason(label):
                problems.append(f"{label}: weder als personenbezogen markiert noch geprüft")
    for key in REVIEWED:
        app_model, _sep, name = key.rpartition(".")
        try:
            model = apps.get_model(app_model)
            if name != "*":
                model._meta.get_field(name)
        except (LookupError, ValueError, FieldDoesNotExist):
            problems.append(f"geprüfter Eintrag {key} gibt es nicht mehr")
    return problems
