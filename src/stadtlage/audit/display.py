"""The audit trail in plain German: kinds of records, field labels, differences and links.

An ``AuditEvent`` stores the record's model label (``taskforce.recommendation``) and JSON copies
of the record before and after. This module turns a page of events into what a person reads:
„Empfehlung „Ruheplätze“ (Nr. 8)“, one line per changed field with the field's label and the
values as the interface shows them (choices by their label, dates and numbers in German format,
linked records by name), and a link to the record where the viewer may open it.

Links come from the apps (``register_link`` in their ``access.py``) or, for a model in the
administration, from its change page when the viewer may see it there. Everything is resolved per
page with one query per kind of record, so the trail's query count does not grow with its length.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.apps import apps
from django.contrib import admin
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stadtlage.accounts.permissions import Section, can_access_section
from stadtlage.audit.models import Action, AuditEvent

# Record kinds that are no model: lists, pages and jobs whose reads or runs are logged.
LIST_NAMES: dict[str, Any] = {
    "reports.queue": gettext_lazy("Arbeitsliste der Meldungen"),
    "home.start": gettext_lazy("Startseite"),
    "taskforce.overview": gettext_lazy("Übersicht des Sonderstabs"),
    "taskforce.board": gettext_lazy("Vorlagen des Verwaltungsvorstands"),
    "taskforce.results": gettext_lazy("Ergebnisse des Sonderstabs"),
    "taskforce.calendar": gettext_lazy("Sitzungskalender"),
    "kpi.reclassifications": gettext_lazy("Umbuchungen von Kennzahlen"),
    "privacy.register": gettext_lazy("Verzeichnis der Verarbeitungstätigkeiten"),
    "hotspots.map": gettext_lazy("Karte der Brennpunkte"),
    "retention": gettext_lazy("Aufbewahrungsfristen"),
    "demo.baseline": gettext_lazy("Stammdaten der Demo-Stadt"),
    "demo.scenario": gettext_lazy("Demo-Szenario"),
}
PANEL_PREFIX = "home.panel."
ADMIN_PREFIX = "admin."

# Keys of before/after copies that are no model field (written by services for context).
KEY_LABELS: dict[str, Any] = {
    "counts": gettext_lazy("Anzahl je Datenklasse"),
    "kept_by_guards": gettext_lazy("zurückgehalten"),
    "bytes": gettext_lazy("Größe (Bytes)"),
    "width": gettext_lazy("Breite"),
    "height": gettext_lazy("Höhe"),
    "design": gettext_lazy("Design"),
    "verdict": gettext_lazy("Ergebnis"),
    "version": gettext_lazy("Version"),
    "sha256": gettext_lazy("Prüfsumme"),
    "snapshot_sha256": gettext_lazy("Prüfsumme des Inhalts"),
    "pdf_sha256": gettext_lazy("Prüfsumme des PDF"),
    "reason": gettext_lazy("Begründung"),
    "agenda_items": gettext_lazy("Tagesordnungspunkte"),
    "order": gettext_lazy("Reihenfolge"),
    "period": gettext_lazy("Zeitraum"),
    "start": gettext_lazy("Beginn"),
    "end": gettext_lazy("Ende"),
    "trigger": gettext_lazy("Anlass"),
    "source": gettext_lazy("Quelle"),
    "label": gettext_lazy("Bezeichnung"),
    "prefix": gettext_lazy("Präfix"),
    "user": gettext_lazy("Person"),
    "report": gettext_lazy("Meldung"),
    "observation": gettext_lazy("Beobachtung"),
    "state": gettext_lazy("Status"),
    "status": gettext_lazy("Status"),
    "note": gettext_lazy("Bemerkung"),
    "code": gettext_lazy("Kürzel"),
}
# Fields that say nothing to a reader of the trail.
HIDDEN_KEYS = frozenset({"id"})
MAX_TEXT = 300
VIEW_NAME = re.compile(r"^[a-z0-9_]+:[\w*-]+$")


# --- links ------------------------------------------------------------------------------------

Visible = Callable[[Any, list[str]], set[str]]


@dataclass(frozen=True)
class LinkRule:
    url_name: str
    visible: Visible  # (viewer, object ids) -> the ids the viewer may open


_LINKS: dict[str, LinkRule] = {}


def register_link(object_type: str, url_name: str, visible: Visible) -> None:
    """Link events of ``object_type`` to ``url_name`` (one argument: the id) where visible."""
    _LINKS[object_type] = LinkRule(url_name, visible)


# --- labels -----------------------------------------------------------------------------------


def model_of(object_type: str) -> type[models.Model] | None:
    app_label, _sep, model_name = object_type.partition(".")
    if not model_name or "." in model_name:
        return None
    try:
        return apps.get_model(app_label, model_name)
    except (LookupError, ValueError):
        return None


def kind_label(object_type: str) -> str:
    """What kind of record an event is about, in words („Empfehlung“, „Arbeitsliste …“)."""
    model = model_of(object_type)
    if model is not None:
        return str(capfirst(model._meta.verbose_name))
    if object_type in LIST_NAMES:
        return str(LIST_NAMES[object_type])
    if object_type.startswith(PANEL_PREFIX):
        return _("Startseite (Kachel)")
    if object_type.startswith(ADMIN_PREFIX):
        return _("Verwaltung")
    app_label = object_type.partition(".")[0]
    try:
        return str(apps.get_app_config(app_label).verbose_name)
    except LookupError:
        return _("sonstiger Eintrag")


def kind_choices(object_types: Iterable[str]) -> list[tuple[str, str]]:
    """Filter choices: one per kind of record in the trail, by label."""
    return sorted(((t, kind_label(t)) for t in set(object_types)), key=lambda c: (c[1], c[0]))


def _field(model: type[models.Model] | None, key: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    for f in model._meta.concrete_fields:
        if key in (f.name, f.attname):
            return f
    return None


def field_label(model: type[models.Model] | None, key: str) -> str:
    f = _field(model, key)
    if f is not None:
        return str(capfirst(f.verbose_name))
    if key in KEY_LABELS:
        return str(capfirst(KEY_LABELS[key]))
    return str(capfirst(key.replace("_", " ")))


def domain_label(code: str) -> str:
    """The data domain by name („Polizei“); „–“ for none."""
    from stadtlage.organisations.models import DataDomain

    if not code:
        return "–"
    return str(DataDomain(code).label) if code in DataDomain.values else code


def readable_note(note: str) -> str:
    """The note of an event, without the internal page names that access events carry."""
    return "" if VIEW_NAME.match(note or "") else note


# --- values -----------------------------------------------------------------------------------


def _number(value: float | int) -> str:
    return formats.number_format(value, use_l10n=True, force_grouping=abs(value) >= 10000)


def plain(value: Any) -> str:
    """A JSON value in German words and formats, without Python or JSON syntax."""
    if value is None or value == "" or value == [] or value == {}:
        return "–"
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    if isinstance(value, int | float):
        return _number(value)
    if isinstance(value, list):
        return ", ".join(plain(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(
            f"{capfirst(str(k).replace('_', ' '))}: {plain(v)}" for k, v in value.items()
        )
    text = str(value)
    moment = parse_datetime(text) if "T" in text or " " in text else None
    if moment is not None and len(text) >= 16:
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return formats.date_format(moment, "d.m.Y H:i")
    day = parse_date(text) if len(text) == 10 else None
    if day is not None:
        return formats.date_format(day, "d.m.Y")
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class EventView:
    """One line of the trail as a person reads it."""

    event: AuditEvent
    kind: str
    record: str
    changes: list[Change] = field(default_factory=list)
    url: str = ""
    note: str = ""
    history_url: str = ""  # every read and change of this record (privacy pages)

    @property
    def person(self) -> str:
        actor = self.event.actor
        if actor is not None:
            name = actor.get_full_name()
            if name:
                return f"{name} ({actor.get_username()})"
        return self.event.actor_name or _("System")


def _record(event: AuditEvent, kind: str) -> str:
    number = event.object_id
    if event.object_repr and number:
        return _("„%(name)s“ (Nr. %(number)s)") % {"name": event.object_repr, "number": number}
    if event.object_repr:
        return f"„{event.object_repr}“"
    if number and model_of(event.object_type) is not None:
        return _("Nr. %(number)s") % {"number": number}
    return ""


class _Names:
    """Names of linked records (foreign keys in the copies), fetched once per model and page."""

    def __init__(self) -> None:
        self.wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
        self.names: dict[tuple[type[models.Model], str], str] = {}

    def want(self, f: models.Field[Any, Any] | None, value: Any) -> None:
        if f is not None and f.is_relation and f.many_to_one and value not in (None, ""):
            self.wanted[f.related_model].add(value)  # type: ignore[index]

    def fetch(self) -> None:
        for model, ids in self.wanted.items():
            for obj in model._default_manager.filter(pk__in=list(ids)):
                self.names[(model, str(obj.pk))] = str(obj)

    def display(self, f: models.Field[Any, Any] | None, value: Any) -> str:
        if value in (None, "", [], {}):
            return "–"
        if f is None:
            return plain(value)
        if f.is_relation and f.many_to_one:
            model = f.related_model
            name = self.names.get((model, str(value)))  # type: ignore[arg-type]
            return name or _("Nr. %(number)s") % {"number": value}
        if f.choices:
            choices = {str(k): v for k, v in f.flatchoices}
            if str(value) in choices:
                return str(choices[str(value)])
        return plain(value)


def _pairs(event: AuditEvent) -> list[tuple[str, Any, Any]]:
    """(key, before, after) of the fields that differ; a creation lists what it set."""
    before, after = event.before, event.after
    if not isinstance(before, dict) and not isinstance(after, dict):
        if before in (None, "") and after in (None, ""):
            return []
        return [("", before, after)]
    b = before if isinstance(before, dict) else {}
    a = after if isinstance(after, dict) else {}
    keys = list(b) + [k for k in a if k not in b]
    pairs = []
    for key in keys:
        if key in HIDDEN_KEYS:
            continue
        old, new = b.get(key), a.get(key)
        if old == new:
            continue
        if old in (None, "", [], {}) and new in (None, "", [], {}):
            continue
        pairs.append((key, old, new))
    return pairs


def _may_open_in_admin(viewer: Any, model: type[models.Model]) -> bool:
    if not getattr(viewer, "is_staff", False) or not admin.site.is_registered(model):
        return False
    meta = model._meta
    return bool(
        viewer.has_perm(f"{meta.app_label}.view_{meta.model_name}")
        or viewer.has_perm(f"{meta.app_label}.change_{meta.model_name}")
    )


def _links(events: list[AuditEvent], viewer: Any) -> dict[tuple[str, str], str]:
    """URLs of the records the viewer may open; records that no longer exist get none."""
    ids: dict[str, set[str]] = defaultdict(set)
    for e in events:
        if e.object_id and e.action != Action.DELETE and model_of(e.object_type) is not None:
            ids[e.object_type].add(e.object_id)
    urls: dict[tuple[str, str], str] = {}
    for object_type, wanted in ids.items():
        model = model_of(object_type)
        assert model is not None
        rule = _LINKS.get(object_type)
        numeric = isinstance(model._meta.pk, models.AutoField | models.BigAutoField)
        keys = [k for k in wanted if k.isdigit()] if numeric else list(wanted)
        if not keys:
            continue
        if rule is not None:
            for pk in rule.visible(viewer, keys):
                urls[(object_type, str(pk))] = reverse(rule.url_name, args=[pk])
            continue
        if not _may_open_in_admin(viewer, model):
            continue
        existing = model._default_manager.filter(pk__in=keys).values_list("pk", flat=True)
        meta = model._meta
        for pk in existing:
            try:
                urls[(object_type, str(pk))] = reverse(
                    f"admin:{meta.app_label}_{meta.model_name}_change", args=[pk]
                )
            except NoReverseMatch:
                break
    return urls


def _history_url(event: AuditEvent) -> str:
    if not event.object_id or model_of(event.object_type) is None:
        return ""
    query = urlencode({"object_type": event.object_type, "object_id": event.object_id})
    return f"{reverse('privacy:record_history')}?{query}"


def present(events: Iterable[AuditEvent], viewer: Any) -> list[EventView]:
    """A page of the trail, ready for the template."""
    events = list(events)
    names = _Names()
    raw: list[list[tuple[models.Field[Any, Any] | None, str, Any, Any]]] = []
    for e in events:
        model = model_of(e.object_type)
        rows = []
        for key, old, new in _pairs(e):
            f = _field(model, key)
            names.want(f, old)
            names.want(f, new)
            rows.append((f, field_label(model, key) if key else _("Inhalt"), old, new))
        raw.append(rows)
    names.fetch()
    urls = _links(events, viewer)
    history = can_access_section(viewer, Section.PRIVACY)
    views = []
    for e, rows in zip(events, raw, strict=True):
        kind = kind_label(e.object_type)
        views.append(
            EventView(
                event=e,
                kind=kind,
                record=_record(e, kind),
                changes=[
                    Change(label, names.display(f, old), names.display(f, new))
                    for f, label, old, new in rows
                ],
                url=urls.get((e.object_type, e.object_id), ""),
                note=readable_note(e.note),
                history_url=_history_url(e) if history else "",
            )
        )
    return views
