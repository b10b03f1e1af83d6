"""The wire module alone: recorded payloads from the spec, round trips, hostile text."""

from __future__ import annotations

import json
from datetime import timedelta, timezone

import pytest

from stadtlage.open311 import params, wire
from stadtlage.open311.errors import Open311Error

# The spec's own GET service definition example (GeoReport v2), XML and JSON.
SPEC_SERVICE_DEFINITION_XML = b"""<?xml version="1.0" encoding="utf-8"?>
<service_definition>
    <service_code>DMV66</service_code>
    <attributes>
        <attribute>
            <variable>true</variable>
            <code>WHISHETN</code>
            <datatype>singlevaluelist</datatype>
            <required>true</required>
            <datatype_description></datatype_description>
            <order>1</order>
            <description>What is the ticket/tag/DL number?</description>
            <values>
                <value><key>123</key><name>Ford</name></value>
                <value><key>124</key><name>Chrysler</name></value>
            </values>
        </attribute>
    </attributes>
</service_definition>"""
SPEC_SERVICE_DEFINITION_JSON = {
    "service_code": "DMV66",
    "attributes": [
        {
            "variable": True,
            "code": "WHISHETN",
            "datatype": "singlevaluelist",
            "required": True,
            "datatype_description": None,
            "order": 1,
            "description": "What is the ticket/tag/DL number?",
            "values": [{"key": 123, "name": "Ford"}, {"key": 124, "name": "Chrysler"}],
        }
    ],
}
SPEC_ERRORS_XML = b"""<?xml version="1.0" encoding="utf-8"?>
<errors>
    <error>
        <code>403</code>
        <description>Invalid api_key received -- can't proceed with create_request.</description>
    </error>
</errors>"""


def _stringly(value: object) -> object:
    if isinstance(value, dict):
        return {k: _stringly(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_stringly(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    return None if value is None else str(value)


def test_spec_examples_read_as_their_json_twins() -> None:
    assert wire.from_xml(SPEC_SERVICE_DEFINITION_XML) == (
        "service_definition",
        _stringly(SPEC_SERVICE_DEFINITION_JSON),
    )
    message = "Invalid api_key received -- can't proceed with create_request."
    assert wire.from_xml(SPEC_ERRORS_XML) == ("errors", [{"code": "403", "description": message}])


def test_writing_the_spec_example_reproduces_it() -> None:
    written = wire.to_xml("service_definition", SPEC_SERVICE_DEFINITION_JSON)
    assert written.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<service_definition>')
    assert wire.from_xml(written) == wire.from_xml(SPEC_SERVICE_DEFINITION_XML)


def test_lists_become_the_singular_element() -> None:
    written = wire.to_xml("services", [{"service_code": "a"}, {"service_code": "b"}])
    assert b"<service><service_code>a</service_code></service>" in written.replace(
        b"\n", b""
    ).replace(b" ", b"")
    assert wire.from_xml(written) == ("services", [{"service_code": "a"}, {"service_code": "b"}])
    assert wire.from_xml(wire.to_xml("services", [])) == ("services", [])


def test_json_drops_the_root_and_keeps_umlauts() -> None:
    data = [{"service_name": "Müll – Straße"}]
    body, content_type = wire.render("json", "services", data)
    assert content_type == "application/json; charset=utf-8"
    assert "Müll – Straße".encode() in body
    assert json.loads(body) == data


def test_text_that_xml_cannot_carry_is_dropped_not_fatal() -> None:
    written = wire.to_xml("service_requests", [{"description": "A\x00B\x1bC <&> ü"}])
    assert wire.from_xml(written) == ("service_requests", [{"description": "ABC <&> ü"}])


def test_unknown_list_or_format_is_a_programming_error() -> None:
    with pytest.raises(wire.WireError):
        wire.to_xml("things", [1, 2])
    with pytest.raises(wire.WireError):
        wire.render("csv", "services", [])
    with pytest.raises(wire.WireError):
        wire.from_xml(b"<nicht")


BERLIN = timezone(timedelta(hours=2))


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("2025-05-01T10:00:00Z", "2025-05-01T10:00:00+00:00"),
        ("2025-05-01T10:00:00+02:00", "2025-05-01T10:00:00+02:00"),
        ("2025-05-01T10:00:00 02:00", "2025-05-01T10:00:00+02:00"),  # unencoded "+"
        ("2025-05-01T10:00:00.123+0200", "2025-05-01T10:00:00.123000+02:00"),
        ("2025-05-01T10:00", "2025-05-01T10:00:00+02:00"),  # local time assumed
        ("2025-05-01", "2025-05-01T00:00:00+02:00"),
    ],
)
def test_w3c_dates(raw: str, iso: str) -> None:
    assert params.parse_datetime("start_date", raw, default_tz=BERLIN).isoformat() == iso


@pytest.mark.parametrize(
    "raw", ["gestern", "2025-02-30", "2025-05-01T24:00:00Z", "1714557600", "2025-05-01T10:00:00X"]
)
def test_bad_dates(raw: str) -> None:
    with pytest.raises(Open311Error) as info:
        params.parse_datetime("start_date", raw, default_tz=BERLIN)
    assert info.value.status == 400
    assert "start_date" in info.value.descriptions[0]


def test_attribute_parameters() -> None:
    form = {
        "attribute[anzahl]": ["3"],
        "attribute[umgebung][]": ["schule", "kita", ""],
        "attribute[leer]": [""],
        "attribute[doppelt]": ["a", "b"],
        "attribute[]": ["x"],
        "attributes[x]": ["y"],
        "description": ["z"],
    }
    assert params.parse_attributes(form) == {
        "anzahl": "3",
        "umgebung": ["schule", "kita"],
        "doppelt": ["a", "b"],
    }


def test_comma_lists_and_ids() -> None:
    assert params.comma_list(" a, b,,a ,") == ["a", "b"]
    assert params.comma_list("") == []
    assert params.parse_ids(["1", "x", "-2", "0", str(2**70), "42"]) == [1, 42]
