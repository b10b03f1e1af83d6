"""Template filters for pages that list audit events (the record history of the privacy pages)."""

from __future__ import annotations

from django import template

from stadtlage.audit import display

register = template.Library()


@register.filter
def domain_label(code: str) -> str:
    return display.domain_label(code)


@register.filter
def readable_note(note: str) -> str:
    return display.readable_note(note)
