from __future__ import annotations

from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Benutzername oder Passwort ist falsch. Bitte prüfen Sie Ihre Eingabe "
            "(Groß- und Kleinschreibung beachten)."
        ),
        "inactive": _("Dieses Konto ist deaktiviert."),
    }
