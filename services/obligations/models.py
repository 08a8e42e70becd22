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


class RuleCount(models.Model):
    """How many people or households of one building fail one rule on one day: the
    dashboards' and the overview's figures, kept up to date by the writes that change the
    facts (``services.obligations.counts``)."""

    rule_code = models.CharField(_("obligation rule"), max_length=40)
    day = models.DateField(_("day"))
    # The building's pk; 0 for households without a dwelling.
    building_key = models.PositiveIntegerField(_("building"))
    count = models.PositiveIntegerField(_("failing"))
    counted_at = models.DateTimeField(_("counted at"))

    class Meta:
        verbose_name = _("rule count by building")
        verbose_name_plural = _("rule counts by building")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "rule_code", "building_key"], name="rulecount_once_per_building"
            )
        ]

    def __str__(self):
        return f"{self.rule_code} {self.day} {self.building_key}: {self.count}"


class RuleCountDirty(models.Model):
    """A building whose facts changed after its counts were made: written in the same
    transaction as the change, removed once the counts of that building are made again.
    ``building_key`` -1 asks for every building to be counted again."""

    ALL = -1

    building_key = models.IntegerField(_("building"))
    marked_at = models.DateTimeField(_("marked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("building to count again")
        verbose_name_plural = _("buildings to count again")

    def __str__(self):
        return str(self.building_key)


class RuleCountRun(models.Model):
    """A rule counted in full, building by building, on a day (the ``RuleCount`` rows of
    that rule and day are complete from then on; a building without a row counts 0)."""

    rule_code = models.CharField(_("obligation rule"), max_length=40)
    day = models.DateField(_("day"))
    counted_at = models.DateTimeField(_("counted at"))

    class Meta:
        verbose_name = _("full rule count")
        verbose_name_plural = _("full rule counts")
        constraints = [
            models.UniqueConstraint(fields=["day", "rule_code"], name="rulecountrun_once_a_day")
        ]

    def __str__(self):
        return f"{self.rule_code} {self.day}"
