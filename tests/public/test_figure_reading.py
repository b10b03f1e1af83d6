"""The SPC reading of a public key figure in plain words (issue 11.1): "keine auffällige
Veränderung", "deutliche Verbesserung seit KW 12/2026" (the start of the current run of
signals), the goal reading ("Ziel wird voraussichtlich erreicht"); and no signal while the
limits are still a trial."""

from __future__ import annotations

from django.utils import translation

from stadtlage.kpi import series as S
from stadtlage.public.figures import (
    CONCERN,
    GOAL_READING,
    IMPROVEMENT,
    MISSING,
    NEUTRAL_HIGH,
    latest_signal,
    reading,
)

LABELS = [f"KW {n:02d}/2026" for n in range(8, 16)]
COMMON = "common_cause"


def _read(flags: list[str], trial: bool = False) -> str:
    with translation.override("de"):
        return reading(LABELS[: len(flags)], flags, [trial] * len(flags))


def test_no_signal_reads_as_no_notable_change() -> None:
    assert _read([COMMON] * 8) == "keine auffällige Veränderung"


def test_a_run_of_improvement_is_dated_from_its_start() -> None:
    flags = [COMMON] * 4 + [IMPROVEMENT] * 4  # KW 12 to KW 15
    assert _read(flags) == "deutliche Verbesserung seit KW 12/2026"
    assert latest_signal(flags, [False] * 8) == IMPROVEMENT


def test_an_earlier_run_of_another_signal_does_not_move_the_date() -> None:
    flags = [CONCERN, CONCERN, COMMON, IMPROVEMENT, CONCERN, CONCERN, CONCERN, CONCERN]
    assert _read(flags) == "deutliche Verschlechterung seit KW 12/2026"


def test_missing_periods_are_skipped_and_neutral_signals_named() -> None:
    flags = [COMMON, NEUTRAL_HIGH, MISSING, NEUTRAL_HIGH]
    assert _read(flags) == "auffällig höher seit KW 09/2026"


def test_trial_limits_give_no_verdict_and_no_signal() -> None:
    flags = [COMMON] * 3 + [IMPROVEMENT]
    assert _read(flags, trial=True) == "noch zu wenige Werte für eine sichere Aussage"
    assert latest_signal(flags, [True] * 4) == ""
    assert _read([MISSING, MISSING]) == "noch keine Werte"


def test_the_reading_is_translated() -> None:
    with translation.override("en"):
        english = reading(LABELS, [COMMON] * 4 + [IMPROVEMENT] * 4, [False] * 8)
    assert english != "deutliche Verbesserung seit KW 12/2026" and "KW 12/2026" in english


def test_every_goal_status_has_a_reading() -> None:
    statuses = {
        S.GOAL_ACHIEVED,
        S.GOAL_IMPROVING,
        S.GOAL_POSSIBLE,
        S.GOAL_UNLIKELY,
        S.GOAL_CONCERN,
        S.GOAL_NO_DATA,
    }
    assert set(GOAL_READING) == statuses
    assert GOAL_READING[S.GOAL_IMPROVING] == "Ziel wird voraussichtlich erreicht"
