from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "services"
    verbose_name = _("Services and obligations")

    def ready(self):
        from .obligation_cache import connect

        connect()
