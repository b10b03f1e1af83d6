"""The one exception the Open311 layer raises; views turn it into an <errors> document."""

from __future__ import annotations


class Open311Error(Exception):
    """An error answered with HTTP `status` and one <error> per description.

    The body code equals the HTTP status (the spec allows more specific codes; clients rarely
    use them). Descriptions are German and meant for the person using the client app.
    """

    def __init__(
        self, status: int, *descriptions: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(*descriptions)
        self.status = status
        self.descriptions = list(descriptions) or ["Fehler"]
        self.headers = headers or {}


def bad_request(*descriptions: str) -> Open311Error:
    return Open311Error(400, *descriptions)


def not_found(*descriptions: str) -> Open311Error:
    return Open311Error(404, *descriptions)
