from __future__ import annotations

from django import forms
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


class SecondFactorForm(forms.Form):
    """A code from the authenticator app (six digits) or a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("Sechs Ziffern aus der Authenticator-App oder ein Wiederherstellungscode."),
        error_messages={"required": _("Bitte geben Sie den Code ein.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


class EnrolForm(forms.Form):
    code = forms.CharField(
        label=_("Code aus der App"),
        max_length=10,
        help_text=_("Die sechs Ziffern, die die App nach dem Einrichten anzeigt."),
        error_messages={"required": _("Bitte geben Sie den Code aus der App ein.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not code.isdigit() or len(code) != 6:
            raise forms.ValidationError(_("Der Code besteht aus sechs Ziffern."))
        return code
