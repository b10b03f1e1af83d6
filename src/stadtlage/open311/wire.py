"""Open311 GeoReport v2 wire formats: plain data ↔ XML / JSON. No Django, no models.

Documents are built as JSON-shaped data (lists, dicts, scalars). JSON writes them as they are
(the spec's JSON "drops the root"); XML wraps them in the resource's root element and follows
the Spark convention of the spec: a list-valued field `services` becomes
`<services><service>…</service></services>`, with the singular names given in ITEM_TAGS.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any

XML_CONTENT_TYPE = "text/xml; charset=utf-8"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"
FORMATS = ("xml", "json")

# Container element → element of one list item (Spark convention as written in the spec).
ITEM_TAGS: dict[str, str] = {
    "services": "service",
    "service_requests": "request",
    "service_request_updates": "request_update",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
}

# Characters XML 1.0 cannot carry at all; they are dropped rather than breaking the document.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class WireError(ValueError):
    """A document that cannot be written or read in the requested format."""


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return XML_ILLEGAL.sub("", str(value))
    raise WireError(f"cannot write {type(value).__name__} as XML text")


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list | tuple):
        item_tag = ITEM_TAGS.get(element.tag)
        if item_tag is None:
            raise WireError(f"no item element known for list <{element.tag}>")
        for item in value:
            _fill(ET.SubElement(element, item_tag), item)
    else:
        element.text = _text(value)


def to_xml(root: str, data: Any) -> bytes:
    """`data` as an XML document with root element `root`, UTF-8 with declaration."""
    element = ET.Element(root)
    _fill(element, data)
    ET.indent(element)
    body = ET.tostring(element, encoding="unicode", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def to_json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def render(fmt: str, root: str, data: Any) -> tuple[bytes, str]:
    """(body, content type) for `data` in `fmt` ("xml" or "json")."""
    if fmt == "json":
        return to_json(data), JSON_CONTENT_TYPE
    if fmt == "xml":
        return to_xml(root, data), XML_CONTENT_TYPE
    raise WireError(f"unknown format {fmt!r}")


def _read(element: ET.Element) -> Any:
    if element.tag in ITEM_TAGS:
        return [_read(child) for child in element]
    if len(element):
        return {child.tag: _read(child) for child in element}
    text = (element.text or "").strip()
    return text or None


def from_xml(payload: bytes) -> tuple[str, Any]:
    """Read an Open311 XML document back into (root tag, JSON-shaped data).

    XML carries no types: every scalar comes back as a string (or None when empty). Used to
    check responses and recorded payloads; the server never parses XML sent by clients.
    Expat (>= 2.4.1, bundled with Python) neither fetches external entities nor expands
    entity bombs, which is what `defusedxml` would add.
    """
    try:
        element = ET.fromstring(payload)  # noqa: S314 -- see docstring
    except ET.ParseError as exc:
        raise WireError(f"not well-formed XML: {exc}") from exc
    return element.tag, _read(element)
