"""Residents' requests (诉求): filed by a building leader or staff, routed to a responsible
unit, answered, and closed with the resident's verdict. Every transition is a
``RequestEvent``; which transitions are legal is ``TRANSITIONS``."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Category(models.TextChoices):
    REPAIRS = "repairs", _("Repairs")
    HYGIENE = "hygiene", _("Hygiene")
    PUBLIC_ORDER = "public_order", _("Public order")
    EMPLOYMENT = "employment", _("Employment")
    SCHOOLING = "schooling", _("Schooling")
    MEDICAL = "medical", _("Medical care and insurance")
    ASSISTANCE = "assistance", _("Social assistance")
    HUKOU = "hukou", _("Hukou and permits")
    LAND = "land", _("Land and forest")
    PROPERTY = "property", _("Property service")
    FACILITY = "facility", _("Public facility")
    OTHER = "other", _("Other")


class Urgency(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Low")


class State(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    FAIRLY = "fairly", _("Fairly satisfied")
    UNSATISFIED = "unsatisfied", _("Not satisfied")


# (from, to): the legal transitions. "Reopened" is resolved/closed → in progress.
TRANSITIONS = {
    (State.SUBMITTED, State.ACCEPTED),
    (State.SUBMITTED, State.REJECTED),
    (State.ACCEPTED, State.IN_PROGRESS),
    (State.ACCEPTED, State.RESOLVED),
    (State.ACCEPTED, State.REJECTED),
    (State.IN_PROGRESS, State.RESOLVED),
    (State.RESOLVED, State.CLOSED),
    (State.RESOLVED, State.IN_PROGRESS),
    (State.CLOSED, State.IN_PROGRESS),
}
OPEN_STATES = [State.SUBMITTED, State.ACCEPTED, State.IN_PROGRESS]


class ResidentRequest(models.Model):
    building = models.ForeignKey(
        "buildings.Building",
        verbose_name=_("building"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
        help_text=_("Empty only for a request about a public facility."),
    )
    # A lazy reference: facilities sit above requests (they file requests), so requests
    # never import them.
    facility = models.ForeignKey(
        "services.Facility",
        verbose_name=_("public facility"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
    )
    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
        help_text=_("Empty for a request about the building as a whole."),
    )
    category = models.CharField(_("category"), max_length=15, choices=Category.choices)
    description = models.TextField(_("description"))
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.SUBMITTED, db_index=True
    )
    unit = models.ForeignKey(
        "community.Department",
        verbose_name=_("responsible unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now, db_index=True)
    deadline = models.DateTimeField(_("deadline"), db_index=True)
    resolution = models.TextField(_("what was done"), blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    satisfaction = models.CharField(
        _("resident's verdict"), max_length=12, choices=Satisfaction.choices, blank=True
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    overdue_flagged_at = models.DateTimeField(_("flagged overdue at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("resident's request")
        verbose_name_plural = _("residents' requests")
        ordering = ["-filed_at"]
        indexes = [models.Index(fields=["unit", "state"], name="request_unit_state")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(building__isnull=False) | models.Q(facility__isnull=False),
                name="request_names_building_or_facility",
                violation_error_message=_("A request names a building or a public facility."),
            )
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_category_display()}"

    def get_absolute_url(self):
        return reverse("services:request_detail", args=[self.pk])

    @property
    def is_open(self):
        return self.state in OPEN_STATES

    @property
    def place_name(self) -> str:
        """The building, or the facility a building-less request is about."""
        if self.building_id is not None:
            return self.building.name
        return self.facility.name if self.facility_id is not None else ""

    def is_overdue_at(self, moment) -> bool:
        """Overdue: still open (or resolved after) the deadline. At the deadline itself it
        is not yet overdue."""
        if self.resolved_at is not None and self.state in (State.RESOLVED, State.CLOSED):
            return self.resolved_at > self.deadline
        if self.state == State.REJECTED:
            return False
        return moment > self.deadline


def request_photo_path(instance, filename):
    return f"requests/{instance.request_id}/{timezone.now():%Y%m%d%H%M%S%f}.jpg"


class RequestPhoto(models.Model):
    request = models.ForeignKey(
        ResidentRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("photo"), upload_to=request_photo_path)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("request photo")
        verbose_name_plural = _("request photos")
        ordering = ["uploaded_at"]

    def __str__(self):
        return self.image.name


class RequestEvent(models.Model):
    """One transition of a request: the timeline staff see."""

    request = models.ForeignKey(
        ResidentRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="events"
    )
    from_state = models.CharField(_("from"), max_length=12, choices=State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=12, choices=State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    unit = models.ForeignKey(
        "community.Department",
        verbose_name=_("unit assigned"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.request_id}: {self.from_state} → {self.to_state}"
