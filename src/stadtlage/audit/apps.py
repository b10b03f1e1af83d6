from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "stadtlage.audit"
    verbose_name = _("Protokoll")

    def ready(self) -> None:
        # Each app registers the retention rules of its own data (audit.retention).
        autodiscover_modules("retention")
        # ... and classifies its URLs for the access log (audit.access).
        autodiscover_modules("access")
        from stadtlage.audit import checks  # noqa: F401  (retention settings, middleware)
