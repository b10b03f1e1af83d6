"""Input checks shared by every way a report arrives (web form, Open311, staff notes).

Pure functions over plain values plus the category's questions; German messages keyed by
field, so a form can show each one next to its input and Open311 can list them all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from stadtlage.reports.models import AttributeDatatype, ServiceAttribute, ServiceCategory

DESCRIPTION_MAX = 4000
ADDRESS_MAX = 250
STRING_ATTRIBUTE_MAX = 250
TEXT_ATTRIBUTE_MAX = 4000

_HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!][^<>]*>")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def plain_text(value: str, *, field: str, label: str, maximum: int) -> str:
    """Normalise line breaks, drop control characters; refuse HTML and overlong text."""
    text = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if len(text) > maximum:
        raise ValidationError(
            {field: f"{label}: höchstens {maximum} Zeichen (erhalten: {len(text)})."}
        )
    if _HTML_TAG.search(text):
        raise ValidationError({field: f"{label}: bitte nur Text, kein HTML oder Code."})
    return text


def _attribute_value(attribute: ServiceAttribute, raw: str | list[str]) -> Any:
    """One answer, checked against its definition; returns the value to store."""
    label = f"„{attribute.description}“"
    values = [raw] if isinstance(raw, str) else list(raw)
    values = [str(v).strip() for v in values if str(v).strip()]
    datatype = attribute.datatype
    if datatype == AttributeDatatype.MULTIVALUELIST:
        allowed = attribute.allowed_keys()
        unknown = [v for v in values if v not in allowed]
        if unknown:
            raise ValidationError(f"{label}: unzulässiger Wert „{unknown[0]}“.")
        return list(dict.fromkeys(values))
    if len(values) != 1:
        raise ValidationError(f"{label}: bitte genau einen Wert angeben.")
    value = values[0]
    if datatype == AttributeDatatype.SINGLEVALUELIST:
        if value not in attribute.allowed_keys():
            raise ValidationError(f"{label}: unzulässiger Wert „{value[:40]}“.")
        return value
    if datatype == AttributeDatatype.NUMBER:
        try:
            number = Decimal(value.replace(",", "."))
        except InvalidOperation as exc:
            raise ValidationError(f"{label}: bitte eine Zahl angeben.") from exc
        if not number.is_finite():
            raise ValidationError(f"{label}: bitte eine Zahl angeben.")
        return int(number) if number == number.to_integral_value() else float(number)
    if datatype == AttributeDatatype.DATETIME:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError as exc:
            raise ValidationError(
                f"{label}: bitte Datum und Uhrzeit nach ISO 8601 angeben "
                "(z. B. 2025-05-01T14:30+02:00)."
            ) from exc
        if moment.tzinfo is None:
            moment = timezone.make_aware(moment)
        return moment.isoformat()
    maximum = TEXT_ATTRIBUTE_MAX if datatype == AttributeDatatype.TEXT else STRING_ATTRIBUTE_MAX
    text = plain_text(value, field="attributes", label=label, maximum=maximum)
    if datatype == AttributeDatatype.STRING and "\n" in text:
        raise ValidationError(f"{label}: bitte ohne Zeilenumbruch.")
    return text


def attribute_errors(
    category: ServiceCategory, answers: Mapping[str, str | list[str]] | None
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Check answers against the category's questions.

    Returns the cleaned answers and the problems per question code ("" for unknown codes), so
    a form can show each message at its question.
    """
    answers = dict(answers or {})
    every = {a.code: a for a in category.attributes.all()}
    # variable=False attributes are information shown to the reporter; answers are dropped.
    definitions = {code: a for code, a in every.items() if a.variable}
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for code in answers:
        if code not in every:
            errors.setdefault("", []).append(
                f"Unbekannte Zusatzangabe „{code[:60]}“ für diese Kategorie."
            )
    for code, attribute in sorted(definitions.items(), key=lambda item: item[1].order):
        raw = answers.get(code)
        empty = raw is None or (not raw.strip() if isinstance(raw, str) else not any(raw))
        if empty:
            if attribute.required:
                errors.setdefault(code, []).append(
                    f"„{attribute.description}“ ist eine Pflichtangabe."
                )
            continue
        assert raw is not None
        try:
            cleaned[code] = _attribute_value(attribute, raw)
        except ValidationError as exc:
            errors.setdefault(code, []).extend(exc.messages)
    return cleaned, errors


def validate_attributes(
    category: ServiceCategory, answers: Mapping[str, str | list[str]] | None
) -> dict[str, Any]:
    """Check answers against the category's questions; all problems are reported at once."""
    cleaned, errors = attribute_errors(category, answers)
    if errors:
        # Unknown codes first, then the questions in their order.
        raise ValidationError({"attributes": [m for messages in errors.values() for m in messages]})
    return cleaned
