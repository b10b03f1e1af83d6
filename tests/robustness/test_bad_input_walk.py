"""Every URL pattern with bad ids and bad query parameters, as an anonymous and as a signed-in
person holding every role: never a 500.

The query parameters are found systematically: every name the code reads from ``request.GET``
and every field of every form. The suite sends a few bad values per URL; ``make fuzz``
(``FUZZ_EXAMPLES`` > 8) sends all of them to every URL, and bad form data by POST too."""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.db import transaction
from django.test import Client

import stadtlage
from stadtlage.demo.accounts import create_demo_accounts
from stadtlage.demo.baseline import load_baseline
from stadtlage.organisations.models import Organisation
from tests.privacy.conftest import _everyone
from tests.robustness.routes import Route, routes

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))
SOURCE = Path(stadtlage.__file__).parent

BAD_VALUES = [
    "x",
    "-1",
    "0",
    "99999999999999999999999999",
    "1e308",
    "nan",
    "9999-12-31T23:59:59+14:00",
    "0001-01-01",
    "٣",
    "1_0",
    "a\x00b",
    "[]",
    "../../etc/passwd",
    "<script>",
    "ü" * 300,
    " ",
]
# Path arguments: the dummy values of `routes.Route.url`, and these.
BAD_ARGUMENTS = {"IntConverter": [0, 2**63, 10**30], "regex": ["ü€", "x" * 300]}

_GET_NAME = re.compile(r"""GET(?:\.get|\.getlist|\.__contains__)?[(\[]\s*["']([\w\[\]-]+)["']""")
# Helpers that read a parameter: `_param(request, "page")`, `_date(request, "start_date")`.
_HELPER_NAME = re.compile(r"""\(request,\s*["'](\w+)["']""")


def _query_names() -> list[str]:
    """Every name read from ``request.GET`` in the code, and every form field."""
    names = set()
    for path in SOURCE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        names.update(_GET_NAME.findall(text))
        names.update(_HELPER_NAME.findall(text))
    for form in _subclasses(forms.BaseForm):
        if form.__module__.startswith("stadtlage."):
            names.update(getattr(form, "base_fields", {}))
    return sorted(names)


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _urls(route: Route) -> Iterator[str]:
    url = route.url()
    if url is not None:
        yield url
    for argument in route.arguments:
        for value in BAD_ARGUMENTS.get(route.converter(argument), []):
            bad = route.url({argument: value})
            if bad is not None:
                yield bad


@pytest.fixture(scope="module")
def everyone(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Any]:
    """The demo city's catalogues, areas and accounts and one person with every role;
    rolled back afterwards."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            load_baseline()
            create_demo_accounts()
            yield _everyone(list(Organisation.objects.all()))
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


# POSTs that end the session being walked with.
SIGN_OUT = {"accounts:logout", "admin:logout", "accounts:sign_out_own_device"}


def _walk(client: Client, *, post: bool, user: Any = None) -> tuple[list[Any], int]:
    names = _query_names()
    assert {"start_date", "page", "series", "date"} <= set(names)
    values = itertools.cycle(BAD_VALUES)
    failures, sent = [], 0
    for route in routes():
        admin = route.name.startswith("admin:")
        if post and (admin or route.name in SIGN_OUT):
            continue  # Django's own admin; signing out
        # Every bad value at every page of ours; the admin's many model pages get one each
        # in the suite, all in `make fuzz`.
        per_url = 1 if admin and EXAMPLES <= 8 else len(BAD_VALUES)
        for url in _urls(route):
            if user is not None:
                client.force_login(user)  # a POST may have ended the session
            for _ in range(per_url):
                value = next(values)
                query = dict.fromkeys(names, value)
                response = client.post(url, query) if post else client.get(url, query)
                sent += 1
                if response.status_code >= 500:
                    failures.append((route.name, url, value, response.status_code))
    return failures, sent


@pytest.mark.django_db
def test_bad_ids_and_parameters_anonymous(client: Client, everyone: Any) -> None:
    failures, sent = _walk(client, post=False)
    assert failures == [], failures
    assert sent > 250


@pytest.mark.django_db
def test_bad_ids_and_parameters_signed_in(client: Client, everyone: Any) -> None:
    client.force_login(everyone)
    failures, sent = _walk(client, post=False)
    assert failures == [], failures
    assert sent > 250


@pytest.mark.django_db
@pytest.mark.skipif(EXAMPLES <= 8, reason="bad form data by POST to every URL: make fuzz")
def test_bad_form_data_signed_in(client: Client, everyone: Any) -> None:
    failures, _sent = _walk(client, post=True, user=everyone)
    assert failures == [], failures
