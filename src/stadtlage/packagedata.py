"""Data files shipped inside the package (seed stories, indicator specs, the reference
catalogue), read with ``importlib.resources`` so that they are found in a wheel as in a checkout.

They live in a ``data/`` folder of their app and are package data (pyproject.toml:
``[tool.setuptools.package-data]``). `records` turns a list of JSON objects into frozen
dataclasses and says which file, entry and field is wrong (`DataFileError`). A ground-floor
module: it imports nothing of stadtlage.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from importlib import resources
from typing import Any, TypeVar

T = TypeVar("T")


class DataFileError(ValueError):
    """A data file that does not fit its specs; the message names the file, entry and field."""


def load_json(package: str, name: str) -> Any:
    """The parsed ``data/<name>`` of `package` (e.g. ``"stadtlage.kpi"``)."""
    text = resources.files(package).joinpath("data", name).read_text(encoding="utf-8")
    return json.loads(text)


def _is_comment(key: str) -> bool:
    return key.startswith("_")


def _value(value: Any, hint: Any) -> Any:
    """`value` as the field type `hint` wants it (a list for a tuple), or ``TypeError``."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        for option in typing.get_args(hint):
            try:
                return _value(value, option)
            except TypeError:
                continue
        raise TypeError
    if hint is type(None):
        if value is not None:
            raise TypeError
        return None
    if origin is tuple:
        (item, _ellipsis) = typing.get_args(hint)
        if not isinstance(value, list):
            raise TypeError
        return tuple(_value(v, item) for v in value)
    if hint is bool:
        if not isinstance(value, bool):
            raise TypeError
        return value
    if hint in (int, float):
        if isinstance(value, bool) or not isinstance(value, (int, float) if hint is float else int):
            raise TypeError
        return value
    if hint is str:
        if not isinstance(value, str):
            raise TypeError
        return value
    return value  # other types: the caller checks them


_TYPE_NAMES = {str: "Text", int: "ganze Zahl", float: "Zahl", bool: "true/false"}


def _type_name(hint: Any) -> str:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return " oder ".join(_type_name(option) for option in typing.get_args(hint))
    if hint is type(None):
        return "null"
    if origin is tuple:
        return f"Liste ({_type_name(typing.get_args(hint)[0])})"
    return _TYPE_NAMES.get(hint, str(hint))


def records(cls: type[T], entries: Any, *, file: str, section: str, key: str) -> tuple[T, ...]:
    """The `entries` (a list of JSON objects in `section` of `file`) as `cls` dataclasses.

    Every field of `cls` without a default must be there, no other field may be (keys starting
    with ``_`` are comments), and every value must have the field's type (a list for a tuple).
    `key` is the field that names an entry in error messages; it must be unique.
    """
    if not isinstance(entries, list):
        raise DataFileError(f"{file}: „{section}“ fehlt oder ist keine Liste.")
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    hints = typing.get_type_hints(cls)
    required = {
        name
        for name, f in fields.items()
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }
    out: list[T] = []
    seen: set[Any] = set()
    for index, raw in enumerate(entries, start=1):
        where = f"{file}, {section} Nr. {index}"
        if not isinstance(raw, dict):
            raise DataFileError(f"{where}: kein Objekt.")
        if isinstance(raw.get(key), str):
            where += f" („{raw[key]}“)"
        values = {name: value for name, value in raw.items() if not _is_comment(name)}
        unknown = sorted(set(values) - set(fields))
        if unknown:
            raise DataFileError(f"{where}: unbekanntes Feld „{unknown[0]}“.")
        missing = sorted(required - set(values))
        if missing:
            raise DataFileError(f"{where}: Feld „{missing[0]}“ fehlt.")
        for name, value in values.items():
            try:
                values[name] = _value(value, hints[name])
            except TypeError:
                raise DataFileError(
                    f"{where}: Feld „{name}“ muss {_type_name(hints[name])} sein, "
                    f"ist aber {json.dumps(value, ensure_ascii=False)}."
                ) from None
        if values[key] in seen:
            raise DataFileError(f"{where}: „{key}“ kommt doppelt vor.")
        seen.add(values[key])
        out.append(cls(**values))
    return tuple(out)
