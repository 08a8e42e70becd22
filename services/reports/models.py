from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportAccess(models.Model):
    """Holds the reports' permissions only (no table): ``services.export_full_id_number``
    lets a user export full ID numbers; everyone else gets them masked."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("export_full_id_number", _("Can export full ID numbers"))]
        verbose_name = _("report access")

    def __str__(self):
        return str(self._meta.verbose_name)
