"""The home page (``/``): what each role has to do today, and its figures in charts."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from community.models import Department
from community.roles import Role, user_roles
from services.obligations import selectors as obligations
from services.obligations.rules import RULE_LIST, rules_for_unit
from services.requests.models import OPEN_STATES
from services.requests.selectors import request_figures_by_unit, request_list_for_user
from services.worktasks import selectors as worktasks
from services.worktasks.models import UNFINISHED_STATES

from . import desk

UNIT_BUILDINGS_CHARTED = 10  # buildings with the most failing on a unit's chart
LISTED = 10  # requests and tasks listed on a unit's home


def _chart(key: str, chart: dict, url: str) -> dict:
    """A chart for the page: its data (``json_script``), the same figures as table rows,
    and the live list it stands for."""
    rows = [
        (category, [series["data"][i] for series in chart["series"]])
        for i, category in enumerate(chart["categories"])
    ]
    return {"id": f"chart-{key}", "data": chart, "rows": rows, "url": url}


def home(request):
    """Each role's home; a building leader's is the phone pages."""
    roles = user_roles(request.user)
    if roles & {Role.STAFF, Role.ADMINISTRATOR}:
        return staff_home(request)
    if Role.SUPERVISOR in roles:
        return supervisor_home(request)
    if Role.DEPARTMENT in roles:
        return department_home(request)
    if Role.BUILDING_LEADER in roles:
        return redirect("mobile:home")
    raise PermissionDenied


def staff_home(request):
    today, now, user = timezone.localdate(), timezone.now(), request.user
    requests = desk.requests_chart(user=user, now=now)
    hygiene = desk.hygiene_chart(user=user, today=today)
    charts = [
        _chart(
            "pyramid",
            desk.population_pyramid(user=user, today=today),
            reverse("households:dashboard"),
        ),
        _chart("labour", desk.labour_capacity_chart(user=user), reverse("households:dashboard")),
        _chart(
            "employment",
            desk.employment_chart(user=user, today=today),
            reverse("services:rule_list", args=["zero-employment"]),
        ),
        _chart(
            "requests",
            requests,
            reverse("services:request_queue")
            + "?"
            + urlencode({"state": "", "filed_from": requests["since"]}),
        ),
        _chart(
            "hygiene",
            hygiene,
            reverse("buildings:hygiene_ranking") + "?" + urlencode({"month": hygiene["month"]}),
        ),
    ]
    context = {"todo": desk.staff_todo(user=user, today=today), "charts": charts, "today": today}
    return render(request, "home/staff.html", context)


def department_home(request):
    user, today = request.user, timezone.localdate()
    unit = obligations.unit_get_for_user(user=user)
    rules = rules_for_unit(unit.code)
    figures = obligations.rule_figures(rules=rules, today=today, by_building=True)
    trends = obligations.weekly_trend(codes=[r.code for r in rules], today=today)
    ranked = sorted(
        figures.by_building.items(),
        key=lambda kv: (-sum(kv[1].values()), kv[0] is None, kv[0] or 0),
    )[:UNIT_BUILDINGS_CHARTED]
    codes = desk.building_codes([pk for pk, _row in ranked])
    by_building = [(codes.get(pk, "—"), row) for pk, row in ranked]
    charts = [
        _chart(f"unit-{i}", chart, reverse("services:unit_dashboard"))
        for i, chart in enumerate(
            desk.unit_rule_charts(
                rules=rules, counts=figures.counts, trends=trends, by_building=by_building
            )
        )
    ]
    open_requests = request_list_for_user(user).filter(state__in=OPEN_STATES)
    open_tasks = worktasks.tasks_for_user(user).filter(state__in=UNFINISHED_STATES)
    context = {
        "unit": unit,
        "today": today,
        "charts": charts,
        "rule_rows": [(r, figures.counts[r.code]) for r in rules],
        "open_request_count": open_requests.count(),
        "open_requests": list(open_requests.order_by("deadline", "pk")[:LISTED]),
        "open_task_count": open_tasks.count(),
        "open_tasks": list(open_tasks.order_by("deadline", "pk")[:LISTED]),
        "counted_at": figures.counted_at,
    }
    return render(request, "home/department.html", context)


def supervisor_home(request):
    today = timezone.localdate()
    units = list(Department.objects.filter(is_active=True).order_by("sort_order", "code"))
    figures = obligations.rule_figures(rules=RULE_LIST, today=today)
    rows = obligations.rank_units(
        obligations.unit_rows(
            units=units,
            counts=figures.counts,
            tasks=worktasks.task_figures_by_unit(today=today),
            requests=request_figures_by_unit(now=timezone.now()),
        ),
        worst_first=True,
    )
    chart = _chart("units", desk.supervisor_chart(rows), reverse("services:supervisor_overview"))
    context = {"rows": rows, "chart": chart, "today": today, "counted_at": figures.counted_at}
    return render(request, "home/supervisor.html", context)
