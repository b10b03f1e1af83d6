"""The field app's Prometheus counter: sync records by outcome.

Defined here, in the app that counts, and exported at ``/metrics`` by ``operations.metrics``
(which imports it), so the field app does not import the operations floor above it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from prometheus_client import Counter

SYNC_RECORDS = Counter(
    "stadtlage_sync_records_total",
    "Records of the field app's sync API by outcome.",
    ["outcome"],
)
SYNC_OUTCOMES = {201: "created", 200: "repeated", 409: "conflict"}


def count_sync_results(results: Iterable[dict[str, Any]]) -> None:
    for result in results:
        SYNC_RECORDS.labels(SYNC_OUTCOMES.get(int(result.get("status", 0)), "refused")).inc()
