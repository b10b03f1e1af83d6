"""WebAuthn (security keys, passkeys) as a second factor, via django-otp-webauthn.

The relying party is the host name the person uses (checked by ALLOWED_HOSTS) unless
WEBAUTHN_RP_ID fixes it; the expected origin is the request's own origin unless
WEBAUTHN_ALLOWED_ORIGINS lists them. A phishing proxy cannot pass: the browser writes the page's
real origin into the signed client data, and it differs from the proxied Host. Credentials are
bound to the host name; changing it later means registering again. Browsers refuse IP addresses
as relying party: open the demo at http://localhost:8000 to try passkeys.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django_otp_webauthn.helpers import WebAuthnHelper as BaseHelper


def relying_party_id(request: HttpRequest) -> str:
    return settings.WEBAUTHN_RP_ID or request.get_host().rsplit(":", 1)[0]


class WebAuthnHelper(BaseHelper):
    def get_allowed_origins(self) -> list[str]:
        configured = list(settings.WEBAUTHN_ALLOWED_ORIGINS)
        return configured or [f"{self.request.scheme}://{self.request.get_host()}"]
