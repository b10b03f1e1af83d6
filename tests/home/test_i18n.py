"""The English interface: pages in English, the catalogue complete and compiled, the report German.

German is the source language (msgids are German); ``locale/en`` translates them. The report to
the Oberbürgermeister stays German in every interface language (it is frozen and set as PDF).
"""

from __future__ import annotations

import ast
import gettext
import re
import shutil
import subprocess
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation

from stadtlage.accounts.models import Role
from stadtlage.taskforce import progress, services
from stadtlage.taskforce.models import MayorReport, MayorReportStatus, RecommendationState
from tests.factories import WorkingGroupFactory, user_with_role
from tests.taskforce.conftest import make_indicator, make_person, make_recommendation

S = RecommendationState
pytestmark = pytest.mark.django_db
CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
PO, MO = CATALOGUE / "django.po", CATALOGUE / "django.mo"


@pytest.fixture
def english(client: Client) -> Client:
    """The test client with English chosen in the language switch."""
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    return client


def page(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    body = response.content.decode()
    assert '<html lang="en">' in body
    return body


def assert_english(body: str, present: tuple[str, ...], absent: tuple[str, ...]) -> None:
    for text in present:
        assert text in body, f"missing English text {text!r}"
    for text in absent:
        assert text not in body, f"untranslated German text {text!r}"


# --- Pages --------------------------------------------------------------------------------------


def test_switching_the_language_follows_to_an_english_start_page(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    body = response.content.decode()
    assert_english(
        body,
        ("Sign in", "Public order and city life in Dortmund", "Public-order partnership"),
        ("Anmelden", "Ordnung und Stadtleben in der Dortmunder City", "Ordnungspartnerschaft"),
    )


def test_login_page_in_english(english: Client) -> None:
    body = page(english, "/konto/anmelden/")
    assert_english(body, ("<h1>Sign in</h1>", "Skip to content"), (">Anmelden<", "Zum Inhalt"))


def test_not_found_page_in_english(english: Client) -> None:
    body = page(english, "/gibt-es-nicht/", status=404)
    assert_english(body, ("Page not found", "Go to the home page"), ("Seite nicht gefunden",))


def test_map_in_english(english: Client) -> None:
    english.force_login(user_with_role(Role.ANALYST))
    body = page(english, "/orte/karte/")
    assert_english(
        body, ("Map of areas", "Main navigation", "Sign out"), ("Karte der Gebiete", "Abmelden")
    )


def test_lagebild_in_english(english: Client) -> None:
    make_indicator()
    english.force_login(user_with_role(Role.ANALYST))
    body = page(english, "/kennzahlen/")
    assert_english(
        body,
        ("<h1>Situation overview</h1>", "Every key figure shows an SPC chart", "Counting rule"),
        ("<h1>Lagebild</h1>", "Jede Kennzahl zeigt", "Zählregel"),
    )


@pytest.fixture
def taskforce() -> dict[str, Any]:
    group = WorkingGroupFactory(slug="belaestigungen-bekaempfen", name="Belästigungen bekämpfen")
    lead = make_person("stab", Role.TASKFORCE_LEAD, Role.BOARD_MEMBER)
    tracked = make_recommendation(group, state=S.IN_IMPLEMENTATION, title="Präsenzkonzept")
    draft = make_recommendation(group, state=S.DISCUSSED, complete=False, title="Ruheplätze")
    return {"group": group, "lead": lead, "tracked": tracked, "draft": draft}


def test_taskforce_pages_in_english(english: Client, taskforce: dict[str, Any]) -> None:
    english.force_login(taskforce["lead"])
    body = page(english, "/sonderstab/")
    assert_english(
        body,
        ("Taskforce on Public Order and City Life", "Next meeting", "Working groups", "Overview"),
        ("Nächste Sitzung", ">Arbeitsgruppen<", ">Übersicht<", "Keine Sitzung geplant."),
    )
    body = page(english, "/sonderstab/empfehlungen/")
    assert_english(
        body,
        ("Recommendations to the Executive Board", "being implemented"),
        ("Empfehlungen an den Verwaltungsvorstand", ">in Umsetzung<"),
    )
    body = page(english, f"/sonderstab/empfehlungen/{taskforce['tracked'].pk}/")
    assert_english(
        body,
        ("Key figures and targets", "0 of 1 milestone reached", "Implementation:", "planned"),
        ("Kennzahlen und Ziele", "Meilensteinen erreicht", "Umsetzung:", ">geplant<"),
    )
    body = page(english, "/sonderstab/ergebnisse/")
    assert_english(
        body,
        ("Results: decided measures and their implementation", "WG Belästigungen bekämpfen"),
        ("Ergebnisse: beschlossene", "AG Belästigungen"),
    )
    body = page(english, "/sonderstab/sitzungen/")
    assert_english(body, ("Taskforce meetings", "Past meetings"), ("Sitzungen des Sonderstabs",))
    body = page(english, "/sonderstab/vorstand/")
    assert_english(
        body, ("Submissions to the Executive Board",), ("Vorlagen an den Verwaltungsvorstand",)
    )


def test_refusals_of_the_services_are_english(english: Client, taskforce: dict[str, Any]) -> None:
    english.force_login(taskforce["lead"])
    response = english.post(
        f"/sonderstab/empfehlungen/{taskforce['draft'].pk}/status/",
        {"to_state": S.SUBMITTED},
        follow=True,
    )
    body = response.content.decode()
    assert_english(
        body,
        ("“Submit to the Executive Board” is not possible – missing:", "a description of the"),
        ("ist nicht möglich", "es fehlt"),
    )


def test_german_stays_the_default(client: Client, taskforce: dict[str, Any]) -> None:
    client.force_login(taskforce["lead"])
    body = client.get("/sonderstab/").content.decode()
    assert '<html lang="de">' in body
    assert "Nächste Sitzung" in body and "Next meeting" not in body


def test_the_report_to_the_mayor_stays_german_in_english(
    english: Client, taskforce: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    """Generated in an English request (immediate task backend), the report is still German."""
    decided = make_recommendation(taskforce["group"], state=S.SUBMITTED, title="Beschlossen")
    services.recommendation_transition(
        recommendation=decided,
        to_state=S.DECIDED_WITH_CONDITIONS,
        actor=taskforce["lead"],
        decided_on=timezone.localdate(),
        wording="Der Verwaltungsvorstand beschließt.",
        conditions="Monatlicher Bericht.",
    )
    english.force_login(taskforce["lead"])
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        english.post("/sonderstab/berichte/anfordern/", {"period": "week", "which": "current"})
    report = MayorReport.objects.get()
    assert report.status == MayorReportStatus.ISSUED
    doc = report.snapshot
    assert doc["title"] == "Bericht an den Oberbürgermeister"
    assert [d["outcome"] for d in doc["decisions"]] == ["mit Auflagen beschlossen"]
    assert {m["status_label"] for m in doc["measures"]} <= set(progress.STATUS_LABELS.values())
    assert "in Umsetzung" in [g["label"] for g in doc["by_status"]]
    assert report.progress_step == "ausgegeben"
    body = page(english, f"/sonderstab/berichte/{report.pk}/")
    assert_english(
        body,
        ("Download PDF", "The report to the Lord Mayor is issued in German", '<div lang="de">'),
        ("PDF herunterladen",),
    )
    german_part = body.split('<div lang="de">', 1)[1]
    assert "Beschlüsse des Verwaltungsvorstands im Berichtszeitraum" in german_part
    assert "mit Auflagen beschlossen" in german_part


def test_proposed_agenda_items_stay_german(taskforce: dict[str, Any]) -> None:
    """Agenda items become part of the minutes: they are written in German."""
    decided = make_recommendation(taskforce["group"], state=S.SUBMITTED, title="Beschlossen")
    services.recommendation_transition(
        recommendation=decided,
        to_state=S.DECIDED,
        actor=taskforce["lead"],
        decided_on=timezone.localdate(),
        wording="Der Verwaltungsvorstand beschließt.",
    )
    starts = timezone.now() + timedelta(days=1)
    with translation.override("en"):
        meeting = services.meeting_create(
            title="Sitzung des Sonderstabs",
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            actor=taskforce["lead"],
        )
        items = services.agenda_propose(meeting=meeting, actor=taskforce["lead"])
    reasons = [i.reason for i in items if i.decision_id]
    assert reasons and reasons[0].startswith("beschlossen am ")


# --- The catalogue ------------------------------------------------------------------------------


def read_po(path: Path) -> list[dict[str, Any]]:
    """A small .po reader: entries with msgctxt, msgid, msgid_plural, msgstr[n] and flags."""
    entries: list[dict[str, Any]] = []
    entry: dict[str, Any] = {}
    key = ""
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            if "msgid" in entry:
                entries.append(entry)
            entry, key = {}, ""
            continue
        if line.startswith("#~"):
            entry.setdefault("obsolete", True)
        elif line.startswith("#,"):
            entry.setdefault("flags", set()).update(f.strip() for f in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            key = re.sub(r"^msgstr$", "msgstr[0]", key)
            entry[key] = ast.literal_eval(value)
    return entries


@pytest.fixture(scope="module")
def entries() -> list[dict[str, Any]]:
    assert PO.exists(), "run `make messages`"
    return read_po(PO)


def test_catalogue_has_no_untranslated_fuzzy_or_obsolete_entries(
    entries: list[dict[str, Any]],
) -> None:
    header = [e for e in entries if e["msgid"] == ""]
    assert len(header) == 1 and "Language: en" in header[0]["msgstr[0]"]
    assert "fuzzy" not in header[0].get("flags", set())
    messages = [e for e in entries if e["msgid"]]
    assert len(messages) > 1000
    for e in messages:
        assert not e.get("obsolete"), e["msgid"]
        assert "fuzzy" not in e.get("flags", set()), e["msgid"]
        forms = [e["msgstr[0]"]] + ([e.get("msgstr[1]", "")] if "msgid_plural" in e else [])
        assert all(f.strip() for f in forms), f"untranslated: {e['msgid']!r}"


PYTHON_FORMAT = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?([sdifr%])")
BRACE_FORMAT = re.compile(r"\{(\w*)\}")


def placeholders(text: str) -> tuple[Counter[str], Counter[str]]:
    python = Counter(f"{name}:{kind}" for name, kind in PYTHON_FORMAT.findall(text) if kind != "%")
    return python, Counter(BRACE_FORMAT.findall(text))


def test_placeholders_match(entries: list[dict[str, Any]]) -> None:
    """%(name)s and {name} placeholders of every form are those of its German source."""
    for e in (e for e in entries if e["msgid"]):
        flags = e.get("flags", set())
        sources = [e["msgid"]] + ([e["msgid_plural"]] if "msgid_plural" in e else [])
        for n, source in enumerate(sources):
            translated = e[f"msgstr[{n}]"]
            got_python, got_brace = placeholders(translated)
            want_python, want_brace = placeholders(source)
            if "python-format" in flags:
                assert got_python == want_python, (source, translated)
            elif not want_python:
                assert not got_python, f"stray format directive: {translated!r}"
            assert got_brace == want_brace, (source, translated)


def expected_catalogue(entries: list[dict[str, Any]]) -> dict[Any, str]:
    catalogue: dict[Any, str] = {}
    for e in entries:
        key = f"{e['msgctxt']}\x04{e['msgid']}" if "msgctxt" in e else e["msgid"]
        if "msgid_plural" in e:
            for n in range(2):
                catalogue[(key, n)] = e[f"msgstr[{n}]"]
        else:
            catalogue[key] = e["msgstr[0]"]
    return catalogue


def compiled(path: Path) -> dict[Any, str]:
    """The messages of a .mo file (the header without POT-Creation-Date, which msgfmt drops)."""
    with path.open("rb") as fp:
        catalogue = dict(gettext.GNUTranslations(fp)._catalog)  # type: ignore[attr-defined]
    catalogue[""] = re.sub(r"POT-Creation-Date: [^\n]*\n", "", catalogue.get("", ""))
    return catalogue


def test_compiled_catalogue_matches_the_po_file(entries: list[dict[str, Any]]) -> None:
    """The committed .mo (the runtime needs no gettext) is the compiled current .po."""
    assert MO.exists(), "run `make messages` and commit django.mo"
    expected = expected_catalogue(entries)
    expected[""] = re.sub(r"POT-Creation-Date: [^\n]*\n", "", expected[""])
    assert compiled(MO) == expected


MSGFMT = shutil.which("msgfmt")


@pytest.mark.skipif(MSGFMT is None, reason="GNU gettext (msgfmt) not installed")
def test_msgfmt_accepts_the_catalogue(tmp_path: Path, entries: list[dict[str, Any]]) -> None:
    out = tmp_path / "django.mo"
    result = subprocess.run(
        [str(MSGFMT), "--check", "--statistics", "-o", str(out), str(PO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    count = sum(1 for e in entries if e["msgid"])
    assert f"{count} translated messages." in result.stderr, result.stderr
    assert compiled(out) == compiled(MO)


def test_english_translations_are_used_at_run_time() -> None:
    with translation.override("en"):
        assert translation.gettext("Seite nicht gefunden") == "Page not found"
        assert translation.pgettext("Sitzung", "Protokoll") == "Minutes"
        assert translation.gettext("Protokoll") == "Audit log"
        assert translation.ngettext("%(n)s Eintrag", "%(n)s Einträge", 1) == "%(n)s entry"
    assert translation.gettext("Seite nicht gefunden") == "Seite nicht gefunden"
