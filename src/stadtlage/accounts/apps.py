from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "stadtlage.accounts"
    verbose_name = _("Konten und Rollen")

    def ready(self) -> None:
        from stadtlage.accounts import signals  # noqa: F401  (login audit and device receivers)
