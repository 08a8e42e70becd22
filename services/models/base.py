from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Place(models.TextChoices):
    QINJIANG = "qinjiang", _("Qinjiang (where they live)")
    ORIGIN = "origin", _("Township of origin")


class ServiceRecord(models.Model):
    """What every obligation record carries: the unit that recorded it, who and when."""

    recorded_unit = models.ForeignKey(
        "community.Department",
        verbose_name=_("recorded by unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        abstract = True
