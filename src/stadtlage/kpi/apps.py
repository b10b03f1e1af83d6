from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KpiConfig(AppConfig):
    name = "stadtlage.kpi"
    verbose_name = _("Kennzahlen")

    def ready(self) -> None:
        from stadtlage.kpi.cache import connect_invalidation

        connect_invalidation()
