"""Public facilities serving the community (measures 5.2 and 6.2 of the plan): bus stops
and routes (县交通运输局), sports facilities (县教科体局), the community clinic (县卫健委).
Each has an owner unit, a state and an upkeep log; the clinic its staff register."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class FacilityKind(models.TextChoices):
    BUS_STOP = "bus_stop", _("Bus stop")
    BUS_ROUTE = "bus_route", _("Bus route")
    SPORTS = "sports", _("Sports facility")
    CLINIC = "clinic", _("Community clinic")
    OTHER = "other", _("Other facility")


class FacilityState(models.TextChoices):
    IN_SERVICE = "in_service", _("In service")
    OUT_OF_ORDER = "out_of_order", _("Out of order")
    CLOSED = "closed", _("Closed")


class Facility(models.Model):
    kind = models.CharField(_("kind"), max_length=12, choices=FacilityKind.choices)
    name = models.CharField(_("name"), max_length=100)
    location = models.CharField(_("location"), max_length=200, blank=True)
    owner_unit = models.ForeignKey(
        "community.Department",
        verbose_name=_("owner unit"),
        on_delete=models.PROTECT,
        related_name="facilities",
    )
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=FacilityState.choices,
        default=FacilityState.IN_SERVICE,
        db_index=True,
    )
    state_since = models.DateTimeField(_("in this state since"), default=timezone.now)
    description = models.TextField(_("description"), blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    services_offered = models.TextField(_("services offered"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("public facility")
        verbose_name_plural = _("public facilities")
        ordering = ["kind", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="one_facility_name_per_kind")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("services:facility_detail", args=[self.pk])


class UpkeepKind(models.TextChoices):
    INSPECTION = "inspection", _("Inspection")
    MAINTENANCE = "maintenance", _("Maintenance")
    FAULT = "fault", _("Fault reported")
    REPAIRED = "repaired", _("Repaired, back in service")
    CLOSED = "closed", _("Closed")


class FacilityUpkeep(models.Model):
    """One entry of a facility's upkeep log; entries that change the state say so."""

    facility = models.ForeignKey(
        Facility, verbose_name=_("facility"), on_delete=models.CASCADE, related_name="upkeep"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=UpkeepKind.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    request = models.ForeignKey(
        "services.ResidentRequest",
        verbose_name=_("resident's request"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("upkeep entry")
        verbose_name_plural = _("upkeep log")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.facility} {self.get_kind_display()}"


class ClinicStaff(models.Model):
    """The clinic's staff register, kept like that of village doctors: qualification, post,
    from and until."""

    facility = models.ForeignKey(
        Facility,
        verbose_name=_("clinic"),
        on_delete=models.PROTECT,
        limit_choices_to={"kind": FacilityKind.CLINIC},
        related_name="staff",
    )
    name = models.CharField(_("name"), max_length=50)
    qualification = models.CharField(_("qualification"), max_length=100)
    post = models.CharField(_("post"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("clinic staff member")
        verbose_name_plural = _("clinic staff")
        ordering = ["facility", "ended_on", "started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="clinic_staff_ends_after_start",
            )
        ]

    def __str__(self):
        return self.name
