"""The daily snapshot of each obligation rule's count, behind the dashboards' trends."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleSnapshot(models.Model):
    """The count of one obligation rule on one day (taken daily; idempotent)."""

    rule_code = models.CharField(_("obligation rule"), max_length=40)
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("failing"))
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("rule snapshot")
        verbose_name_plural = _("rule snapshots")
        ordering = ["rule_code", "day"]
        constraints = [
            models.UniqueConstraint(fields=["rule_code", "day"], name="snapshot_once_per_rule_day")
        ]

    def __str__(self):
        return f"{self.rule_code} {self.day} {self.count}"
