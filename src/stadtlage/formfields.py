"""Form fields shared by the apps' forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# The widest integer key the databases store (SQLite INTEGER, PostgreSQL bigint).
_MAX_KEY = 2**63 - 1


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, with a number beyond the database's integers refused as an invalid choice.

    Django checks single values, but asks the database for all of them at once; SQLite's driver
    raises ``OverflowError`` for such a number, which Django lets through as a 500.
    """

    def _check_values(self, value: Any) -> Any:
        try:
            return super()._check_values(value)  # type: ignore[misc]
        except OverflowError:
            too_wide = next(
                (v for v in value if str(v).lstrip("+-").isdigit() and abs(int(v)) > _MAX_KEY),
                value[0] if value else "",
            )
            raise ValidationError(
                self.error_messages["invalid_pk_value"],
                code="invalid_pk_value",
                params={"pk": too_wide},
            ) from None


# Days the interface plans, shows or filters: far enough for any record, near enough that a
# day's bounds (midnight to midnight in the city's zone, as UTC) stay within Python's dates.
FIRST_YEAR, LAST_YEAR = 2000, 2100


class DayField(forms.DateField):
    """A calendar day between 2000 and 2100 (year 1 or 9999 overflow when made zone-aware)."""

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise ValidationError(
                _("Bitte ein Datum zwischen %(first)s und %(last)s angeben."),
                code="out_of_range",
                params={"first": FIRST_YEAR, "last": LAST_YEAR},
            )


def form_errors(form: forms.BaseForm, what: str = "") -> str:
    """A form's errors in one German sentence, each named by the field's label."""
    parts = []
    for name, errors in form.errors.items():
        text = " ".join(str(e) for e in errors)
        field = form.fields.get(name)
        parts.append(f"{field.label}: {text}" if field is not None and field.label else text)
    joined = "; ".join(parts)
    if what:
        return gettext("%(what)s: %(errors)s") % {"what": what, "errors": joined}
    return gettext("Bitte die Eingaben prüfen: %(errors)s") % {"errors": joined}
