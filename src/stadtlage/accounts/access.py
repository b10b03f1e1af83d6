"""Access-log classification of the account pages (see `stadtlage.audit.access`)."""

from stadtlage.audit.access import logged, no_records, register

OWN = "eigenes Konto: Anmeldung, zweiter Faktor, eigene Geräte"

register(
    {
        "accounts:login": no_records(OWN),
        "accounts:logout": no_records(OWN),
        "accounts:second_factor": no_records(OWN),
        "accounts:enrol": no_records(OWN),
        "accounts:recovery_codes": no_records(OWN),
        "accounts:security": no_records(OWN),
        "accounts:remove_device": no_records(OWN),
        "accounts:sign_out_own_device": no_records(OWN),
        "accounts:sso_start": no_records("Anmeldung über den Identitätsanbieter (OIDC)"),
        "accounts:sso_callback": no_records("Anmeldung über den Identitätsanbieter (OIDC)"),
        "otp_webauthn:*": no_records("Passkey-Anmeldung mit den eigenen Schlüsseln"),
        # The shift lead sees the signed-in phones of the team.
        "accounts:team_devices": logged("accounts.signedindevice"),
    }
)
