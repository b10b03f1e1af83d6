from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    name = "stadtlage.open311"
    verbose_name = _("Open311-Schnittstelle")

    def ready(self) -> None:
        from stadtlage.open311.cache import connect_invalidation

        connect_invalidation()
