"""The figures of the home pages (``/``): a to-do panel and charts per role.

The project package is the one place allowed to compose every app (DESIGN.md), so the home
pages read each app through its own selectors, scoped to the user, and count with the
same querysets as the lists they link to: a count on the home page is the count of the
list one click away. Each chart's data is a plain dict, passed to the page with
``json_script`` and shown beside the chart as a table, so the picture and the figures are
one set of numbers."""

import datetime

from django.db.models import Count, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from buildings.hygiene.services import hygiene_ranking
from buildings.models import Building
from households.models import LabourCapacity, Sex
from households.proposals.models import MemberChangeProposal
from households.proposals.services import proposals_for_user
from households.selectors import households_for_user, people_for_user, registry_counts
from services.monitoring import access as monitoring_access
from services.monitoring import cadence
from services.monitoring import selectors as monitoring_selectors
from services.obligations.rules import working_age_q
from services.records.models import Employment
from services.requests.models import OPEN_STATES, Category, State
from services.requests.selectors import request_list_for_user, requests_for_user
from services.worktasks.selectors import overdue_tasks, tasks_for_user

AGE_BAND_YEARS = 5
OLDEST_BAND = 85  # 85 and over is the last band, as in census tables
REQUEST_WEEKS = 12
HYGIENE_BUILDINGS_SHOWN = 30


def _url(name: str, **query) -> str:
    return reverse(name) + (f"?{urlencode(query)}" if query else "")


# --- the staff's to-do panel --------------------------------------------------------------


def staff_todo(*, user, today: datetime.date) -> list[dict]:
    """What is waiting for the community staff, each a count and the list it counts. Each
    count uses the queryset and filter of the list it links to."""
    requests = request_list_for_user(user)
    items = []
    if user.has_perm("households.review_memberchangeproposal"):
        items.append(
            {
                "key": "proposals",
                "label": _("Leaders' proposals waiting for review"),
                "count": proposals_for_user(user)
                .filter(state=MemberChangeProposal.State.PENDING)
                .count(),
                "url": _url("households:proposal_list", state="pending"),
            }
        )
    items += [
        {
            "key": "requests_submitted",
            "label": _("Requests not yet accepted"),
            "count": requests.filter(state=State.SUBMITTED).count(),
            "url": _url("services:request_queue", state=State.SUBMITTED),
        },
        {
            "key": "requests_overdue",
            "label": _("Open requests past their deadline"),
            "count": requests.filter(state__in=OPEN_STATES, overdue=True).count(),
            "url": _url("services:request_queue", state="open", overdue="yes"),
        },
        {
            "key": "tasks_overdue",
            "label": _("Work tasks past their deadline"),
            "count": overdue_tasks(tasks_for_user(user), today=today).count(),
            "url": _url("services:task_list", state="overdue"),
        },
        {
            "key": "never_confirmed",
            "label": _("Households never confirmed by their leader"),
            "count": households_for_user(user)
            .filter(is_active=True, confirmed_at__isnull=True)
            .count(),
            "url": _url("households:household_list", is_active="1", confirmed="never"),
        },
    ]
    if monitoring_access.sees_visit_figures(user):
        overdue = cadence.visit_list(households_for_user(user), today=today, state=cadence.OVERDUE)
        items.append(
            {
                "key": "visits_overdue",
                "label": _("Households overdue for a visit"),
                "count": overdue.count(),
                "url": _url("monitoring:visit_households", state=cadence.OVERDUE),
            }
        )
    if monitoring_access.sees_every_case(user):
        items.append(
            {
                "key": "monitoring_flagged",
                "label": _("Monitoring cases near or past the 15-day limit"),
                "count": monitoring_selectors.case_list_for_user(user)
                .filter(monitoring_selectors.flagged_q(today))
                .count(),
                "url": _url("monitoring:case_list", flagged="1"),
            }
        )
    return items


