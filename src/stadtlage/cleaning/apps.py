from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CleaningConfig(AppConfig):
    name = "stadtlage.cleaning"
    verbose_name = _("Reinigung")
