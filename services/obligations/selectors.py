"""Reads for the obligation dashboards, the supervisor's overview and work tasks, scoped
to the user: staff, supervisors and administrators see every unit; a department user sees
their own unit (every unit when the unit supervises others); building leaders see none."""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone

from buildings.models import Building
from community.models import Department
from community.roles import Role, has_role
from community.selectors import department_of_user, departments_for_user, sees_every_unit
from households.models import Person, Relationship
from services.obligations import counts
from services.obligations.models import RuleSnapshot
from services.obligations.rules import (
    INSPECTION,
    PERSON,
    RULE_LIST,
    RULES,
    active_member_count,
    rules_for_unit,
)

TREND_WEEKS = 12


@dataclass
class RuleFigures:
    counts: dict[str, int]
    by_building: dict[int | None, dict[str, int]] | None
    counted_at: datetime.datetime  # when the oldest of the full counts was made
    updated_at: datetime.datetime  # when they were last brought up to date


def rule_figures(
    *, rules, today: datetime.date, by_building: bool = False, recount: bool = False
) -> RuleFigures:
    """The failing counts of ``rules`` (and with ``by_building`` their breakdown by
    building), from the counts kept per building and brought up to date with every change
    (``services.obligations.counts``); ``recount`` counts them afresh in full."""
    rules = list(rules)
    runs = counts.counts_bring_up_to_date(rules=rules, today=today, recount=recount)
    return RuleFigures(
        counts=counts.counts_totals(rules=rules, today=today),
        by_building=counts.counts_by_building(rules=rules, today=today) if by_building else None,
        counted_at=min(runs.values(), default=timezone.now()),
        updated_at=timezone.now(),
    )


def can_see_overview(user) -> bool:
    return has_role(user, Role.STAFF, Role.SUPERVISOR, Role.ADMINISTRATOR)


def rules_for_user(user) -> list:
    """The rules whose lists the user may read."""
    if sees_every_unit(user):
        return list(RULE_LIST)
    dept = department_of_user(user) if has_role(user, Role.DEPARTMENT) else None
    return rules_for_unit(dept.code) if dept is not None else []


def rule_get_for_user(*, user, code: str):
    rule = RULES.get(code)
    if rule is None or code not in {r.code for r in rules_for_user(user)}:
        raise Http404
    return rule


def unit_get_for_user(*, user, code: str | None = None) -> Department:
    """The user's own unit (``code`` None) or the unit ``code`` if the user may see it."""
    if code is None:
        dept = department_of_user(user)
        if dept is None:
            raise Http404
        return dept
    try:
        return departments_for_user(user).get(code=code)
    except Department.DoesNotExist:
        raise Http404 from None


def rule_failing_count(*, rule, today: datetime.date, building_code: str | None = None) -> int:
    """How many rows ``rule_failing_list`` has (in one building when ``building_code``),
    from the kept counts brought up to date."""
    counts.counts_bring_up_to_date(rules=[rule], today=today)
    if building_code:
        building = Building.objects.filter(code=building_code).values_list("pk", flat=True)
        pk = building.first()
        if pk is None:
            return 0
        return counts.counts_of_building(rule=rule, today=today, building_id=pk)
    return counts.counts_totals(rules=[rule], today=today)[rule.code]


def rule_failing_list(*, rule, today: datetime.date):
    """The rows behind a rule's count, ready for a list page."""
    qs = rule.failing(today)
    if rule.subject == INSPECTION:
        return qs.select_related("building", "unit").order_by("rectification_deadline", "pk")
    if rule.subject == PERSON:
        return qs.select_related("household__dwelling__building").order_by(
            "household__number", "relationship", "pk"
        )
    heads = Person.objects.filter(relationship=Relationship.HEAD, is_active=True)
    return (
        qs.select_related("dwelling__building")
        .annotate(member_count=active_member_count())
        .prefetch_related(Prefetch("members", queryset=heads, to_attr="heads"))
        .order_by("number")
    )


def weekly_trend(
    *, codes, today: datetime.date, weeks: int = TREND_WEEKS
) -> dict[str, list[tuple]]:
    """``{code: [(day, count, is_demo), …]}``: the last snapshot of each of the past
    ``weeks`` weeks, oldest first (one query)."""
    since = today - datetime.timedelta(weeks=weeks)
    rows = RuleSnapshot.objects.filter(
        rule_code__in=list(codes), day__gt=since, day__lte=today
    ).order_by("rule_code", "day")
    series: dict[str, dict[int, tuple]] = {code: {} for code in codes}
    for code, day, count, is_demo in rows.values_list("rule_code", "day", "count", "is_demo"):
        series[code][(today - day).days // 7] = (
            day,
            count,
            is_demo,
        )  # later days overwrite earlier
    return {
        code: [by_week[k] for k in sorted(by_week, reverse=True)]
        for code, by_week in series.items()
    }


def _rate(numerator: int, denominator: int) -> float | None:
    return None if not denominator else numerator / denominator


def unit_rows(*, units, counts: dict[str, int], tasks: dict, requests: list[dict]) -> list[dict]:
    """One row per unit for the overview. Tasks' on-time rate counts finished tasks and
    those still open past their deadline; the request figures are those of the request
    figures page (``services.requests.selectors.request_figures_by_unit``), unchanged."""
    requests = {row["unit_id"]: row for row in requests}
    rows = []
    for unit in units:
        rules = rules_for_unit(unit.code)
        t = tasks.get(unit.pk, {})
        r = requests.get(unit.pk, {})
        task_due = t.get("done", 0) + t.get("overdue", 0)
        rows.append(
            {
                "unit": unit,
                "rules": [(rule, counts[rule.code]) for rule in rules],
                "failing": sum(counts[rule.code] for rule in rules),
                "open_tasks": t.get("open", 0),
                "overdue_tasks": t.get("overdue", 0),
                "accountabilities": t.get("accountabilities", 0),
                "task_on_time": _rate(t.get("on_time", 0), task_due),
                "request_on_time": r.get("on_time_rate"),
                "open_overdue_requests": r.get("open_overdue", 0),
                "overdue_requests": r.get("overdue", 0),
                "satisfaction": r.get("satisfaction_score"),
                "satisfaction_rate": r.get("satisfaction_rate"),
                "closed_requests": r.get("verdicts", 0),
                "unsatisfied": r.get("unsatisfied", 0),
            }
        )
    return rows


def rank_units(rows: list[dict], *, worst_first: bool = True) -> list[dict]:
    """Worst first: most overdue tasks, then lowest on-time rates, then lowest
    satisfaction, then most failing people and households. Units without a figure rank as
    neither good nor bad on it (a missing rate counts as 1)."""

    def badness(row):
        return (
            row["overdue_tasks"] + row["open_overdue_requests"],
            -(row["task_on_time"] if row["task_on_time"] is not None else 1),
            -(row["request_on_time"] if row["request_on_time"] is not None else 1),
            -(row["satisfaction"] if row["satisfaction"] is not None else 1),
            row["failing"],
        )

    ranked = sorted(rows, key=badness, reverse=worst_first)
    for position, row in enumerate(ranked, start=1):
        row["rank"] = position
    return ranked
