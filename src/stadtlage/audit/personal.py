"""Marks for fields that hold personal data (DOMAIN.md §4).

A model lists its personal-data fields in a class attribute, next to the fields themselves::

    PERSONAL_DATA: ClassVar[PersonalFields] = {
        "reporter_email": personal(C.CONTACT, S.REPORTER),
    }

The processing register (`stadtlage.privacy`) reads these marks to name the categories of data
and of data subjects of each processing activity, and a test fails when a marked field has no
retention rule (`audit.retention`) or no entry in the register. References to a staff account
(foreign keys to the user model) are staff identities by definition and need no mark: the
account itself is marked and has its own rule.

No Django models here, so that every app's ``models.py`` can import it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataCategory(models.TextChoices):
    CONTACT = "contact", _("Kontaktdaten (E-Mail-Adresse)")
    FREE_TEXT = "free_text", _("Freitext, der Angaben zu Personen enthalten kann")
    PLACE_AND_TIME = "place_and_time", _("Ort und Zeit, an dem Personen angetroffen wurden")
    CASE_REFERENCE = "case_reference", _("Aktenzeichen eines Bußgeldverfahrens")
    PHOTO = "photo", _("Foto eines Ortes (Personen können zufällig erkennbar sein)")
    STAFF_IDENTITY = "staff_identity", _("Name und Kennung von Beschäftigten")
    STAFF_LOCATION = "staff_location", _("Standort von Beschäftigten")
    ONLINE_IDENTIFIER = "online_identifier", _("IP-Adresse und Anmeldename")
    CREDENTIALS = "credentials", _("Anmeldedaten (Passwort-Hash, zweiter Faktor)")
    RECORD_COPY = "record_copy", _("Kopie geänderter Datensätze im Protokoll")


class DataSubject(models.TextChoices):
    REPORTER = "reporter", _("Meldende Bürgerinnen und Bürger")
    PERSON_CONCERNED = "concerned", _("Im öffentlichen Raum angetroffene Personen")
    THIRD_PARTY = "third_party", _("Dritte, die in Freitexten oder auf Fotos vorkommen")
    STAFF = "staff", _("Beschäftigte von Stadt, Polizei und Partnern")
    APP_CONTACT = "app_contact", _("Ansprechpersonen angebundener Anwendungen")


@dataclass(frozen=True)
class Personal:
    category: str
    subjects: tuple[str, ...]


PersonalFields = dict[str, Personal]


def personal(category: str, *subjects: str) -> Personal:
    if category not in DataCategory.values or not subjects:
        raise ValueError(f"personal data needs a known category and subjects: {category!r}")
    unknown = [s for s in subjects if s not in DataSubject.values]
    if unknown:
        raise ValueError(f"unknown data subjects {unknown!r}")
    return Personal(category, tuple(subjects))


def personal_fields(model: Any) -> PersonalFields:
    """The marks a model declares (empty for models without personal data)."""
    marks: PersonalFields = getattr(model, "PERSONAL_DATA", {}) or {}
    return marks


def field_label(model: Any, name: str) -> str:
    """``app_label.ModelName.field`` — how retention rules and the register name a field."""
    return f"{model._meta.label}.{name}"
