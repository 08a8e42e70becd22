"""Changes to a household's identity facts proposed by a building leader and decided by
community staff (imported by ``households.models``). Nothing is applied to the registry
until a member of staff approves the proposal."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class MemberChangeProposal(models.Model):
    class Kind(models.TextChoices):
        CHANGE = "change", _("Change identity facts")
        ADD = "add", _("Add a member")
        LEAVE = "leave", _("Member leaves the household")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved and applied")
        REJECTED = "rejected", _("Rejected")

    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    person = models.ForeignKey(
        "households.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        help_text=_("Empty when the proposal adds a new member."),
    )
    kind = models.CharField(_("kind of change"), max_length=10, choices=Kind.choices)
    proposed = models.JSONField(_("proposed facts"), default=dict)
    base_version = models.PositiveIntegerField(_("version proposed against"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    note = models.TextField(_("proposer's note"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("reviewer's note or reason"), blank=True)
    result_person = models.ForeignKey(
        "households.Person",
        verbose_name=_("member created"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("proposed member change")
        verbose_name_plural = _("proposed member changes")
        ordering = ["-proposed_at"]
        permissions = [
            ("review_memberchangeproposal", _("Can approve or reject proposed member changes")),
            (
                "check_household",
                _("Can check households and update contact facts on the phone pages"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="add", person__isnull=True)
                | (~Q(kind="add") & Q(person__isnull=False)),
                name="proposal_person_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(state="pending")
                | Q(reviewed_by__isnull=False, reviewed_at__isnull=False),
                name="proposal_decision_has_reviewer",
            ),
            models.CheckConstraint(
                condition=~Q(state="rejected") | ~Q(review_note=""),
                name="proposal_rejection_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    def get_absolute_url(self):
        return reverse("households:proposal_detail", args=[self.pk])

    @property
    def is_pending(self):
        return self.state == self.State.PENDING
