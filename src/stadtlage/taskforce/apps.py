from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TaskforceConfig(AppConfig):
    name = "stadtlage.taskforce"
    verbose_name = _("Sonderstab")
