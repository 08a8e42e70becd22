import calendar
import datetime

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
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True

    def _check_period(self, errors: dict, start: str, end: str = "ended_on") -> None:
        """An end date, when given, is not before the start date."""
        start_value, end_value = getattr(self, start), getattr(self, end)
        if start_value and end_value and end_value < start_value:
            errors[end] = _("The end date cannot be before the start date.")


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` calendar months earlier (the month's last day if shorter)."""
    year, month0 = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return datetime.date(year, month0 + 1, min(day.day, last))


def years_after(day: datetime.date, years: int = 1) -> datetime.date:
    """The anniversary ``years`` on (28 February for a 29 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def period_constraint(prefix: str) -> models.CheckConstraint:
    """A record's period ends on or after it starts (or is still open)."""
    return models.CheckConstraint(
        condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
        name=f"{prefix}_ends_after_start",
    )
