"""The definition of a category's questions is checked before it is saved (admin, imports)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from stadtlage.reports.models import AttributeDatatype, ServiceAttribute
from tests.reports.factories import ServiceCategoryFactory

pytestmark = pytest.mark.django_db
D = AttributeDatatype


@pytest.mark.parametrize(
    ("datatype", "values", "order", "fragment"),
    [
        (D.SINGLEVALUELIST, [], 1, "mindestens einen Wert"),
        (D.MULTIVALUELIST, [{"key": "a"}], 1, "„key“ und „name“"),
        (D.MULTIVALUELIST, "a,b", 1, "mindestens einen Wert"),
        (D.SINGLEVALUELIST, [{"key": "a", "name": "A"}, {"key": "a", "name": "B"}], 1, "doppelt"),
        (D.STRING, [{"key": "a", "name": "A"}], 1, "nur bei Auswahllisten"),
        (D.NUMBER, [], 0, "beginnt bei 1"),
    ],
)
def test_invalid_definitions(datatype: str, values: Any, order: int, fragment: str) -> None:
    attribute = ServiceAttribute(
        category=ServiceCategoryFactory(),
        code="frage",
        description="Frage",
        datatype=datatype,
        values=values,
        order=order,
    )
    with pytest.raises(ValidationError) as info:
        attribute.full_clean()
    assert fragment in str(info.value)


def test_valid_list_definition() -> None:
    attribute = ServiceAttribute(
        category=ServiceCategoryFactory(),
        code="fundort",
        description="Fundort",
        datatype=D.SINGLEVALUELIST,
        values=[{"key": 1, "name": "Spielplatz"}, {"key": "gehweg", "name": "Gehweg"}],
    )
    attribute.full_clean()
    assert attribute.allowed_keys() == ["1", "gehweg"]
