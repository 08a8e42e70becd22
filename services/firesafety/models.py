"""Fire-safety inspections (measure 5.1 of the plan: 县消防大队, 琴江镇派出所) of the
buildings and premises: findings, a rectification deadline, completion with evidence.
An open rectification past its deadline fails the obligation rule
``fire-rectification-overdue`` (services/obligations/rules.py)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class InspectionResult(models.TextChoices):
    PASSED = "passed", _("Passed")
    RECTIFY = "rectify", _("Rectification required")


def evidence_path(instance, filename):
    return f"firesafety/{instance.pk}/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class FireInspection(models.Model):
    building = models.ForeignKey(
        "buildings.Building",
        verbose_name=_("building"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fire_inspections",
    )
    # The registry has no premises model yet: the market stall, storage room or shop is
    # named as on site.
    premises = models.CharField(
        _("premises"),
        max_length=100,
        blank=True,
        help_text=_("A market stall, storage room or shop, as named on site."),
    )
    unit = models.ForeignKey(
        "community.Department",
        verbose_name=_("inspecting unit"),
        on_delete=models.PROTECT,
        related_name="fire_inspections",
    )
    inspected_on = models.DateField(_("inspected on"))
    inspected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    findings = models.TextField(_("findings"))
    result = models.CharField(_("result"), max_length=10, choices=InspectionResult.choices)
    rectification_deadline = models.DateField(_("rectify by"), null=True, blank=True)
    rectified_on = models.DateField(_("rectified on"), null=True, blank=True)
    rectification_note = models.TextField(_("what was rectified"), blank=True)
    evidence = models.FileField(_("evidence"), upload_to=evidence_path, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fire-safety inspection")
        verbose_name_plural = _("fire-safety inspections")
        ordering = ["-inspected_on", "-pk"]
        indexes = [
            models.Index(
                fields=["rectification_deadline"],
                condition=Q(result="rectify", rectified_on__isnull=True),
                name="fire_open_rectifications",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(building__isnull=False) | ~Q(premises=""),
                name="fire_inspection_names_a_place",
                violation_error_message=_("Choose the building or the premises inspected."),
            ),
            models.CheckConstraint(
                condition=Q(result="passed", rectification_deadline__isnull=True)
                | Q(result="rectify", rectification_deadline__isnull=False),
                name="fire_rectification_has_deadline",
                violation_error_message=_("A rectification needs a deadline; a pass has none."),
            ),
            models.CheckConstraint(
                condition=Q(rectified_on__isnull=True) | Q(rectified_on__gte=F("inspected_on")),
                name="fire_rectified_after_inspection",
                violation_error_message=_("The rectification cannot precede the inspection."),
            ),
        ]

    def __str__(self):
        return f"{self.place_name} {self.inspected_on}"

    def get_absolute_url(self):
        return reverse("services:fire_inspection_detail", args=[self.pk])

    @property
    def place_name(self) -> str:
        if self.premises:
            return f"{self.building} {self.premises}" if self.building_id else self.premises
        return str(self.building)

    @property
    def needs_rectification(self) -> bool:
        return self.result == InspectionResult.RECTIFY and self.rectified_on is None

    def is_overdue_on(self, day) -> bool:
        """Overdue from the day after the deadline while not rectified."""
        return self.needs_rectification and day > self.rectification_deadline


def overdue_rectification_q(today) -> Q:
    """The same condition as ``FireInspection.is_overdue_on``, for SQL."""
    return Q(
        result=InspectionResult.RECTIFY,
        rectified_on__isnull=True,
        rectification_deadline__lt=today,
    )
