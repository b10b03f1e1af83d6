"""Data versions: a number in the shared cache that changes with every write to some models.

Cached answers carry the version in their key, so a write makes them stale at once in the
process that made it, and everywhere with a shared cache (Redis). The Open311 answers follow the
citizen reports, the public pages the released figures and decisions, the staff Lagebild the key
figures; each owns one `DataVersion` and says which models it follows.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save


class DataVersion:
    """One version number under `key`; `bump` is a signal receiver as well."""

    def __init__(self, key: str) -> None:
        self.key = key

    def current(self) -> int:
        version = cache.get_or_set(self.key, time.time_ns, None)
        return int(version) if version is not None else 0

    def _set(self) -> None:
        cache.set(self.key, time.time_ns(), None)

    def bump(self, **_: Any) -> None:
        """Change the version now and again once the current transaction commits.

        The second change drops what a concurrent reader cached while the write was uncommitted.
        """
        self._set()
        transaction.on_commit(self._set)

    def follow(self, *senders: type[models.Model]) -> None:
        """Bump on every save and delete of these models (called from an app's `ready`)."""
        for model in senders:
            uid = f"{self.key}-{model._meta.label_lower}"
            post_save.connect(self.bump, sender=model, dispatch_uid=uid, weak=False)
            post_delete.connect(self.bump, sender=model, dispatch_uid=f"{uid}-del", weak=False)
