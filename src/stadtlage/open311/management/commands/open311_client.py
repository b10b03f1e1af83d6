"""`stadtlage open311_client NAME [--contact EMAIL] [--rotate]`: register an Open311 client."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from stadtlage.open311.models import ClientApplication
from stadtlage.open311.services import client_create, client_rotate_key


class Command(BaseCommand):
    help = (
        "Registriert eine Open311-Anwendung und gibt ihren API-Schlüssel einmalig aus "
        "(gespeichert wird nur ein Hash)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="Name der Anwendung, z. B. „Dortmund-App“")
        parser.add_argument("--contact", default="", help="Kontakt-E-Mail der Betreiber")
        parser.add_argument(
            "--rotate",
            action="store_true",
            help="Anwendung besteht schon: bisherige Schlüssel widerrufen, neuen ausgeben",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"].strip()
        existing = ClientApplication.objects.filter(name=name).first()
        if existing is not None:
            if not options["rotate"]:
                raise CommandError(
                    f"Die Anwendung „{name}“ ist bereits registriert. "
                    "Neuen Schlüssel ausgeben: --rotate"
                )
            raw = client_rotate_key(client=existing)
            self.stderr.write(f"Bisherige Schlüssel von „{name}“ widerrufen.")
        else:
            try:
                _client, raw = client_create(name=name, contact_email=options["contact"])
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            self.stderr.write(f"Anwendung „{name}“ registriert.")
        self.stderr.write("API-Schlüssel (wird nur jetzt angezeigt):")
        self.stdout.write(raw)
