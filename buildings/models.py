from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Building(models.Model):
    code = models.CharField(_("building number"), max_length=20, unique=True)
    name = models.CharField(_("display name"), max_length=50)
    floors = models.PositiveSmallIntegerField(_("floors"))
    entrances = models.PositiveSmallIntegerField(_("entrances"), default=1)
    address = models.CharField(_("address"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("buildings:building_detail", args=[self.pk])


class Dwelling(models.Model):
    class AllocationState(models.TextChoices):
        VACANT = "vacant", _("Not allocated")
        ALLOCATED = "allocated", _("Allocated")
        OCCUPIED = "occupied", _("Moved in")

    class TitleState(models.TextChoices):
        NONE = "none", _("No title yet")
        APPLIED = "applied", _("Title applied for")
        REGISTERED = "registered", _("Title registered")

    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.PROTECT, related_name="dwellings"
    )
    entrance = models.PositiveSmallIntegerField(_("entrance"), default=1)
    floor = models.SmallIntegerField(_("floor"))
    room = models.CharField(_("room"), max_length=10)
    # Three areas (DOMAIN.md §4): the first that is set counts for votes and fees.
    registered_area = models.DecimalField(
        _("registered area (m²)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    surveyed_area = models.DecimalField(
        _("surveyed area (m²)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    area = models.DecimalField(
        _("allocation area (m²)"),
        max_digits=6,
        decimal_places=2,
        help_text=_("The area of the allocation contract (分配面积)."),
    )
    allocation_state = models.CharField(
        _("allocation"),
        max_length=10,
        choices=AllocationState.choices,
        default=AllocationState.VACANT,
    )
    title_state = models.CharField(
        _("title"), max_length=10, choices=TitleState.choices, default=TitleState.NONE
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dwelling")
        verbose_name_plural = _("dwellings")
        ordering = ["building__code", "entrance", "floor", "room"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "entrance", "room"], name="dwelling_unique_room"
            ),
            models.CheckConstraint(condition=Q(area__gt=0), name="dwelling_area_positive"),
            models.CheckConstraint(
                condition=Q(registered_area__isnull=True) | Q(registered_area__gt=0),
                name="dwelling_registered_area_positive",
            ),
            models.CheckConstraint(
                condition=Q(surveyed_area__isnull=True) | Q(surveyed_area__gt=0),
                name="dwelling_surveyed_area_positive",
            ),
        ]

    def __str__(self):
        return f"{self.building.code}-{self.entrance}-{self.room}"

    @property
    def counting_area(self):
        """The area that counts for votes and fees: registered (产权登记面积), else surveyed
        (实测面积), else the allocation (contract) area. ``counting_area_expression`` is the
        same rule in SQL."""
        for value in (self.registered_area, self.surveyed_area, self.area):
            if value is not None:
                return value
        return None


def counting_area_expression(prefix: str = ""):
    """``Coalesce(registered, surveyed, allocation area)`` for a query on dwellings, or on a
    model that reaches a dwelling through ``prefix`` (for example ``"dwelling__"``)."""
    from django.db.models.functions import Coalesce

    return Coalesce(f"{prefix}registered_area", f"{prefix}surveyed_area", f"{prefix}area")


class BuildingLeaderTermQuerySet(models.QuerySet):
    def current(self):
        today = timezone.localdate()
        return self.filter(ended_on__isnull=True, started_on__lte=today)


class BuildingLeaderTerm(models.Model):
    """The elected building leader (楼长) of one building. A term is current while it has
    not ended; a building has at most one current term (a database constraint), and a
    leader's access follows their current terms."""

    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.PROTECT, related_name="leader_terms"
    )
    person = models.ForeignKey(
        "households.Person",
        verbose_name=_("elected resident"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leader_terms",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.PROTECT,
        related_name="leader_terms",
    )
    elected_on = models.DateField(_("elected on"))
    started_on = models.DateField(_("term starts"))
    ended_on = models.DateField(_("term ended"), null=True, blank=True)
    history = HistoricalRecords()

    objects = BuildingLeaderTermQuerySet.as_manager()

    class Meta:
        verbose_name = _("building leader term")
        verbose_name_plural = _("building leader terms")
        ordering = ["building__code", "-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["building"],
                condition=Q(ended_on__isnull=True),
                name="one_current_leader_per_building",
                violation_error_message=_("This building already has a current leader."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="leader_term_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.building} {self.user}"

    @property
    def is_current(self):
        return self.ended_on is None and self.started_on <= timezone.localdate()


# The leaders' field logs live in their own module; imported here so that Django finds them.
from buildings.hygiene.models import HygieneCheck  # noqa: E402,F401
from buildings.premises.models import Lease, Premises, RentPayment  # noqa: E402,F401
