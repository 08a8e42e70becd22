"""Reads of monitoring, scoped to the user: staff, the town government and the
poverty-alleviation office see every case; a building leader the cases of the households
of their current buildings; every other unit only the help measures it owns. Out of scope
is a 404, the same as missing."""

import datetime

from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.http import Http404

from community.roles import Role, has_role
from households.models import Person, Relationship
from households.selectors import households_for_user
from services.monitoring import access
from services.monitoring.models import (
    CaseStatus,
    CaseStep,
    HelpMeasure,
    MonitoringCase,
    Purpose,
)


def cases_for_user(user):
    qs = MonitoringCase.objects.all()
    if access.sees_every_case(user):
        return qs
    if has_role(user, Role.BUILDING_LEADER):
        return qs.filter(household__in=households_for_user(user))
    return qs.none()


def case_list_for_user(user):
    """Cases for a list: household, building and head joined or prefetched (2 queries)."""
    heads = Person.objects.filter(relationship=Relationship.HEAD, is_active=True)
    return (
        cases_for_user(user)
        .select_related("household__dwelling__building")
        .prefetch_related(Prefetch("household__members", queryset=heads, to_attr="heads"))
        .order_by("-lead_on", "-pk")
    )


def case_get_for_user(*, user, pk: int) -> MonitoringCase:
    case = (
        cases_for_user(user)
        .select_related("household__dwelling__building", "reported_by__profile", "clears")
        .prefetch_related(
            Prefetch("steps", queryset=CaseStep.objects.select_related("actor__profile")),
            Prefetch("measures", queryset=HelpMeasure.objects.select_related("unit")),
        )
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404
    return case


def measures_for_user(user):
    qs = HelpMeasure.objects.select_related("case__household__dwelling__building", "unit")
    if access.sees_every_case(user):
        return qs
    dept = access.unit_code(user)
    if dept is not None:
        return qs.filter(unit__code=dept)
    return qs.none()


def measure_get_for_user(*, user, pk: int) -> HelpMeasure:
    measure = measures_for_user(user).filter(pk=pk).first()
    if measure is None:
        raise Http404
    return measure


def _deadline_bounds(today: datetime.date):
    """Leads on or before ``overdue_before`` are past the limit today; those on or before
    ``near_before`` are within ``WARN_DAYS`` of it."""
    cfg = settings.MONITORING
    overdue_before = today - datetime.timedelta(days=cfg["DECISION_DAYS"] + 1)
    near_before = today - datetime.timedelta(days=cfg["DECISION_DAYS"] - cfg["WARN_DAYS"])
    return overdue_before, near_before


def flagged_q(today: datetime.date) -> Q:
    """Open cases nearing or past the limit from lead to county decision."""
    _overdue_before, near_before = _deadline_bounds(today)
    return Q(status=CaseStatus.OPEN, lead_on__lte=near_before)


def open_cases_flagged(*, today: datetime.date, queryset=None):
    """Open cases nearing (``near``) or past (``overdue``) the limit from lead to county
    decision, most urgent first, each with ``flag`` and ``days_open``."""
    overdue_before, _near_before = _deadline_bounds(today)
    qs = (queryset if queryset is not None else MonitoringCase.objects.all()).filter(
        flagged_q(today)
    )
    cases = list(qs.select_related("household__dwelling__building").order_by("lead_on", "pk"))
    for case in cases:
        case.flag = "overdue" if case.lead_on <= overdue_before else "near"
        case.days_open = (today - case.lead_on).days
    return cases


def is_overdue(case: MonitoringCase, today: datetime.date) -> bool:
    return case.status == CaseStatus.OPEN and today > case.deadline()


# The supervisors' figures: each a condition on cases, so a count and the list behind it
# (``case_list?figure=…``, the monitoring report) are the same query.
FIGURES = ("new", "open", "overdue", "monitored", "cleared")
RECENT_DAYS = 30


def figure_q(name: str, today: datetime.date) -> Q:
    """Leads received and risks cleared in the past 30 days, cases open, open past the
    limit, households under monitoring."""
    overdue_before, _near = _deadline_bounds(today)
    since = today - datetime.timedelta(days=RECENT_DAYS)
    return {
        "new": Q(purpose=Purpose.IDENTIFY, lead_on__gt=since),
        "open": Q(status=CaseStatus.OPEN),
        "overdue": Q(status=CaseStatus.OPEN, lead_on__lte=overdue_before),
        "monitored": Q(purpose=Purpose.IDENTIFY, status=CaseStatus.MONITORED),
        "cleared": Q(purpose=Purpose.CLEAR, status=CaseStatus.CLEARED, decided_on__gt=since),
    }[name]


def overview_counts(*, today: datetime.date) -> dict[str, int]:
    """The supervisors' figures in one query (``FIGURES``, by ``figure_q``)."""
    return MonitoringCase.objects.aggregate(
        **{name: Count("pk", filter=figure_q(name, today)) for name in FIGURES}
    )


# The filters of the case list, carried by its Excel export into the monitoring report.
CASE_FILTERS = ("building", "status", "source", "purpose", "flagged", "figure")


def cases_filtered(queryset, *, params, today: datetime.date):
    """``queryset`` narrowed by the case list's filters (``CASE_FILTERS``); an unknown
    figure is refused with ``ValueError``."""
    qs = queryset
    if params.get("building"):
        qs = qs.filter(household__dwelling__building__code=params["building"])
    for field in ("status", "source", "purpose"):
        if params.get(field):
            qs = qs.filter(**{field: params[field]})
    if str(params.get("flagged") or "") in ("1", "True", "true"):
        qs = qs.filter(flagged_q(today))
    figure = params.get("figure")
    if figure:
        if figure not in FIGURES:
            raise ValueError(figure)
        qs = qs.filter(figure_q(figure, today))
    return qs


def unit_open_measures(*, unit):
    return (
        HelpMeasure.objects.filter(unit=unit, done_on__isnull=True)
        .select_related("case__household")
        .order_by("deadline", "pk")
    )


def households_cases(*, household_ids):
    """The monitoring timelines of households: every case with its steps and measures, each
    household's cases by the date of their lead (three queries for any number)."""
    return (
        MonitoringCase.objects.filter(household_id__in=household_ids)
        .prefetch_related(
            Prefetch("steps", queryset=CaseStep.objects.select_related("actor__profile")),
            Prefetch("measures", queryset=HelpMeasure.objects.select_related("unit")),
        )
        .order_by("household_id", "lead_on", "pk")
    )


def notice_rows(*, user, on: datetime.date):
    """The cases whose public notice hangs on ``on``: only what a notice may show."""
    return (
        case_list_for_user(user)
        .filter(steps__step="notice", steps__done_on__lte=on, steps__notice_until__gte=on)
        .order_by("household__number")
    )
