"""No free-text channel for person or health data (issue 14.2): every field marked as free text
is either screened before it is stored (`privacy.screening`: refused with the field named, or
masked where the words are the public's) or holds the public's own words, which are redacted
before anything is published, reviewed, and purged after closing. A new free-text field fails
this test until someone decides which it is and proves it with a test."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps

from stadtlage.audit.personal import DataCategory, field_label, personal_fields

ROOT = Path(__file__).resolve().parents[2]

#: Screened before storing, with the test that proves it.
SCREENED = {
    "patrols.Measure.cleaning_what": (
        "tests/patrols/test_measures.py::test_cleaning_text_names_things_not_people"
    ),
    "patrols.PatrolEvent.note": (
        "tests/patrols/test_patrols.py::"
        "test_a_status_note_about_a_person_is_refused_and_nothing_changes"
    ),
    "kpi.PartnerValue.note": (
        "tests/kpi/test_partner_notes.py::test_a_note_about_a_person_or_their_health_is_refused"
    ),
    "reports.ReportUpdate.internal_note": (
        "tests/reports/test_followup.py::test_reporters_words_are_masked_staff_notes_refused"
    ),
    "cleaning.CleaningTask.outcome_note": (
        "tests/cleaning/test_services.py::"
        "test_an_outcome_note_about_a_person_is_refused_and_nothing_changes"
    ),
    # Written only by the sync API from the (screened) cleaning_what of a measure.
    "cleaning.CleaningTask.what": (
        "tests/patrols/test_measures.py::test_cleaning_text_names_things_not_people"
    ),
}
#: The public's own words: redacted for publication (`reports.redaction`, property-tested),
#: reviewed before a person-related description is published, purged after closing.
PUBLIC_WORDS = {
    "reports.Report.description": "tests/reports/test_redaction.py",
    "reports.Report.public_description": "tests/reports/test_moderation.py",
    "reports.Report.address_string": "tests/audit/test_retention_city.py",
    "reports.Report.attributes": "tests/audit/test_retention_city.py",
    # A copy of the published words (the public Open311 answer), emptied with them.
    "open311.RequestDocument.body": (
        "tests/open311/test_stored.py::test_the_retention_of_report_texts_empties_the_stored_copies"
    ),
}


def _free_text_fields() -> set[str]:
    return {
        field_label(model, name)
        for model in apps.get_models()
        for name, mark in personal_fields(model).items()
        if mark.category == DataCategory.FREE_TEXT
    }


def test_every_free_text_field_is_screened_or_the_publics_own_words() -> None:
    fields = _free_text_fields()
    assert fields, "no free-text field found: the check proves nothing"
    assert fields == set(SCREENED) | set(PUBLIC_WORDS)


@pytest.mark.parametrize("reference", sorted(set(SCREENED.values()) | set(PUBLIC_WORDS.values())))
def test_the_proving_tests_exist(reference: str) -> None:
    path, _sep, name = reference.partition("::")
    source = (ROOT / path).read_text(encoding="utf-8")
    if name:
        assert f"def {name}(" in source, reference