# --- charts ---------------------------------------------------------------------------


def _band_bounds(low: int, high: int | None, today: datetime.date):
    """Birth dates of people aged ``low`` to ``high`` (inclusive; None: no upper age)."""

    def years_before(years):
        try:
            return today.replace(year=today.year - years)
        except ValueError:  # 29 February
            return today.replace(year=today.year - years, day=28)

    latest = years_before(low)
    earliest = None if high is None else years_before(high + 1) + datetime.timedelta(days=1)
    return earliest, latest


def population_pyramid(*, user, today: datetime.date) -> dict:
    """Residents living here by five-year age band and sex (one query)."""
    bands = []
    for low in range(0, OLDEST_BAND + 1, AGE_BAND_YEARS):
        high = None if low == OLDEST_BAND else low + AGE_BAND_YEARS - 1
        bands.append((f"{low}+" if high is None else f"{low}–{high}", low, high))
    aggregates = {}
    for index, (_label, low, high) in enumerate(bands):
        earliest, latest = _band_bounds(low, high, today)
        in_band = Q(birth_date__lte=latest)
        if earliest is not None:
            in_band &= Q(birth_date__gte=earliest)
        for sex in (Sex.MALE, Sex.FEMALE):
            aggregates[f"b{index}_{sex}"] = Count("pk", filter=in_band & Q(sex=sex))
    counts = people_for_user(user).active().aggregate(**aggregates)
    return {
        "kind": "pyramid",
        "title": _("Residents by age and sex"),
        "categories": [label for label, _low, _high in bands],
        "series": [
            {
                "name": str(Sex.MALE.label),
                "data": [counts[f"b{i}_{Sex.MALE}"] for i in range(len(bands))],
            },
            {
                "name": str(Sex.FEMALE.label),
                "data": [counts[f"b{i}_{Sex.FEMALE}"] for i in range(len(bands))],
            },
        ],
        "unit": _("people"),
    }


def labour_capacity_chart(*, user) -> dict:
    """Residents by labour capacity: the registry overview's own (cached) counts."""
    labour = registry_counts(user=user)["labour"]
    return {
        "kind": "bar",
        "title": _("Labour capacity"),
        "categories": [str(c.label) for c in LabourCapacity],
        "series": [{"name": _("people"), "data": [labour[c.value] for c in LabourCapacity]}],
        "unit": _("people"),
    }


def employment_chart(*, user, today: datetime.date) -> dict:
    """Working-age laborers by their current job (the latest started, when several), and
    those with none (one query)."""
    current_job = (
        Employment.objects.filter(person=OuterRef("pk"), started_on__lte=today)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        .order_by("-started_on", "-pk")
        .values("kind")[:1]
    )
    rows = (
        people_for_user(user)
        .active()
        .filter(Q(labour_capacity__in=LabourCapacity.able()) & working_age_q(today))
        .annotate(job=Subquery(current_job))
        .order_by()
        .values("job")
        .annotate(n=Count("pk"))
    )
    by_kind = {row["job"]: row["n"] for row in rows}
    kinds = list(Employment.Kind)
    return {
        "kind": "bar",
        "title": _("Employment of working-age laborers"),
        "categories": [str(k.label) for k in kinds] + [_("Not employed")],
        "series": [
            {
                "name": _("people"),
                "data": [by_kind.get(k.value, 0) for k in kinds] + [by_kind.get(None, 0)],
            }
        ],
        "unit": _("people"),
    }


def requests_chart(*, user, now: datetime.datetime) -> dict:
    """Requests filed in the past twelve weeks by category, stacked by their state now
    (one query)."""
    since = timezone.localdate(now) - datetime.timedelta(weeks=REQUEST_WEEKS)
    rows = (
        requests_for_user(user)
        .filter(filed_at__date__gte=since)
        .order_by()
        .values("category", "state")
        .annotate(n=Count("pk"))
    )
    table = {(row["category"], row["state"]): row["n"] for row in rows}
    return {
        "kind": "stacked",
        "title": _("Requests of the past 12 weeks by category and state"),
        "categories": [str(c.label) for c in Category],
        "series": [
            {"name": str(s.label), "data": [table.get((c.value, s.value), 0) for c in Category]}
            for s in State
        ],
        "unit": pgettext("count of", "requests"),
        "since": since.isoformat(),
    }


