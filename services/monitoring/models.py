"""Monitoring against falling back into poverty (防止返贫动态监测, DOMAIN.md §3): dated
income thresholds, cases (a lead and the steps that follow it), help measures and the
visits' lead link. A case is never deleted: a clearing is a second case that names the
identification it clears."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class IncomeThreshold(models.Model):
    """The monitoring range of one province for one year: a household whose per-capita
    net income is below ``amount`` is in range. Staff keep the table (never a constant)."""

    province = models.CharField(_("province"), max_length=20)
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(
        _("monitoring range (per-capita net income, yuan a year)"), max_digits=9, decimal_places=2
    )
    source = models.CharField(_("source document"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("monitoring income threshold")
        verbose_name_plural = _("monitoring income thresholds")
        ordering = ["province", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year"],
                name="threshold_once_per_province_year",
                violation_error_message=_("This province already has a threshold for that year."),
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="threshold_positive"),
        ]

    def __str__(self):
        return f"{self.province} {self.year}: {self.amount}"


class Purpose(models.TextChoices):
    IDENTIFY = "identify", _("Identification")
    CLEAR = "clear", _("Risk clearing")


class Source(models.TextChoices):
    SELF_REPORT = "self_report", _("Self-report by the household")
    VISIT = "visit", _("Cadre or leader visit")
    ALERT = "alert", _("Department data alert")
    REVIEW = "review", _("Review of a monitored household")


class AlertKind(models.TextChoices):
    SERIOUS_ILLNESS = "serious_illness", _("A member recorded with a serious illness")
    DISABILITY = "disability", _("A member newly recorded as disabled")
    ZERO_EMPLOYMENT = "zero_employment", _("The last employment of a labour household ended")
    ALLOWANCE_STOPPED = "allowance_stopped", _("An allowance stopped")
    LOW_INCOME = "low_income", _("Per-capita income below or near the threshold")
    SCHOOL_REFUSAL = "school_refusal", _("A child refused by a school")


class Category(models.TextChoices):
    UNSTABLE = "unstable", _("Unstable after lifting out of poverty")
    MARGINAL = "marginal", _("Marginal, prone to poverty")
    SHOCK = "shock", _("Sudden severe hardship")


# The first two categories need income inside the monitoring range (DOMAIN.md §3).
CATEGORIES_IN_RANGE = (Category.UNSTABLE, Category.MARGINAL)


class RiskType(models.TextChoices):
    ILLNESS = "illness", _("Illness")
    DISABILITY = "disability", _("Disability")
    SCHOOLING = "schooling", _("Schooling costs")
    DISASTER = "disaster", _("Natural disaster")
    ACCIDENT = "accident", _("Accident")
    INDUSTRY = "industry", _("Failed farming or business")
    UNSTABLE_WORK = "unstable_work", _("Unstable work or employment")
    NO_LABOUR = "no_labour", _("Lack of labour")
    OTHER = "other", _("Other")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("In progress")
    MONITORED = "monitored", _("Under monitoring")
    NOT_INCLUDED = "not_included", _("Not included")
    CLEARED = "cleared", _("Risk cleared")
    CLEARING_REFUSED = "clearing_refused", _("Clearing not approved")
    CLOSED = "closed", _("Lead closed")


class RiskLevel(models.TextChoices):
    RED = "red", pgettext_lazy("risk level", "Red")
    YELLOW = "yellow", pgettext_lazy("risk level", "Yellow")
    GREEN = "green", pgettext_lazy("risk level", "Green")


class Step(models.TextChoices):
    HOME_CHECK = "home_check", _("Home check")
    REVIEW = "review", _("Community review")
    NOTICE = "notice", _("Public notice")
    TOWN_REVIEW = "town_review", _("Town review")
    COUNTY_DECISION = "county_decision", _("County decision")


STEP_ORDER = [Step.HOME_CHECK, Step.REVIEW, Step.NOTICE, Step.TOWN_REVIEW, Step.COUNTY_DECISION]


class MonitoringCase(models.Model):
    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="monitoring_cases",
    )
    purpose = models.CharField(
        _("purpose"), max_length=10, choices=Purpose.choices, default=Purpose.IDENTIFY
    )
    clears = models.ForeignKey(
        "self",
        verbose_name=_("clears the identification"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="clearings",
    )
    source = models.CharField(_("source of the lead"), max_length=12, choices=Source.choices)
    alert_kind = models.CharField(_("alert"), max_length=20, choices=AlertKind.choices, blank=True)
    # The fact that raised an alert ("health:<person pk>"…): one fact, one lead.
    fact_key = models.CharField(_("fact key"), max_length=120, blank=True, editable=False)
    fact = models.CharField(_("what was reported or found"), max_length=300)
    lead_on = models.DateField(_("lead received on"), db_index=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    visit = models.ForeignKey(
        "households.Visit",
        verbose_name=_("visit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="monitoring_cases",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    # Found at the home check.
    income_12m = models.DecimalField(
        _("per-capita net income over the 12 months before the lead (yuan)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
    )
    authorisation = models.FileField(
        _("signed authorisation and commitment (photo or scan)"),
        upload_to="monitoring/authorisations/",
        blank=True,
    )
    # Proposed at the community review, confirmed by the county.
    category = models.CharField(_("category"), max_length=10, choices=Category.choices, blank=True)
    risk_types = models.JSONField(_("risk types"), default=list, blank=True)
    # Clearing: what the home check found.
    stable_income_since = models.DateField(
        _("income stably above the range since"), null=True, blank=True
    )
    schooling_secure = models.BooleanField(_("schooling secure"), default=False)
    medical_secure = models.BooleanField(_("medical care secure"), default=False)
    housing_secure = models.BooleanField(_("housing secure"), default=False)
    water_secure = models.BooleanField(_("drinking water secure"), default=False)
    # The risk level of a monitored household.
    risk_level = models.CharField(
        _("risk level"), max_length=6, choices=RiskLevel.choices, blank=True
    )
    risk_reason = models.CharField(_("reason for the risk level"), max_length=200, blank=True)
    risk_set_on = models.DateField(_("risk level set on"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    closed_reason = models.CharField(_("why the lead was closed"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("monitoring case")
        verbose_name_plural = _("monitoring cases")
        ordering = ["-lead_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["fact_key"], condition=~Q(fact_key=""), name="one_lead_per_fact"
            ),
            models.CheckConstraint(
                condition=Q(purpose="identify") | Q(clears__isnull=False),
                name="clearing_names_its_case",
            ),
        ]

    def __str__(self):
        return f"{self.household} {self.get_purpose_display()} {self.lead_on}"

    def get_absolute_url(self):
        return reverse("monitoring:case_detail", args=[self.pk])

    def deadline(self) -> datetime.date:
        """The county decides within ``MONITORING['DECISION_DAYS']`` days of the lead."""
        return self.lead_on + datetime.timedelta(days=settings.MONITORING["DECISION_DAYS"])

    def get_risk_types_display(self):
        labels = dict(RiskType.choices)
        return "、".join(str(labels.get(c, c)) for c in self.risk_types)


class CaseStep(models.Model):
    case = models.ForeignKey(
        MonitoringCase, verbose_name=_("case"), on_delete=models.PROTECT, related_name="steps"
    )
    step = models.CharField(_("step"), max_length=16, choices=Step.choices)
    done_on = models.DateField(_("date"))
    # For the public notice: the last day it hangs.
    notice_until = models.DateField(_("notice up until"), null=True, blank=True)
    approved = models.BooleanField(_("agreed"), default=True)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("monitoring step")
        verbose_name_plural = _("monitoring steps")
        ordering = ["case", "done_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "step"], name="each_step_once_per_case")
        ]

    def __str__(self):
        return f"{self.case} {self.get_step_display()}"


class MeasureKind(models.TextChoices):
    EMPLOYMENT = "employment", _("Employment")
    INDUSTRY = "industry", _("Industry")
    HEALTH = "health", _("Health insurance and medical aid")
    EDUCATION = "education", _("Education aid")
    ASSISTANCE = "assistance", _("Social assistance")
    HOUSING = "housing", _("Housing")
    OTHER = "other", _("Other")


class HelpMeasure(models.Model):
    case = models.ForeignKey(
        MonitoringCase, verbose_name=_("case"), on_delete=models.PROTECT, related_name="measures"
    )
    kind = models.CharField(_("kind of help"), max_length=12, choices=MeasureKind.choices)
    description = models.CharField(_("measure"), max_length=300)
    unit = models.ForeignKey(
        "community.Department",
        verbose_name=_("responsible unit"),
        on_delete=models.PROTECT,
        related_name="monitoring_measures",
    )
    deadline = models.DateField(_("deadline"), db_index=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    result = models.TextField(_("what was done"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("help measure")
        verbose_name_plural = _("help measures")
        ordering = ["deadline", "pk"]

    def __str__(self):
        return f"{self.case.household} {self.get_kind_display()}"

    def is_late(self, today: datetime.date) -> bool:
        return self.done_on is None and today > self.deadline
