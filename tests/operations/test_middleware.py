"""The client address behind the TLS proxy: believed only from trusted proxies."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory, override_settings

from stadtlage.operations.middleware import ProxyClientAddressMiddleware, client_address

TRUSTED = ("127.0.0.1", "10.0.0.0/8")


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("127.0.0.1", "203.0.113.7", "203.0.113.7"),
        # Left of the last untrusted hop is what the client wrote: ignored.
        ("127.0.0.1", "1.2.3.4, 203.0.113.7", "203.0.113.7"),
        # A chain of trusted proxies is skipped.
        ("127.0.0.1", "203.0.113.7, 10.1.2.3", "203.0.113.7"),
        # Not from a trusted proxy: the header is a lie, the socket address stays.
        ("198.51.100.9", "203.0.113.7", "198.51.100.9"),
        ("127.0.0.1", "not-an-address", "127.0.0.1"),
        ("127.0.0.1", "2001:db8::1", "2001:db8::1"),
        ("127.0.0.1", "10.0.0.5", "127.0.0.1"),
    ],
)
def test_client_address(remote: str, forwarded: str, expected: str) -> None:
    assert client_address(remote, forwarded, TRUSTED) == expected


def test_middleware_sets_remote_addr_for_everything_downstream() -> None:
    seen = {}

    def view(request: object) -> object:
        seen["addr"] = request.META["REMOTE_ADDR"]  # type: ignore[attr-defined]
        return None

    with override_settings(TRUSTED_PROXIES=["127.0.0.1"]):
        middleware = ProxyClientAddressMiddleware(view)  # type: ignore[arg-type]
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="203.0.113.7")
    middleware(request)
    assert seen["addr"] == "203.0.113.7"


def test_without_trusted_proxies_nothing_changes(client: Client) -> None:
    middleware = ProxyClientAddressMiddleware(lambda r: r.META["REMOTE_ADDR"])  # type: ignore[arg-type,return-value]
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert middleware(request) == "127.0.0.1"
