"""The report to the Oberbürgermeister as PDF, set by Typst (PyPI ``typst``, no system fonts).

The template (``templates/taskforce/mayor_report.typ``) reads the report document as JSON from
``sys.inputs``: user text stays data and is never parsed as Typst markup. Only Typst's embedded
fonts are used (Libertinus Serif), so the PDF looks the same on every server.
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import typst
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

TEMPLATE = Path(settings.PACKAGE_DIR) / "templates" / "taskforce" / "mayor_report.typ"


@cache
def _template() -> bytes:
    return TEMPLATE.read_bytes()


def render_pdf(
    document: dict[str, Any], *, digest: str = "", when: datetime | None = None
) -> bytes:
    """Set the document as PDF; ``digest`` (the document's SHA-256) is printed in the footer."""
    payload = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False)
    result = typst.compile(
        _template(),
        format="pdf",
        sys_inputs={"document": payload, "digest": digest[:16]},
        ignore_system_fonts=True,
        timestamp=int(when.timestamp()) if when else None,
    )
    assert isinstance(result, bytes)
    return result
