from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "stadtlage.operations"
    verbose_name = _("Betrieb")

    def ready(self) -> None:
        from stadtlage.operations import checks  # noqa: F401 – registers the deploy checks
