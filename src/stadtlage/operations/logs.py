"""Log records as one JSON object per line (production), for journald, Loki or any collector.

Fields: ``time`` (ISO 8601, UTC), ``level``, ``logger``, ``message``; ``exc`` with the whole
traceback when the record carries one (every 500 does, see ``settings.LOGGING``); ``status`` and
``path`` for request records of ``django.request``/``django.server``; anything passed with
``extra={"job": …}`` and the other keys in ``EXTRA_KEYS``.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

EXTRA_KEYS = ("job", "duration_ms", "status", "worker", "summary", "method", "view")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in EXTRA_KEYS:
            value = getattr(record, key, None)
            if value is not None:
                data[key] = value if isinstance(value, int | float | str | bool) else str(value)
        request = getattr(record, "request", None)
        path = getattr(request, "path", None)
        if isinstance(path, str):
            data["path"] = path
            data["method"] = getattr(request, "method", None)
        if getattr(record, "status_code", None) is not None:
            data["status"] = record.status_code  # type: ignore[attr-defined]
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            data["exc"] = record.exc_text
        if record.stack_info:
            data["stack"] = self.formatStack(record.stack_info)
        return json.dumps(data, ensure_ascii=False, default=str)
