"""The one rate limiter (`stadtlage.ratelimit`, on django-ratelimit): counts per client and scope,
stores no address, says how long to wait, and a limit of 0 switches a limit off."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest
from django.test import RequestFactory

from stadtlage import ratelimit

ADDRESS = "203.0.113.77"


def _request(address: str = ADDRESS) -> HttpRequest:
    return RequestFactory().get("/", REMOTE_ADDR=address)


def _cache_keys() -> list[str]:
    return [str(key) for key in cache._cache]  # the tests run on LocMemCache


def test_a_limit_counts_per_client_and_scope_and_says_how_long_to_wait() -> None:
    request = _request()
    assert [ratelimit.hit(request, scope="a", limit=2) for _ in range(2)] == [None, None]
    wait = ratelimit.hit(request, scope="a", limit=2)
    assert wait is not None and 1 <= wait <= ratelimit.HOUR
    assert ratelimit.hit(_request("198.51.100.1"), scope="a", limit=2) is None  # other client
    assert ratelimit.hit(request, scope="b", limit=2) is None  # other scope
    assert ratelimit.hit(request, scope="a", limit=2, ident="client-7") is None  # other key


def test_reached_counts_nothing_and_zero_switches_a_limit_off() -> None:
    request = _request()
    assert ratelimit.hit(request, scope="login", limit=2, window_seconds=60) is None
    assert not ratelimit.reached(request, scope="login", limit=2, window_seconds=60)
    assert not ratelimit.reached(request, scope="login", limit=2, window_seconds=60)
    assert ratelimit.hit(request, scope="login", limit=2, window_seconds=60) is None
    assert ratelimit.reached(request, scope="login", limit=2, window_seconds=60)
    assert all(ratelimit.hit(request, scope="off", limit=0) is None for _ in range(5))
    assert not ratelimit.reached(request, scope="off", limit=0)


def test_the_cache_holds_no_address_and_no_key() -> None:
    ratelimit.hit(_request(), scope="report-form", limit=5)
    ratelimit.hit(_request(), scope="open311-key", limit=5, ident="secret-client-42")
    assert ratelimit.first_time(_request(), "confirm:17")
    assert not ratelimit.first_time(_request(), "confirm:17")
    keys = _cache_keys()
    assert len(keys) == 3
    assert not [k for k in keys if ADDRESS in k or "secret-client" in k or "confirm" in k]


def test_a_request_without_address_is_counted_not_refused() -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="")
    assert ratelimit.hit(request, scope="a", limit=1) is None
    assert ratelimit.hit(request, scope="a", limit=1) is not None
