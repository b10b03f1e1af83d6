from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from stadtlage.accounts.models import User
from stadtlage.kpi.services.partner import partner_token_create


class Command(BaseCommand):
    help = "Legt einen API-Schlüssel für Partner-Kennzahlen an und zeigt ihn einmalig an."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("label")

    def handle(self, *args: Any, username: str, label: str, **options: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Unbekannte Person: {username}")
        _token, raw = partner_token_create(user=user, label=label, actor=None)
        self.stdout.write(raw)
