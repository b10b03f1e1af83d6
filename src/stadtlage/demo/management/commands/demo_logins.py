"""`stadtlage demo_logins`: print the demo accounts again (demo mode only)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from stadtlage.demo.accounts import demo_logins
from stadtlage.demo.output import logins_table


class Command(BaseCommand):
    help = "Zeigt die Demo-Zugänge (nur im Demo-Modus, STADTLAGE_DEMO=1)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--totp",
            action="store_true",
            help="Gibt die TOTP-Schlüssel der Demo-Konten als otpauth-Adressen aus.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError(
                "Die Demo-Zugänge werden nur im Demo-Modus angezeigt (STADTLAGE_DEMO=1)."
            )
        from stadtlage.accounts.models import User

        existing = set(User.objects.values_list("username", flat=True))
        logins = [row for row in demo_logins() if row[0] in existing]
        if not logins:
            self.stdout.write("Noch keine Demo-Zugänge – „stadtlage demo“ legt sie an.")
            return
        self.stdout.write(logins_table(logins))
        if options["totp"]:
            from django_otp.plugins.otp_totp.models import TOTPDevice

            from stadtlage.accounts.twofactor import DEMO_DEVICE_NAME

            for device in TOTPDevice.objects.filter(name=DEMO_DEVICE_NAME).select_related("user"):
                self.stdout.write(f"  {device.user.username:<16} {device.config_url}")
