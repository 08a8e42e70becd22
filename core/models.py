from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Job(TimeStampedModel):
    """A long-running piece of work (an import or an export) that a page polls."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=50)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveIntegerField(_("progress (%)"), default=0)
    total_rows = models.PositiveIntegerField(_("rows in all"), default=0)
    done_rows = models.PositiveIntegerField(_("rows done"), default=0)
    message = models.TextField(_("message"), blank=True)
    result_file = models.FileField(_("result file"), upload_to="jobs/%Y/%m/", blank=True)
    result_name = models.CharField(_("file name"), max_length=200, blank=True)
    expires_at = models.DateTimeField(_("file kept until"), null=True, blank=True)
    expired_at = models.DateTimeField(_("file removed at"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Who runs it ("host:pid" of the worker process) and how many times it was claimed: a job
    # whose worker died is failed by ``core.jobs.jobs_reap`` or run again, at most twice.
    worker = models.CharField(_("worker"), max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["requested_by", "kind", "-created_at"], name="job_user_kind")
        ]

    def __str__(self):
        return f"{self.kind} #{self.pk} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def has_file(self) -> bool:
        """Only a finished job's file is served: a run that stopped half-way has none."""
        done = self.status == self.Status.DONE
        return done and bool(self.result_file) and self.expired_at is None


class DailyRun(models.Model):
    """One row per daily job and day: makes a daily job safe to trigger more than once."""

    name = models.CharField(_("job"), max_length=100)
    day = models.DateField(_("day"))
    started_at = models.DateTimeField(_("started at"), default=timezone.now)

    class Meta:
        verbose_name = _("daily job run")
        verbose_name_plural = _("daily job runs")
        constraints = [models.UniqueConstraint(fields=["name", "day"], name="dailyrun_once_a_day")]

    def __str__(self):
        return f"{self.name} {self.day}"


class AuditLog(models.Model):
    """Who viewed an ID number in full, exported or imported personal data, logged in or
    changed their password, when and from where. Kept ``AUDIT_KEEP_DAYS`` days (at least six
    months, the Cybersecurity Law's minimum) and never edited."""

    class Action(models.TextChoices):
        VIEW_FULL_ID = "view_full_id", _("Viewed full ID numbers")
        EXPORT = "export", _("Exported data")
        IMPORT = "import", _("Imported data")
        LOGIN = "login", _("Logged in")
        PASSWORD_CHANGE = "password_change", _("Changed password")
        RESET_2FA = "reset_2fa", _("Reset two-factor login")
        REVERSE_PAYMENT = "reverse_payment", _("Reversed a payment")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    target = models.CharField(_("what"), max_length=200)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.get_action_display()} {self.target}"


class Notification(models.Model):
    """An in-app message to one user (a request assigned to their unit, one gone overdue)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    text = models.CharField(_("text"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self):
        return self.text
