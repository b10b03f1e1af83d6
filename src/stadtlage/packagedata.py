"""Data files shipped inside the package (seed stories, indicator specs), read with
``importlib.resources`` so that they are found in a wheel as in a checkout.

They live in a ``data/`` folder of their app and are package data (pyproject.toml:
``[tool.setuptools.package-data]``). A ground-floor module: it imports nothing of stadtlage.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any


def load_json(package: str, name: str) -> Any:
    """The parsed ``data/<name>`` of `package` (e.g. ``"stadtlage.kpi"``)."""
    text = resources.files(package).joinpath("data", name).read_text(encoding="utf-8")
    return json.loads(text)
