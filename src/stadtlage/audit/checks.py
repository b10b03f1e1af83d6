"""Start-up checks of the retention settings (fail fast, `stadtlage check`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

from stadtlage.audit.retention import rules


@register(Tags.compatibility)
def retention_settings(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Every data class has a rule, a period, a purpose and a legal basis; no period is too
    short for what depends on it."""
    errors: list[Error] = []
    days: dict[str, Any] = getattr(settings, "RETENTION_DAYS", {})
    basis: dict[str, Any] = getattr(settings, "RETENTION_BASIS", {})
    registered = {rule.data_class: rule for rule in rules()}
    for key in sorted(set(days) - set(registered)):
        errors.append(Error(f"RETENTION_DAYS[{key!r}] has no retention rule.", id="stadtlage.E101"))
    for key, rule in registered.items():
        if key not in days:
            errors.append(Error(f"RETENTION_DAYS has no entry for {key!r}.", id="stadtlage.E102"))
            continue
        entry = basis.get(key, {})
        if not entry.get("purpose") or not entry.get("legal_basis"):
            errors.append(
                Error(
                    f"RETENTION_BASIS[{key!r}] needs a purpose and a legal basis.",
                    id="stadtlage.E103",
                )
            )
        if int(days[key]) < rule.least_days:
            errors.append(
                Error(
                    f"RETENTION_DAYS[{key!r}] = {days[key]} is shorter than {rule.least_days} "
                    "days (see the rule's documentation).",
                    id="stadtlage.E104",
                )
            )
    return errors
