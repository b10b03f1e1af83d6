"""The processing register as PDF, set by Typst like the report to the Oberbürgermeister
(`taskforce.pdf`): the template reads the register as JSON from ``sys.inputs``, so text is data
and never Typst markup; only Typst's embedded fonts are used."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import typst
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

from stadtlage.privacy.register import Register

TEMPLATE = Path(settings.PACKAGE_DIR) / "templates" / "privacy" / "register.typ"


@cache
def _template() -> bytes:
    return TEMPLATE.read_bytes()


def register_pdf(register: Register) -> bytes:
    payload = json.dumps(register.as_dict(), cls=DjangoJSONEncoder, ensure_ascii=False)
    result = typst.compile(
        _template(),
        format="pdf",
        sys_inputs={"register": payload},
        ignore_system_fonts=True,
        timestamp=int(register.as_of.timestamp()),
    )
    assert isinstance(result, bytes)
    return result
