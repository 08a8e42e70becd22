from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportBatch(models.Model):
    """One roster file imported (or tried): who, when, which file, what it would change or
    changed, and how it ended. Its number is the change reason of every history row it
    writes."""

    class Status(models.TextChoices):
        VALIDATING = "validating", _("Being checked")
        UNREADABLE = "unreadable", _("File refused")
        INVALID = "invalid", _("Has errors")
        VALID = "valid", _("Ready to import")
        WRITING = "writing", _("Being imported")
        WRITTEN = "written", _("Imported")
        FAILED = "failed", _("Import failed")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now, db_index=True)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", blank=True)
    file_name = models.CharField(_("file name"), max_length=200)
    file_hash = models.CharField(_("SHA-256 of the file"), max_length=64, db_index=True)
    create_dwellings = models.BooleanField(_("create missing dwellings"), default=False)
    apply_moves = models.BooleanField(_("move people between households"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.VALIDATING
    )
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    # The versions of the records the check compared the file with: the write refuses to go
    # ahead when any of them changed in between (a hand edit is never overwritten).
    fingerprint = models.CharField(_("fingerprint"), max_length=64, blank=True)
    message = models.TextField(_("message"), blank=True)
    validate_job = models.ForeignKey(
        "core.Job",
        verbose_name=_("check job"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    write_job = models.ForeignKey(
        "core.Job",
        verbose_name=_("import job"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    written_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")
        ordering = ["-created_at", "-pk"]
        permissions = [("import_households", _("Can import household rosters"))]

    def __str__(self):
        return f"#{self.pk} {self.file_name}"

    def get_absolute_url(self):
        return reverse("households:import_detail", args=[self.pk])

    @property
    def change_reason(self) -> str:
        from django.utils.translation import gettext

        return (
            gettext("Roster import #%(pk)s (%(name)s)") % {"pk": self.pk, "name": self.file_name}
        )[:100]
