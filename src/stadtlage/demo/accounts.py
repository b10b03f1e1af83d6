"""Demo accounts: one per role, plus a pool of officers who staff the generated patrols.

Only for demo mode: every account shares one published password. The password is hashed once
and the hash reused, because hashing is deliberately slow (PBKDF2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from stadtlage.accounts.models import Membership, Role, User
from stadtlage.accounts.twofactor import enrol_demo_device
from stadtlage.demo import catalogue as cat
from stadtlage.organisations.models import Organisation, WorkingGroup

DEMO_PASSWORD: Final = "stadtlage-demo"  # noqa: S105 - published demo password, demo mode only
DEMO_EMAIL_DOMAIN: Final = "example.org"
POOL_SIZE: Final = 12


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    organisation: str  # short name
    first_name: str
    last_name: str
    working_groups: tuple[str, ...] = ()
    superuser: bool = False


R = Role
DEMO_ACCOUNTS: Final[tuple[DemoAccount, ...]] = (
    DemoAccount("kod", R.KOD_OFFICER, cat.KOD, "Kim", "Krause"),
    DemoAccount("polizei", R.POLICE_OFFICER, cat.POLICE, "Paul", "Peters"),
    DemoAccount("schichtleitung", R.SHIFT_LEAD, cat.KOD, "Sabine", "Schulte"),
    DemoAccount("streetwork", R.STREETWORKER, cat.STREETWORK, "Sami", "Stein"),
    DemoAccount("edg", R.CLEANING_CREW, cat.EDG, "Emil", "Engel"),
    DemoAccount(
        "ag-mitglied",
        R.WG_MEMBER,
        cat.SOCIAL_OFFICE,
        "Anna",
        "Albers",
        (cat.WG_CAMPING, cat.WG_ADDICTION_HELP),
    ),
    DemoAccount("ag-leitung", R.WG_LEAD, cat.KOD, "Lena", "Lange", (cat.WG_HARASSMENT,)),
    DemoAccount("sonderstab", R.TASKFORCE_LEAD, cat.SITUATION_CENTRE, "Thomas", "Sommer"),
    DemoAccount("vorstand", R.BOARD_MEMBER, cat.CITY, "Vera", "Vogt"),
    DemoAccount("ob-buero", R.MAYOR_OFFICE, cat.CITY, "Olaf", "Becker"),
    DemoAccount("analyse", R.ANALYST, cat.SITUATION_CENTRE, "Alex", "Arndt"),
    DemoAccount("partner-kick", R.PARTNER_SUBMITTER, cat.KICK, "Karin", "Kaiser"),
    DemoAccount("partner-polizei", R.PARTNER_SUBMITTER, cat.POLICE, "Petra", "Pohl"),
    DemoAccount("admin", R.ADMIN, cat.SITUATION_CENTRE, "Ada", "Admin", superuser=True),
    DemoAccount("datenschutz", R.DATA_PROTECTION_OFFICER, cat.CITY, "Dana", "Dreyer"),
)

_POOL_FIRST_NAMES: Final = (
    "Jana", "Murat", "Svenja", "Tobias", "Aylin", "Jonas",
    "Mia", "Dennis", "Leonie", "Kevin", "Nina", "Marco",
)  # fmt: skip
_POOL_LAST_NAMES: Final = (
    "Hoffmann", "Yilmaz", "Kowalski", "Wagner", "Schmitz", "Demir",
    "Richter", "Nowak", "Becker", "Koch", "Wolf", "Schäfer",
)  # fmt: skip


def pool_accounts(size: int = POOL_SIZE) -> tuple[DemoAccount, ...]:
    """Officers who staff the generated patrols: kod-01…, polizei-01…"""
    accounts = []
    for i in range(size):
        first = _POOL_FIRST_NAMES[i % len(_POOL_FIRST_NAMES)]
        accounts.append(
            DemoAccount(
                f"kod-{i + 1:02d}",
                R.KOD_OFFICER,
                cat.KOD,
                first,
                _POOL_LAST_NAMES[i % len(_POOL_LAST_NAMES)],
            )
        )
        accounts.append(
            DemoAccount(
                f"polizei-{i + 1:02d}",
                R.POLICE_OFFICER,
                cat.POLICE,
                first,
                _POOL_LAST_NAMES[(i + 5) % len(_POOL_LAST_NAMES)],
            )
        )
    return tuple(accounts)


def needs_second_factor(account: DemoAccount) -> bool:
    return account.superuser or account.role in settings.TWO_FACTOR_ROLES


def enrol_demo_second_factors() -> int:
    """Demo accounts that need a second factor get an authenticator with a published secret;
    in demo mode the second-factor page shows its current code. Idempotent."""
    usernames = [a.username for a in (*DEMO_ACCOUNTS, *pool_accounts()) if needs_second_factor(a)]
    users = list(User.objects.filter(username__in=usernames))
    for user in users:
        enrol_demo_device(user)
    return len(users)


def role_label(role: str) -> str:
    return str(Role(role).label)


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, role label, password) of the fixed demo accounts, for printing."""
    return [(a.username, role_label(a.role), DEMO_PASSWORD) for a in DEMO_ACCOUNTS]


@transaction.atomic
def create_demo_accounts(*, pool_size: int = POOL_SIZE) -> list[tuple[str, str, str]]:
    """Create or update the demo accounts with memberships. Needs the baseline (organisations
    and working groups). Idempotent. Returns the logins of the fixed accounts."""
    orgs = {o.short_name: o for o in Organisation.objects.all()}
    groups = {g.slug: g for g in WorkingGroup.objects.all()}
    password_hash = make_password(DEMO_PASSWORD)
    for account in (*DEMO_ACCOUNTS, *pool_accounts(pool_size)):
        user, _ = User.objects.update_or_create(
            username=account.username,
            defaults={
                "first_name": account.first_name,
                "last_name": account.last_name,
                "email": f"{account.username}@{DEMO_EMAIL_DOMAIN}",
                "is_active": True,
                "is_staff": account.superuser,
                "is_superuser": account.superuser,
                "password": password_hash,
            },
        )
        validate_password(DEMO_PASSWORD, user)
        organisation = orgs[account.organisation]
        if account.working_groups:
            for slug in account.working_groups:
                Membership.objects.get_or_create(
                    user=user,
                    organisation=organisation,
                    role=account.role,
                    working_group=groups[slug],
                )
        else:
            Membership.objects.get_or_create(
                user=user, organisation=organisation, role=account.role, working_group=None
            )
    enrol_demo_second_factors()
    return demo_logins()
