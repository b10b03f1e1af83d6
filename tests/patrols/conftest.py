from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tests.factories import AreaFactory, square, user_with_role
from tests.patrols.factories import catalogue


@pytest.fixture
def cat(db: Any) -> dict[str, Any]:
    return catalogue()


@pytest.fixture
def westenhellweg(db: Any) -> Any:
    return AreaFactory(name="Westenhellweg", slug="westenhellweg", geometry=square(51.5137, 7.4605))


@pytest.fixture
def officer(db: Any) -> Any:
    return user_with_role("kod_officer", username="kod-1")


@pytest.fixture
def police(db: Any) -> Any:
    return user_with_role("police_officer", username="pol-1")


@pytest.fixture
def lead(db: Any) -> Any:
    return user_with_role("shift_lead", username="lead-1")


class Api:
    """The JSON API as the field app uses it (session + CSRF header)."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def sync(self, records: list[dict[str, Any]]) -> Any:
        return self.client.post(
            "/streife/api/v1/sync",
            json.dumps({"records": records}),
            content_type="application/json",
        )

    def put(self, kind: str, record_id: str, data: Any) -> Any:
        return self.client.put(
            f"/streife/api/v1/records/{kind}/{record_id}",
            json.dumps(data),
            content_type="application/json",
        )


@pytest.fixture
def api(client: Client, officer: Any) -> Api:
    client.force_login(officer)
    return Api(client)


@pytest.fixture(scope="session")
def field_server(tmp_path_factory: pytest.TempPathFactory, migrated_database: Any) -> Any:
    from tests.patrols.field_server import FieldServer

    server = FieldServer(tmp_path_factory.mktemp("field-server"), migrated_database)
    server.setup()
    server.start()
    yield server
    server.stop()
