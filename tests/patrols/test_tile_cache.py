"""What the service worker is told about map tiles (the browser test checks the caching)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from stadtlage.patrols.views import tile_pattern

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("template", "matches", "other"),
    [
        (
            "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            "https://tile.openstreetmap.org/16/34120/21910.png",
            "https://tile.openstreetmap.org/copyright",
        ),
        (
            "https://{s}.tiles.example.org/base/{z}/{x}/{y}{r}.png?key=a.b",
            "https://b.tiles.example.org/base/3/4/5@2x.png?key=a.b",
            "https://b.tiles.example.org/base/3/4/5@2x.png?key=aXb",
        ),
        (
            "http://127.0.0.1:8080/wmts/{layer}/{z}/{x}/{y}.jpg",
            "http://127.0.0.1:8080/wmts/dop20/15/1/2.jpg",
            "http://127.0.0.1:8081/wmts/dop20/15/1/2.jpg",
        ),
    ],
)
def test_tile_pattern_matches_tiles_of_the_template_only(
    template: str, matches: str, other: str
) -> None:
    pattern = re.compile(tile_pattern(template))
    assert pattern.match(matches)
    assert not pattern.match(other)
    assert not pattern.match("https://evil.example/?" + matches)


def _shell(client: Client) -> dict[str, Any]:
    first_line = client.get("/sw.js").content.decode().splitlines()[0]
    return dict(json.loads(first_line.removeprefix("self.FIELD_SHELL = ").rstrip(";")))


def test_service_worker_gets_the_tile_rule(client: Client, settings: Any) -> None:
    settings.MAP_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    settings.FIELD_TILE_CACHE_MAX = 300
    tiles = _shell(client)["tiles"]
    assert tiles == {"pattern": tile_pattern(settings.MAP_TILE_URL), "max": 300}
    settings.MAP_TILE_URL = ""
    assert _shell(client)["tiles"] is None
    settings.MAP_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    settings.FIELD_TILE_CACHE_MAX = 0
    assert _shell(client)["tiles"] is None
