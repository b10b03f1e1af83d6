"""Demo accounts for every role, and the logins command."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from stadtlage.accounts.models import Membership, Role, User
from stadtlage.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, create_demo_accounts


@pytest.mark.django_db
def test_a_demo_account_for_every_role(demo_accounts: list[tuple[str, str, str]]) -> None:
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    assert {row[0] for row in demo_accounts} == {a.username for a in DEMO_ACCOUNTS}
    for account in DEMO_ACCOUNTS:
        assert User.objects.get(username=account.username).has_role(account.role)


@pytest.mark.django_db
def test_admin_is_superuser_and_password_works(demo_accounts: list[tuple[str, str, str]]) -> None:
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    assert admin.check_password(DEMO_PASSWORD)
    assert not User.objects.get(username="kod").is_staff


@pytest.mark.django_db
def test_accounts_are_idempotent_and_staff_a_pool(
    demo_accounts: list[tuple[str, str, str]],
) -> None:
    users, memberships = User.objects.count(), Membership.objects.count()
    create_demo_accounts()
    assert (User.objects.count(), Membership.objects.count()) == (users, memberships)
    assert User.objects.filter(username__startswith="kod-").count() == 12
    assert User.objects.filter(username__startswith="polizei-").count() == 12
    ag = User.objects.get(username="ag-mitglied")
    assert ag.memberships.exclude(working_group=None).count() == 2


@pytest.mark.django_db
def test_demo_logins_only_in_demo_mode(
    demo_accounts: list[tuple[str, str, str]], settings: Any
) -> None:
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="Demo-Modus"):
        call_command("demo_logins")
    settings.DEMO_MODE = True
    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert "ob-buero" in out.getvalue()
    assert DEMO_PASSWORD in out.getvalue()
