from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from . import (
            accounts,  # noqa: F401  (login and password-change signal handlers)
            permissions,  # noqa: F401  (a permission change forgets cached sets)
        )
