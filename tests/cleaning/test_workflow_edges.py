"""The cleaning-task workflow by name: every edge (from, to, action of the queue), so a changed
edge fails with a readable difference of two sets (`stadtlage.cleaning.workflow`)."""

from __future__ import annotations

from stadtlage.cleaning.workflow import ACTIONS, TRANSITIONS

EDGES = {
    ("open", "accepted", "annehmen"),
    ("accepted", "done", "erledigt"),
    ("accepted", "not_found", "nicht-vorgefunden"),
}


def test_the_edges_by_name() -> None:
    by_action = {
        (str(a), str(b), name)
        for name, b in ACTIONS.items()
        for a, targets in TRANSITIONS.items()
        if b in targets
    }
    assert by_action == EDGES
    edges = {(str(a), str(b)) for a, targets in TRANSITIONS.items() for b in targets}
    assert edges == {(a, b) for a, b, _action in EDGES}  # no edge without an action
