"""Work tasks (工作任务) of the responsible units, their progress notes and evidence,
and accountability records (问责) for tasks not finished on time (plan, requirements
1–3)."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from services.worktasks.rules import rule_of


class TaskState(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


UNFINISHED_STATES = [TaskState.OPEN, TaskState.IN_PROGRESS]


class WorkTask(models.Model):
    title = models.CharField(pgettext_lazy("work task", "title"), max_length=200)
    description = models.TextField(pgettext_lazy("work task", "description"), blank=True)
    rule_code = models.CharField(_("obligation rule"), max_length=40, blank=True)
    measure = models.CharField(_("measure of the plan"), max_length=10, blank=True)
    unit = models.ForeignKey(
        "community.Department",
        verbose_name=_("responsible unit"),
        on_delete=models.PROTECT,
        related_name="work_tasks",
    )
    leader_name = models.CharField(_("responsible leader (head of unit)"), max_length=50)
    liaison_name = models.CharField(_("liaison"), max_length=50, blank=True)
    deadline = models.DateField(_("deadline"), db_index=True)
    state = models.CharField(
        _("state"), max_length=12, choices=TaskState.choices, default=TaskState.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    overdue_flagged_at = models.DateTimeField(_("flagged overdue at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("work task")
        verbose_name_plural = _("work tasks")
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["unit", "state"], name="worktask_unit_state")]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="done", done_at__isnull=False)
                | (~Q(state="done") & Q(done_at__isnull=True)),
                name="worktask_done_has_time",
                violation_error_message=_("A task is done exactly when it has a completion time."),
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("services:task_detail", args=[self.pk])

    @property
    def rule(self):
        return rule_of(self.rule_code)

    @property
    def is_unfinished(self):
        return self.state in UNFINISHED_STATES

    def is_overdue_on(self, day: datetime.date) -> bool:
        """Unfinished after its deadline; on the deadline itself it is not overdue yet."""
        return self.is_unfinished and day > self.deadline

    def finished_late(self) -> bool:
        return self.done_at is not None and timezone.localdate(self.done_at) > self.deadline

    @property
    def is_overdue(self):
        return self.is_overdue_on(timezone.localdate())


def evidence_path(instance, filename):
    return f"task-evidence/{instance.task_id}/{timezone.now():%Y%m%d%H%M%S%f}-{filename[-80:]}"


class WorkTaskNote(models.Model):
    """A progress note on a task, optionally with an evidence file (served only through
    the scoped evidence view)."""

    task = models.ForeignKey(
        WorkTask, verbose_name=_("task"), on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    text = models.TextField(_("progress"))
    state_to = models.CharField(
        _("new state"), max_length=12, choices=TaskState.choices, blank=True
    )
    evidence = models.FileField(_("evidence file"), upload_to=evidence_path, blank=True)
    evidence_name = models.CharField(_("file name"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.task} {self.at:%Y-%m-%d}"


class Accountability(models.Model):
    """An accountability record (问责) opened on a task not finished on time."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Under review")
        NO_FAULT = "no_fault", _("No fault found")
        REMINDER = "reminder", _("Reminder talk")
        CRITICISM = "criticism", _("Circulated criticism")
        REFERRED = "referred", _("Referred for discipline")

    task = models.ForeignKey(
        WorkTask, verbose_name=_("task"), on_delete=models.PROTECT, related_name="accountabilities"
    )
    unit = models.ForeignKey(
        "community.Department",
        verbose_name=_("unit held to account"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_on = models.DateField(_("opened on"), default=timezone.localdate)
    reason = models.TextField(_("reason"))
    finding = models.TextField(_("finding"), blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.PENDING
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("accountability record")
        verbose_name_plural = _("accountability records")
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="accountability_closes_after_opening",
            )
        ]

    def __str__(self):
        return f"{self.unit} {self.task}"
