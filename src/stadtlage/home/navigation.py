"""The main navigation, filtered by the same predicates that guard the pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from stadtlage.accounts.permissions import Section, can_access_section, is_staff_user


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str
    section: str | None  # None: every signed-in staff member


NAVIGATION: tuple[NavEntry, ...] = (
    NavEntry(_("Start"), "home:start", None),
    NavEntry(_("Streife"), "patrols:field_app", Section.FIELD),
    NavEntry(_("Meldungen"), "reports:queue", Section.QUEUE),
    NavEntry(_("Reinigung"), "cleaning:queue", Section.CLEANING),
    NavEntry(_("Schicht"), "patrols:shift_overview", Section.SHIFT),
    NavEntry(_("Streifenpläne"), "hotspots:plan_list", Section.SHIFT),
    NavEntry(_("Geräte"), "accounts:team_devices", Section.SHIFT),
    NavEntry(_("Kennzahlen"), "kpi:lagebild", Section.FIGURES),
    NavEntry(_("Evaluationen"), "evaluation:list", Section.FIGURES),
    NavEntry(_("Brennpunkte"), "hotspots:map", Section.FIGURES),
    NavEntry(_("Partner-Kennzahlen"), "kpi:partner_list", Section.PARTNER_FIGURES),
    NavEntry(_("Sonderstab"), "taskforce:index", Section.TASKFORCE),
    NavEntry(_("Berichte an den OB"), "taskforce:mayor_report_list", Section.OB_REPORTS),
    NavEntry(_("Karte"), "places:map", Section.MAP),
    NavEntry(_("Gebiete"), "places:area_list", Section.AREAS_EDIT),
    NavEntry(_("Protokoll"), "audit:list", Section.AUDIT),
    NavEntry(_("Datenschutz"), "privacy:register", Section.PRIVACY),
)


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str
    current: bool


def navigation_for(user: Any, path: str) -> list[NavItem]:
    """Entries the user may open; the one whose URL is the longest prefix of `path` is current."""
    if not is_staff_user(user):
        return []
    urls = [
        (entry.label, reverse(entry.url_name))
        for entry in NAVIGATION
        if entry.section is None or can_access_section(user, entry.section)
    ]
    matching = [url for _, url in urls if path == url or (url != "/" and path.startswith(url))]
    current = max(matching, key=len, default=None)
    return [NavItem(label=label, url=url, current=url == current) for label, url in urls]
