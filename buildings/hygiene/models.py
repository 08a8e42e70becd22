"""The building leaders' field logs kept on a building: hygiene checks (卫生检查) with their
follow-up once a problem is fixed. Imported by ``buildings.models``."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def hygiene_photo_path(instance, filename):
    return f"hygiene/{instance.building_id}/{timezone.now():%Y%m%d%H%M%S%f}.jpg"


class HygieneCheck(models.Model):
    building = models.ForeignKey(
        "buildings.Building",
        verbose_name=_("building"),
        on_delete=models.PROTECT,
        related_name="hygiene_checks",
    )
    area = models.CharField(
        _("floor or area"),
        max_length=50,
        help_text=_("For example: 3rd floor stairs, entrance 2, bike shed."),
    )
    checked_on = models.DateField(_("date checked"), default=timezone.localdate, db_index=True)
    score = models.PositiveSmallIntegerField(_("score (0–100)"))
    problems = models.TextField(_("problems found"), blank=True)
    photo = models.ImageField(_("photo"), upload_to=hygiene_photo_path, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    fixed_on = models.DateField(_("fixed on"), null=True, blank=True)
    fix_note = models.TextField(_("what was done"), blank=True)
    fixed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("fix recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hygiene check")
        verbose_name_plural = _("hygiene checks")
        ordering = ["-checked_on", "-recorded_at"]
        constraints = [
            models.CheckConstraint(condition=Q(score__lte=100), name="hygiene_score_at_most_100"),
            models.CheckConstraint(
                condition=Q(fixed_on__isnull=True) | Q(fixed_on__gte=F("checked_on")),
                name="hygiene_fixed_after_check",
            ),
            models.CheckConstraint(
                condition=Q(fixed_on__isnull=True) | ~Q(problems=""),
                name="hygiene_fix_needs_problem",
            ),
        ]

    def __str__(self):
        return f"{self.building} {self.area} {self.checked_on}"

    def get_absolute_url(self):
        return reverse("mobile:hygiene_detail", args=[self.pk])

    @property
    def has_open_problem(self) -> bool:
        return bool(self.problems) and self.fixed_on is None
