"""Unit dashboards, rule lists and the supervisor's overview."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone

from buildings.models import Building
from community.models import Department
from core.paging import KnownCountPaginator
from services.monitoring import selectors as monitoring
from services.monitoring.access import COUNTY_UNIT, TOWN_UNIT
from services.obligations import selectors
from services.obligations.charts import sparkline
from services.obligations.forms import RuleListFilter
from services.obligations.rules import RULE_LIST, rules_for_unit
from services.requests.selectors import request_figures_by_unit
from services.worktasks import selectors as worktask_selectors

PAGE_SIZE = 50
BUILDINGS_SHOWN = 50  # rows of a dashboard's breakdown by building


def _dashboard(request, unit):
    today = timezone.localdate()
    rules = rules_for_unit(unit.code)
    figures = selectors.rule_figures(
        rules=rules, today=today, by_building=True, recount="recount" in request.GET
    )
    # The buildings with the most failing first; a county has thousands of buildings, and
    # a rule's list finds any other by its number.
    ranked = sorted(
        figures.by_building.items(),
        key=lambda kv: (-sum(kv[1].values()), kv[0] is None, kv[0] or 0),
    )
    shown = ranked[:BUILDINGS_SHOWN]
    buildings = {b.pk: b for b in Building.objects.filter(pk__in=[k for k, _row in shown if k])}
    trends = selectors.weekly_trend(codes=[r.code for r in rules], today=today)
    building_rows = [
        (buildings.get(pk), [(r, row.get(r.code, 0)) for r in rules]) for pk, row in shown
    ]
    return render(
        request,
        "services/obligations/unit_dashboard.html",
        {
            "unit": unit,
            "today": today,
            "rule_rows": [(r, figures.counts[r.code], sparkline(trends[r.code])) for r in rules],
            "rules": rules,
            "building_rows": building_rows,
            "buildings_failing": len(ranked),
            "counted_at": figures.counted_at,
            "updated_at": figures.updated_at,
            "tasks": worktask_selectors.unit_open_tasks(unit=unit),
            "can_list": bool(selectors.rules_for_user(request.user)),
            # Monitoring: the help measures the unit owns; the town and the county, who
            # record the last two steps, see the cases nearing or past the 15-day limit.
            "monitoring_measures": monitoring.unit_open_measures(unit=unit),
            "monitoring_flagged": monitoring.open_cases_flagged(today=today)
            if unit.code in (TOWN_UNIT, COUNTY_UNIT)
            else [],
        },
    )


def unit_dashboard(request):
    """The user's own unit; staff and supervisors without one go to the overview."""
    if (
        selectors.can_see_overview(request.user)
        and selectors.department_of_user(request.user) is None
    ):
        return redirect("services:supervisor_overview")
    return _dashboard(request, selectors.unit_get_for_user(user=request.user))


def unit_dashboard_for(request, code):
    return _dashboard(request, selectors.unit_get_for_user(user=request.user, code=code))


def rule_list(request, code):
    rule = selectors.rule_get_for_user(user=request.user, code=code)
    today = timezone.localdate()
    filterset = RuleListFilter(
        request.GET or None,
        queryset=selectors.rule_failing_list(rule=rule, today=today),
        subject=rule.subject,
    )
    # The page count comes from the rule's kept counts (the same rows, counted by building
    # and kept current), not from a COUNT over the whole registry on every page.
    valid = filterset.is_bound and filterset.is_valid()
    total = selectors.rule_failing_count(
        rule=rule,
        today=today,
        building_code=filterset.form.cleaned_data.get("building") if valid else None,
    )
    page = KnownCountPaginator(filterset.qs, PAGE_SIZE, count=total).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "services/obligations/rule_list.html",
        {
            "rule": rule,
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "today": today,
        },
    )


def supervisor_overview(request):
    if not selectors.can_see_overview(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    worst_first = request.GET.get("order") != "best"
    units = list(Department.objects.filter(is_active=True).order_by("sort_order", "code"))
    figures = selectors.rule_figures(rules=RULE_LIST, today=today, recount="recount" in request.GET)
    rows = selectors.unit_rows(
        units=units,
        counts=figures.counts,
        tasks=worktask_selectors.task_figures_by_unit(today=today),
        requests=request_figures_by_unit(now=timezone.now()),
    )
    return render(
        request,
        "services/obligations/supervisor_overview.html",
        {
            "rows": selectors.rank_units(rows, worst_first=worst_first),
            "worst_first": worst_first,
            "today": today,
            "counted_at": figures.counted_at,
            "updated_at": figures.updated_at,
            "monitoring": monitoring.overview_counts(today=today),
            "monitoring_flagged": monitoring.open_cases_flagged(today=today),
        },
    )
