"""Department data alerts (部门筛查预警): facts already in the system that raise a lead.
Each alert names the fact and carries a key that identifies it (``<kind>:<subject>…``); the
key is unique among cases, so the same fact never raises two leads however often the
daily task runs. Facts are looked for over the last ``ALERT_LOOKBACK_DAYS`` days (a refusal
still standing and the latest year's income are looked at whenever they were recorded)."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from community.roles import Role
from core.notifications import notify
from households.models import Health, Household, HouseholdIncome, LabourCapacity
from households.selectors import people_newly_recorded
from services.monitoring.models import AlertKind, IncomeThreshold, MonitoringCase, Source
from services.records.models import Allowance, Employment, SchoolEnrolment


@dataclass(frozen=True)
class Alert:
    kind: str
    key: str
    household_id: int
    fact: str


def _health_alerts(since):
    for person in people_newly_recorded(
        field="health", values=[Health.SERIOUS], since=since
    ).select_related("household"):
        yield Alert(
            AlertKind.SERIOUS_ILLNESS,
            f"serious_illness:{person.pk}",
            person.household_id,
            _("%(name)s recorded with a serious illness") % {"name": person.name},
        )
    for person in people_newly_recorded(field="health", values=[Health.DISABLED], since=since):
        yield Alert(
            AlertKind.DISABILITY,
            f"disability:{person.pk}",
            person.household_id,
            _("%(name)s newly recorded as disabled") % {"name": person.name},
        )


def _zero_employment_alerts(since, today):
    """Labour households where nobody is employed today and the last employment ended in
    the window: the fact is that ending (a later job and a later ending is a new fact)."""
    current = Employment.objects.filter(
        person__household=OuterRef("pk"), person__is_active=True, started_on__lte=today
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
    labour = Household.objects.filter(
        members__is_active=True, members__labour_capacity__in=LabourCapacity.able()
    )
    rows = (
        Household.objects.filter(is_active=True, pk__in=labour.values("pk"))
        .filter(~Exists(current))
        .annotate(last_end=Max("members__employments__ended_on"))
        .filter(last_end__gte=since, last_end__lt=today)
        .values_list("pk", "last_end")
    )
    for pk, last_end in rows:
        yield Alert(
            AlertKind.ZERO_EMPLOYMENT,
            f"zero_employment:{pk}:{last_end.isoformat()}",
            pk,
            _("The last employment of the household ended on %(date)s: nobody is employed")
            % {"date": last_end.isoformat()},
        )


def _allowance_alerts(since, today):
    converted = Allowance.objects.filter(converted_from=OuterRef("pk"))
    rows = (
        Allowance.objects.filter(ended_on__gte=since, ended_on__lt=today, household__is_active=True)
        .filter(~Exists(converted))
        .order_by("pk")
    )
    for allowance in rows:
        yield Alert(
            AlertKind.ALLOWANCE_STOPPED,
            f"allowance_stopped:{allowance.pk}",
            allowance.household_id,
            _("%(kind)s stopped on %(date)s")
            % {"kind": allowance.get_kind_display(), "date": allowance.ended_on.isoformat()},
        )


def _income_alerts(today):
    """This year's and last year's per-capita incomes of households not already monitored,
    each against its own year's threshold: below it, or within ``INCOME_MARGIN_PERCENT``
    above it."""
    margin = settings.MONITORING["INCOME_MARGIN_PERCENT"]
    thresholds = IncomeThreshold.objects.filter(
        province=settings.MONITORING["PROVINCE"], year__in=[today.year - 1, today.year]
    )
    for threshold in thresholds:
        limit = threshold.amount * (100 + margin) / 100
        rows = HouseholdIncome.objects.filter(
            year=threshold.year,
            per_capita_net_income__lt=limit,
            household__is_active=True,
            household__monitoring_category="",
        ).values_list("household_id", "per_capita_net_income")
        for household_id, income in rows:
            text = (
                _(
                    "Per-capita income %(income)s yuan in %(year)d is below the threshold of %(amount)s"
                )
                if income < threshold.amount
                else _(
                    "Per-capita income %(income)s yuan in %(year)d is within %(margin)d%% of the threshold of %(amount)s"
                )
            )
            yield Alert(
                AlertKind.LOW_INCOME,
                f"low_income:{household_id}:{threshold.year}",
                household_id,
                text
                % {
                    "income": income,
                    "year": threshold.year,
                    "amount": threshold.amount,
                    "margin": margin,
                },
            )


def _school_alerts():
    rows = SchoolEnrolment.objects.filter(
        status=SchoolEnrolment.Status.REFUSED,
        ended_on__isnull=True,
        person__is_active=True,
        person__household__is_active=True,
    ).select_related("person")
    for enrolment in rows:
        yield Alert(
            AlertKind.SCHOOL_REFUSAL,
            f"school_refusal:{enrolment.pk}",
            enrolment.person.household_id,
            _("%(name)s was refused by %(school)s")
            % {"name": enrolment.person.name, "school": enrolment.school},
        )


def find_alerts(*, today: datetime.date) -> list[Alert]:
    since = today - datetime.timedelta(days=settings.MONITORING["ALERT_LOOKBACK_DAYS"])
    return [
        *_health_alerts(since),
        *_zero_employment_alerts(since, today),
        *_allowance_alerts(since, today),
        *_income_alerts(today),
        *_school_alerts(),
    ]


def alerts_raise(*, today: datetime.date) -> int:
    """Raise a lead for each alert whose fact has not raised one; tell the staff. Returns
    how many leads were raised. Safe to run twice: the second run raises none."""
    alerts = {a.key: a for a in find_alerts(today=today)}
    for _attempt in range(2):
        known = set(
            MonitoringCase.objects.filter(fact_key__in=list(alerts)).values_list(
                "fact_key", flat=True
            )
        )
        new = [a for key, a in alerts.items() if key not in known]
        if not new:
            return 0
        cases = [
            MonitoringCase(
                household_id=a.household_id,
                source=Source.ALERT,
                alert_kind=a.kind,
                fact_key=a.key,
                fact=a.fact[:300],
                lead_on=today,
            )
            for a in new
        ]
        try:
            with transaction.atomic():
                bulk_create_with_history(cases, MonitoringCase, batch_size=500)
        except IntegrityError:  # another run raised some of them meanwhile: look again
            continue
        staff = get_user_model().objects.filter(groups__name=Role.STAFF.value, is_active=True)
        notify(
            users=staff,
            text=_("%(n)d new monitoring leads from department data alerts") % {"n": len(cases)},
            url=reverse("monitoring:case_list") + "?source=alert&status=open",
        )
        return len(cases)
    return 0
