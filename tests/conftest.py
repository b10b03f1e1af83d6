from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from stadtlage.places.gazetteer import invalidate_name_index
from stadtlage.places.selectors import invalidate_area_index
from tests.factories import PASSWORD, user_with_role
from tests.migrated_database import MigratedTemplate, snapshot

_TEMPLATE = pytest.StashKey[MigratedTemplate]()


@pytest.fixture(scope="session")
def django_db_setup(
    django_db_setup: None,
    django_db_blocker: Any,
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[None]:
    """pytest-django's test database; when a collected test asks for `migrated_database`,
    also a copy of it taken right after the migrations, before any test wrote to it."""
    if not any("migrated_database" in item.fixturenames for item in request.session.items):
        yield
        return
    with django_db_blocker.unblock():
        template = snapshot(os.environ.get("DATABASE_URL", ""), tmp_path_factory.mktemp("db"))
    request.config.stash[_TEMPLATE] = template
    yield
    template.drop()


@pytest.fixture(scope="session")
def migrated_database(django_db_setup: None, request: pytest.FixtureRequest) -> MigratedTemplate:
    """The migrated, empty database as a template: `.copy(workdir, name)` gives a server in a
    subprocess its own database in well under a second instead of a 40 s `migrate`
    (tests/migrated_database.py)."""
    return request.config.stash[_TEMPLATE]


@pytest.fixture(autouse=True)
def _fresh_area_index() -> Any:
    """Per-process caches of areas and address names start empty (the database is rolled back
    after each test)."""
    invalidate_area_index()
    invalidate_name_index()
    yield
    invalidate_area_index()
    invalidate_name_index()


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """The database is rolled back after each test; cached answers and rate limits go too."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _public_cache_dir(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Built public exports go to a temporary folder, never into the worktree's var/."""
    settings.PUBLIC_CACHE_DIR = tmp_path_factory.mktemp("public-cache")


@pytest.fixture(autouse=True)
def _site_language() -> Iterator[None]:
    """Every test starts in the site's language (German).

    A request with English chosen activates English in the test thread (LocaleMiddleware), and
    it would stay active for the next test's direct service calls.
    """
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _second_factor_only_where_tested(request: pytest.FixtureRequest, settings: Any) -> None:
    """The second factor is enforced in production and demo without a switch. Tests of other
    features sign in with the password (or force_login) alone; tests marked `two_factor`
    run with it enforced, among them one that walks every URL pattern (tests/accounts)."""
    if request.node.get_closest_marker("two_factor") is None:
        settings.TWO_FACTOR_ENFORCED = False


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
