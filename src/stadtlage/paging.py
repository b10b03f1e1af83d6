"""Page numbers from the query string (``?seite=``), as lists of the interface read them.

A missing or malformed number is the first page; a number beyond ``limit`` is the last page the
list offers, so no page overflows the database's OFFSET (a 500 on SQLite and PostgreSQL).
"""

from __future__ import annotations

from django.http import HttpRequest

MAX_PAGE = 100_000


def page_number(request: HttpRequest, *, limit: int = MAX_PAGE, param: str = "seite") -> int:
    try:
        return max(1, min(int(request.GET.get(param, "1")), limit))
    except ValueError:
        return 1
