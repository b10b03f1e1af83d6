from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotspotsConfig(AppConfig):
    name = "stadtlage.hotspots"
    verbose_name = _("Brennpunkte und Streifenpläne")