def hygiene_chart(*, user, today: datetime.date) -> dict:
    """The average hygiene score of the buildings checked in this month, or in the past
    month while none is checked yet this month, best first (the ranking page's figures for
    that month, its first rows)."""
    month = today.replace(day=1)
    ranked = [b for b in hygiene_ranking(user=user, month=month) if b.average_score is not None]
    if not ranked:
        month = (month - datetime.timedelta(days=1)).replace(day=1)
        ranked = [b for b in hygiene_ranking(user=user, month=month) if b.average_score is not None]
    ranked = ranked[:HYGIENE_BUILDINGS_SHOWN]
    return {
        "kind": "bar",
        "title": _("Hygiene score by building, %(month)s") % {"month": month.strftime("%Y-%m")},
        "month": month.strftime("%Y-%m"),
        "categories": [b.code for b in ranked],
        "series": [
            {"name": _("average score"), "data": [round(b.average_score, 1) for b in ranked]}
        ],
        "unit": _("points"),
    }


def unit_rule_charts(*, rules, counts: dict, trends: dict, by_building: list) -> list[dict]:
    """A unit's charts: people or households failing each rule now, the weekly trend of
    each, and the buildings with the most failing (``by_building``: ``[(building code,
    {rule code: failing})]``)."""
    charts = [
        {
            "kind": "bar",
            "title": _("Failing now, by rule"),
            "categories": [str(r.title) for r in rules],
            "series": [{"name": _("failing"), "data": [counts[r.code] for r in rules]}],
            "unit": "",
            "horizontal": True,  # rule titles are long
        }
    ]
    weeks = sorted({day for r in rules for day, _n, _demo in trends[r.code]})
    if weeks:
        charts.append(
            {
                "kind": "line",
                "title": _("Weekly trend of each rule"),
                "categories": [day.isoformat() for day in weeks],
                "series": [
                    {
                        "name": str(r.title),
                        "data": [
                            {day: n for day, n, _demo in trends[r.code]}.get(day) for day in weeks
                        ],
                    }
                    for r in rules
                ],
                "unit": "",
            }
        )
    if by_building:
        charts.append(
            {
                "kind": "stacked",
                "title": _("Buildings with the most failing"),
                "categories": [label for label, _row in by_building],
                "series": [
                    {
                        "name": str(r.title),
                        "data": [row.get(r.code, 0) for _label, row in by_building],
                    }
                    for r in rules
                ],
                "unit": "",
            }
        )
    return charts


def supervisor_chart(rows: list[dict]) -> dict:
    """Each unit's on-time rates and satisfaction, in percent, in the overview's order."""

    def percent(value):
        return None if value is None else round(100 * value, 1)

    return {
        "kind": "bar",
        "title": _("On-time rates and satisfaction by unit"),
        "categories": [row["unit"].name for row in rows],
        "series": [
            {"name": _("tasks on time"), "data": [percent(r["task_on_time"]) for r in rows]},
            {
                "name": _("requests on time"),
                "data": [percent(r["request_on_time"]) for r in rows],
            },
            {
                "name": _("satisfaction rate"),
                "data": [r["satisfaction_rate"] for r in rows],
            },
        ],
        "unit": "%",
        "horizontal": True,
    }


def building_codes(pks) -> dict:
    """``{pk: code}`` of the buildings ``pks`` (one query)."""
    return dict(Building.objects.filter(pk__in=[pk for pk in pks if pk]).values_list("pk", "code"))
