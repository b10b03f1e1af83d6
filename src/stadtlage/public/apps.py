from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "stadtlage.public"
    verbose_name = _("Öffentliche Seiten und offene Daten")

    def ready(self) -> None:
        from stadtlage.public.cache import connect_invalidation

        connect_invalidation()
