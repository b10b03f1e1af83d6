"""The report workflow by name: every edge (from, to) listed, so a changed edge fails with a
readable difference of two sets (`stadtlage.reports.workflow`)."""

from __future__ import annotations

from stadtlage.reports.workflow import NOTE_REQUIRED, TRANSITIONS

OPEN_WORK = ("investigating", "action_scheduled", "in_progress", "internal_referral")
CLOSINGS = ("fixed", "duplicate", "not_responsible", "no_further_action")

EDGES = {
    *{("new", to) for to in (*OPEN_WORK, *CLOSINGS)},
    *{("reopened", to) for to in (*OPEN_WORK, *CLOSINGS)},
    *{("investigating", to) for to in (*OPEN_WORK, *CLOSINGS) if to != "investigating"},
    *{("internal_referral", to) for to in (*OPEN_WORK, *CLOSINGS) if to != "internal_referral"},
    ("action_scheduled", "investigating"),
    ("action_scheduled", "in_progress"),
    ("action_scheduled", "internal_referral"),
    ("action_scheduled", "fixed"),
    ("action_scheduled", "no_further_action"),
    ("in_progress", "action_scheduled"),
    ("in_progress", "internal_referral"),
    ("in_progress", "fixed"),
    ("in_progress", "no_further_action"),
    # A closed report only goes back to "wieder geöffnet".
    *{(closed, "reopened") for closed in CLOSINGS},
}


def test_the_edges_by_name() -> None:
    edges = {(str(a), str(b)) for a, targets in TRANSITIONS.items() for b in targets}
    assert edges == EDGES


def test_only_fixed_needs_a_note() -> None:
    assert {str(s) for s in NOTE_REQUIRED} == {"fixed"}
