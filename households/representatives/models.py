"""Household representatives (户长), an optional layer under the building leader: a resident
responsible for a few neighbouring households of one building. A representative's term and
each household's assignment are dated and kept when they end; a household has at most one
current representative (a database constraint), a resident at most one current term."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class HouseholdRepresentative(models.Model):
    building = models.ForeignKey(
        "buildings.Building",
        verbose_name=_("building"),
        on_delete=models.PROTECT,
        related_name="household_representatives",
    )
    person = models.ForeignKey(
        "households.Person",
        verbose_name=_("resident"),
        on_delete=models.PROTECT,
        related_name="representative_terms",
    )
    started_on = models.DateField(_("appointed from"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    note = models.CharField(_("notes"), max_length=200, blank=True)
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("household representative")
        verbose_name_plural = _("household representatives")
        ordering = ["building__code", "-started_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(ended_on__isnull=True),
                name="one_current_representative_term_per_person",
                violation_error_message=_("This resident is already a current representative."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="representative_term_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.building} {self.person}"

    def get_absolute_url(self):
        return reverse("households:representative_detail", args=[self.pk])

    @property
    def is_current(self) -> bool:
        return self.ended_on is None


class RepresentedHousehold(models.Model):
    representative = models.ForeignKey(
        HouseholdRepresentative,
        verbose_name=_("household representative"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="representative_assignments",
    )
    started_on = models.DateField(_("assigned from"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("household under a representative")
        verbose_name_plural = _("households under representatives")
        ordering = ["representative", "household__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(ended_on__isnull=True),
                name="one_current_representative_per_household",
                violation_error_message=_("This household already has a current representative."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="representation_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.representative} {self.household}"
