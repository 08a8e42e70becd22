from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OwnersassocConfig(AppConfig):
    name = "ownersassoc"
    verbose_name = _("Owners' association")
