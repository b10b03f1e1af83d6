"""The sync wire format, without a database: a payload recorded from the app, the content hash
(which must never change silently: every phone's outbox depends on it) and problem details."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from stadtlage.patrols import wire

NOW = datetime(2025, 5, 2, 9, 0, tzinfo=UTC)
# Changing the hash scheme turns every record still in an outbox into a conflict.
STABLE_HASH = "80302d13eb33d5bdc66f1783b8d29aa737f0989976c77dc9eeaba9fa746ecc8a"
PAYLOAD = json.loads((Path(__file__).parent / "payloads" / "app_sync_request.json").read_text())


def test_recorded_app_payload_parses() -> None:
    records = wire.read_records(PAYLOAD, now=NOW, actor_id=7)
    assert [r.errors for r in records] == [[]] * 6
    kinds = [type(r.parsed) for r in records]
    assert kinds == [
        wire.PatrolStatusIn,
        wire.ObservationIn,
        wire.ObservationIn,
        wire.MeasureIn,
        wire.PresenceIn,
        wire.PositionIn,
    ]
    obs = records[1].parsed
    assert isinstance(obs, wire.ObservationIn)
    assert (obs.lat, obs.accuracy_m, obs.persons_count) == (51.51622, 14, 3)
    assert obs.occurred_at == datetime(2025, 5, 2, 8, 14, tzinfo=UTC)
    place = records[2].parsed
    assert isinstance(place, wire.ObservationIn) and place.place == "katharinentreppe"
    assert place.lat is None
    fine = records[3].parsed
    assert isinstance(fine, wire.MeasureIn) and fine.amount_eur == 35


def test_content_hash_is_stable_and_depends_on_sender_and_content() -> None:
    data = PAYLOAD["records"][1]["data"]
    reordered = dict(reversed(data.items()))
    assert wire.content_hash("observation", data, 7) == wire.content_hash(
        "observation", reordered, 7
    )
    assert wire.content_hash("observation", data, 7) != wire.content_hash("observation", data, 8)
    changed = {**data, "persons_count": 4}
    assert wire.content_hash("observation", data, 7) != wire.content_hash("observation", changed, 7)
    assert wire.content_hash("observation", data, 7) == STABLE_HASH


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"kind": "observation", "id": "x", "data": {}}, "id"),
        ({"kind": "weather", "id": "0b7f3c3e-6a43-4d8a-9d0e-2f6a1f2c9a01", "data": {}}, "kind"),
        ({"kind": "observation", "id": "0b7f3c3e-6a43-4d8a-9d0e-2f6a1f2c9a01", "data": []}, "data"),
        (
            {
                "kind": "presence",
                "id": "0b7f3c3e-6a43-4d8a-9d0e-2f6a1f2c9a01",
                "data": {**PAYLOAD["records"][4]["data"], "area": "a\x00b"},
            },
            "area",
        ),
    ],
)
def test_envelope_errors_name_the_field(record: dict[str, object], field: str) -> None:
    parsed = wire.read_record(record, index=0, now=NOW, actor_id=1)
    assert parsed.errors and parsed.errors[0].field == field


def test_problem_details_shape() -> None:
    body = wire.problem(422, "Ungültig.", [wire.FieldError("lat", "außerhalb")], id="abc")
    assert body == {
        "type": "https://stadtlage.dortmund.de/probleme/daten-ungueltig",
        "title": "Daten ungültig",
        "status": 422,
        "detail": "Ungültig.",
        "errors": [{"field": "lat", "message": "außerhalb"}],
        "id": "abc",
    }


def test_envelope_limits() -> None:
    with pytest.raises(wire.RecordInvalid):
        wire.read_records({"records": [{}] * (wire.MAX_RECORDS_PER_BATCH + 1)}, now=NOW, actor_id=1)
    with pytest.raises(wire.RecordInvalid):
        wire.read_records({"items": []}, now=NOW, actor_id=1)
