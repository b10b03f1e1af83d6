"""Every URL pattern of the site, with arguments a test can fill in (good or bad)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    pattern: URLPattern

    @property
    def arguments(self) -> list[str]:
        return list(self.pattern.pattern.regex.groupindex)

    def converter(self, argument: str) -> str:
        converters = getattr(self.pattern.pattern, "converters", {})
        return type(converters[argument]).__name__ if argument in converters else "regex"

    def url(self, values: dict[str, Any] | None = None) -> str | None:
        """The URL with `values`, dummy values for the other arguments; None if the values
        do not fit the pattern."""
        kwargs = {name: KNOWN.get(name, _dummy(self.converter(name))) for name in self.arguments}
        kwargs.update(values or {})
        try:
            return reverse(self.name, kwargs=kwargs)
        except NoReverseMatch:
            return None


# Arguments whose pattern admits only a few values.
KNOWN = {"fmt": "json", "kind": "observation", "app_label": "kpi"}


def _dummy(converter: str) -> Any:
    return {"UUIDConverter": uuid.UUID(int=0), "IntConverter": 1}.get(converter, "x")


def _walk(patterns: list[Any], namespace: str = "") -> Iterator[Route]:
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, inner)
        elif isinstance(p, URLPattern) and p.name:
            yield Route(f"{namespace}{p.name}", p)


def routes() -> list[Route]:
    """Named patterns (the admin's unnamed ones only redirect)."""
    return list(_walk(get_resolver().url_patterns))
