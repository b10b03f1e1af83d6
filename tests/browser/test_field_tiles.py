"""The field app's map works offline with the tiles the phone has already seen: the service
worker keeps them (bounded), it never fetches tiles ahead."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import override_settings
from PIL import Image

from tests.factories import user_with_role
from tests.patrols.browser_helpers import FAST_SYNC, field_context, login, open_app
from tests.patrols.factories import catalogue

pytestmark = [
    pytest.mark.browser,
    pytest.mark.offline,
    pytest.mark.django_db(transaction=True),
]


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), (200, 220, 200)).save(buffer, "PNG")
    return buffer.getvalue()


class TileServer(ThreadingHTTPServer):
    """A tile server on another origin (another port), counting the tiles it serves."""

    daemon_threads = True
    served: list[str]


class _Handler(BaseHTTPRequestHandler):
    body = _png()

    def do_GET(self) -> None:
        server = self.server
        assert isinstance(server, TileServer)
        server.served.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: Any) -> None:
        return


@pytest.fixture
def tiles() -> Iterator[TileServer]:
    server = TileServer(("127.0.0.1", 0), _Handler)
    server.served = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _loaded_tiles(page: Any) -> int:
    return int(
        page.evaluate("document.querySelectorAll('#pick-map img.leaflet-tile-loaded').length")
    )


ALL_TILES_LOADED = """() => {
  const tiles = document.querySelectorAll('#pick-map img.leaflet-tile');
  return tiles.length > 0 && [...tiles].every(t => t.classList.contains('leaflet-tile-loaded'));
}"""


def _show_map(page: Any) -> None:
    """Open the pin map and wait until every tile of the view has loaded."""
    page.get_by_label("Punkt auf der Karte").check()
    page.wait_for_function(ALL_TILES_LOADED, timeout=20_000)


def _app(chromium: Any, live_server: Any, username: str) -> tuple[Any, Any]:
    catalogue()
    officer = user_with_role("kod_officer", username=username)
    context = field_context(chromium)
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, live_server.url, officer.username)
    open_app(page, live_server.url)
    return context, page


def _template(tiles: TileServer) -> str:
    return f"http://127.0.0.1:{tiles.server_address[1]}/tiles/{{z}}/{{x}}/{{y}}.png"


def _cached(page: Any) -> int:
    return int(
        page.evaluate("caches.open('stadtlage-tiles').then(c => c.keys()).then(k => k.length)")
    )


def test_tiles_seen_online_show_offline(chromium: Any, live_server: Any, tiles: TileServer) -> None:
    settings = {"MAP_TILE_URL": _template(tiles), "FIELD_TILE_CACHE_MAX": 500}
    with override_settings(FIELD_SYNC=FAST_SYNC, **settings):
        context, page = _app(chromium, live_server, "kod-tiles")
        _show_map(page)
        seen_online = _loaded_tiles(page)
        assert len(tiles.served) >= seen_online > 1, "the map asked the tile server"
        page.wait_for_function(
            f"() => caches.open('stadtlage-tiles').then(c => c.keys())"
            f".then(k => k.length === {seen_online})",
            polling=200,
        )
        tiles.shutdown()  # the tile server is gone, and so is the network
        served = len(tiles.served)
        context.set_offline(True)
        page.reload()
        page.wait_for_selector("#field-app[data-state=ready]", timeout=20_000)
        _show_map(page)
        assert _loaded_tiles(page) == seen_online  # the same map, from the phone's cache
        assert len(tiles.served) == served
        context.close()


def test_the_tile_cache_is_bounded(chromium: Any, live_server: Any, tiles: TileServer) -> None:
    settings = {"MAP_TILE_URL": _template(tiles), "FIELD_TILE_CACHE_MAX": 2}
    with override_settings(FIELD_SYNC=FAST_SYNC, **settings):
        context, page = _app(chromium, live_server, "kod-tiles-2")
        _show_map(page)
        assert _loaded_tiles(page) > 2
        page.wait_for_function(
            "() => caches.open('stadtlage-tiles').then(c => c.keys()).then(k => k.length === 2)",
            polling=200,
        )
        page.wait_for_timeout(500)  # late writes would show up here
        assert _cached(page) == 2
        context.close()
