from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TableTemplate(models.Model):
    """A saved table of the builder (一表通) for a bureau: the row kind, the columns as
    catalogue keys with their headers in the bureau's order, the filters and the sort
    (``spec``, see ``services.reports.builder.spec``). Keys, not positions: a model change
    that renames nothing leaves the template as it was."""

    name = models.CharField(_("template name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "community.Department",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The unit of the user who made it (empty for the community's staff)."),
    )
    shared = models.BooleanField(
        _("shared with my colleagues"),
        default=True,
        help_text=_("Shared templates are seen by the colleagues of the same unit."),
    )
    spec = models.JSONField(_("table"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("table template")
        verbose_name_plural = _("table templates")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    @property
    def code(self) -> str:
        """Its code for the jobs and ``export_report``."""
        return f"table:{self.pk}"
