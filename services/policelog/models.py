"""The police duty room's log (公安执勤室, measure 5.1 of the plan): incidents of public
order, disputes, fires and traffic, with place, time, the building and households
involved, the action taken and the unit it was handed to. A dispute can become a
resident's request (``services.policelog.services.incident_to_request``)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class IncidentKind(models.TextChoices):
    PUBLIC_ORDER = "public_order", _("Public order")
    DISPUTE = "dispute", _("Dispute")
    FIRE = "fire", _("Fire")
    TRAFFIC = "traffic", _("Traffic")
    OTHER = "other", _("Other")


class PoliceIncident(models.Model):
    kind = models.CharField(_("kind"), max_length=12, choices=IncidentKind.choices)
    occurred_at = models.DateTimeField(_("occurred at"))
    place = models.CharField(_("place"), max_length=200)
    building = models.ForeignKey(
        "buildings.Building",
        verbose_name=_("building"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="police_incidents",
    )
    households = models.ManyToManyField(
        "households.Household",
        verbose_name=_("households involved"),
        blank=True,
        related_name="police_incidents",
    )
    description = models.TextField(_("what happened"))
    action_taken = models.TextField(_("action taken"), blank=True)
    unit = models.ForeignKey(
        "community.Department",
        verbose_name=_("recording unit"),
        on_delete=models.PROTECT,
        related_name="police_incidents",
    )
    handed_to = models.ForeignKey(
        "community.Department",
        verbose_name=_("handed to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents_handed",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    request = models.OneToOneField(
        "services.ResidentRequest",
        verbose_name=_("resident's request"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="police_incident",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("police duty log incident")
        verbose_name_plural = _("police duty log")
        ordering = ["-occurred_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("services:incident_detail", args=[self.pk])
