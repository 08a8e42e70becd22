"""The building leaders' field logs about households (imported by ``households.models``):
home visits (走访) and policy publicity (政策宣传) — which policy was explained to which
households."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Visit(models.Model):
    class Reason(models.TextChoices):
        ROUTINE = "routine", _("Routine visit")
        FACT_CHECK = "fact_check", _("Checking household facts")
        HARDSHIP = "hardship", _("Hardship or illness")
        REQUEST = "request", _("Following up a request")
        POLICY = "policy", _("Explaining a policy")
        DISPUTE = "dispute", _("Neighbour dispute")
        SAFETY = "safety", _("Safety or hygiene")
        OTHER = "other", _("Other")

    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="visits",
    )
    visited_on = models.DateField(_("date visited"), default=timezone.localdate, db_index=True)
    reason = models.CharField(_("reason for the visit"), max_length=12, choices=Reason.choices)
    note = models.TextField(_("what was found or agreed"), blank=True)
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("visited by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("home visit")
        verbose_name_plural = _("home visits")
        ordering = ["-visited_on", "-recorded_at"]

    def __str__(self):
        return f"{self.household} {self.visited_on}"


class PublicityRecord(models.Model):
    class Topic(models.TextChoices):
        HUKOU = "hukou", _("Hukou and residence permits")
        MEDICAL = "medical", _("Medical insurance")
        SCHOOLING = "schooling", _("Schooling")
        EMPLOYMENT = "employment", _("Employment and training")
        PENSION = "pension", _("Pension insurance")
        ASSISTANCE = "assistance", _("Minimum-living allowance and assistance")
        LAND = "land", _("Land and forest rights")
        HYGIENE = "hygiene", _("Hygiene and fire safety")
        FAMILY_PLANNING = "family_planning", _("Family planning")
        OTHER = "other", _("Other")

    building = models.ForeignKey(
        "buildings.Building",
        verbose_name=_("building"),
        on_delete=models.PROTECT,
        related_name="publicity_records",
    )
    topic = models.CharField(_("policy topic"), max_length=16, choices=Topic.choices)
    title = models.CharField(_("policy explained"), max_length=100)
    held_on = models.DateField(_("date"), default=timezone.localdate, db_index=True)
    households = models.ManyToManyField(
        "households.Household",
        verbose_name=_("households reached"),
        related_name="publicity_records",
    )
    note = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    history = HistoricalRecords(m2m_fields=[households])

    class Meta:
        verbose_name = _("policy publicity")
        verbose_name_plural = _("policy publicity")
        ordering = ["-held_on", "-recorded_at"]

    def __str__(self):
        return f"{self.get_topic_display()} {self.held_on}"
