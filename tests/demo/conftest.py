"""Fixtures for the demo city: one generated scenario (01.08.–30.11.2023) shared per module."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from stadtlage.demo.accounts import create_demo_accounts
from stadtlage.demo.baseline import load_baseline
from stadtlage.demo.generator import GenerationResult, generate

SHORT_UNTIL = dt.date(2023, 11, 30)


@pytest.fixture(scope="module")
def scenario(django_db_setup: Any, django_db_blocker: Any) -> Iterator[GenerationResult]:
    """Baseline, demo accounts and the default scenario until 30.11.2023, generated once per
    module inside a transaction that is rolled back afterwards (tests nest savepoints in it)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            load_baseline()
            create_demo_accounts()
            yield generate(until=SHORT_UNTIL)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def baseline(db: Any) -> None:
    load_baseline()


@pytest.fixture
def demo_accounts(baseline: None) -> list[tuple[str, str, str]]:
    return create_demo_accounts()
