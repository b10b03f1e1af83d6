from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from stadtlage.places.selectors import invalidate_area_index
from tests.factories import PASSWORD, user_with_role


@pytest.fixture(autouse=True)
def _fresh_area_index() -> Any:
    invalidate_area_index()
    yield
    invalidate_area_index()


@pytest.fixture
def login_as(client: Client) -> Any:
    """Log the test client in as a fresh user holding `role`."""

    def _login(role: str) -> Any:
        user = user_with_role(role)
        client.force_login(user)
        return user

    return _login


@pytest.fixture
def password() -> str:
    return PASSWORD
