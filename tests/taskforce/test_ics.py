"""ICS export (RFC 5545): escaping, folding, all-day and timed events."""

from __future__ import annotations

from datetime import UTC, date, datetime

from stadtlage.taskforce import ics


def test_escape_and_fold() -> None:
    assert ics.escape_text("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"
    line = "SUMMARY:" + "Überfällig " * 20
    folded = ics.fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in parts)
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line


def test_calendar_with_meeting_and_milestone() -> None:
    now = datetime(2025, 3, 10, 8, 0, tzinfo=UTC)
    body = ics.build_calendar(
        [
            ics.CalendarEvent(
                "meeting-1@stadtlage",
                "Sitzung, Sonderstab; wöchentlich",
                datetime(2025, 3, 11, 9, 0, tzinfo=UTC),
                datetime(2025, 3, 11, 10, 30, tzinfo=UTC),
                location="Lagezentrum",
            ),
            ics.CalendarEvent("milestone-2@stadtlage", "Meilenstein: Start", date(2025, 3, 20)),
        ],
        name="Sonderstab",
        now=now,
    )
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert body.endswith("END:VCALENDAR\r\n")
    assert "DTSTART:20250311T090000Z\r\nDTEND:20250311T103000Z" in body
    assert "SUMMARY:Sitzung\\, Sonderstab\\; wöchentlich" in body
    assert "DTSTART;VALUE=DATE:20250320\r\nDTEND;VALUE=DATE:20250321" in body
    assert body.count("BEGIN:VEVENT") == 2
