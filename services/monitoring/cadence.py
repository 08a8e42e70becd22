"""Visit cadence as a rule (户户见, DOMAIN.md §11): every active household is visited at
least once a calendar month; key groups at least once a calendar week (Monday to Sunday) —
households under monitoring, elderly people living alone (``ELDERLY_ALONE_AGE``),
households with a severely disabled member (disability grade 1–2, the certificate's last
digit), and left-behind children (a child under ``LEFT_BEHIND_CHILD_AGE`` whose parents in
the household — the head and spouse — are all currently in migrant work outside the county).
Periods and ages are settings (``settings.VISITS``).

One annotated queryset gives each household its ``key_group``, ``last_visit`` and ``state``:
``visited`` (seen in the current period), ``due`` (not yet seen this period, but seen in the
previous one) or ``overdue`` (not seen in this period nor the previous one). Counts per
building and the lists behind them come from the same queryset, counted in SQL."""

import datetime

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Substr

from core.idnumbers import birth_date_bounds_for_age
from households.fieldlogs.models import Visit
from households.models import Person, Relationship
from services.records.models import Employment

VISITED, DUE, OVERDUE = "visited", "due", "overdue"
STATES = (VISITED, DUE, OVERDUE)


def period_start(day: datetime.date, period: str) -> datetime.date:
    if period == "week":
        return day - datetime.timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    raise ValueError(period)


def previous_period_start(day: datetime.date, period: str) -> datetime.date:
    return period_start(period_start(day, period) - datetime.timedelta(days=1), period)


def key_group_conditions(today: datetime.date) -> dict[str, Q]:
    """Each key group as a condition on households."""
    cfg = settings.VISITS
    _young, elder_latest = birth_date_bounds_for_age(cfg["ELDERLY_ALONE_AGE"], 200, today)
    child_earliest, _latest = birth_date_bounds_for_age(0, cfg["LEFT_BEHIND_CHILD_AGE"] - 1, today)
    members = Person.objects.filter(household=OuterRef("pk"), is_active=True)
    member_count = Subquery(
        members.order_by().values("household").annotate(n=Count("pk")).values("n"),
        output_field=IntegerField(),
    )
    severe = members.annotate(grade=Substr("disability_certificate", 20, 1)).filter(
        grade__in=list(cfg["SEVERE_DISABILITY_GRADES"])
    )
    parents = members.filter(relationship__in=[Relationship.HEAD, Relationship.SPOUSE])
    migrant_now = Employment.objects.filter(
        person=OuterRef("pk"), kind=Employment.Kind.MIGRANT, started_on__lte=today
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
    parent_at_home = parents.filter(~Exists(migrant_now))
    children = members.filter(
        relationship__in=[Relationship.SON, Relationship.DAUGHTER], birth_date__gte=child_earliest
    )
    return {
        "monitored": ~Q(monitoring_category=""),
        "elderly_alone": Q(Exists(members.filter(birth_date__lte=elder_latest))) & Q(_members_n=1),
        "severe_disability": Q(Exists(severe)),
        "left_behind": Q(Exists(children)) & Q(Exists(parents)) & ~Q(Exists(parent_at_home)),
    }, member_count


def _bool(condition: Q):
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def with_visit_state(households, *, today: datetime.date):
    """``households`` annotated with ``key_group`` (and one flag per group), ``last_visit``
    and ``state``."""
    cfg = settings.VISITS
    groups, member_count = key_group_conditions(today)
    key = Q()
    for condition in groups.values():
        key |= condition
    last_visit = Subquery(
        Visit.objects.filter(household=OuterRef("pk"), visited_on__lte=today)
        .order_by()
        .values("household")
        .annotate(d=Max("visited_on"))
        .values("d")
    )
    key_p, all_p = cfg["KEY_GROUP_PERIOD"], cfg["ALL_PERIOD"]

    def state_for(period):
        start, previous = period_start(today, period), previous_period_start(today, period)
        return [
            When(Q(last_visit__gte=start), then=Value(VISITED)),
            When(Q(last_visit__gte=previous), then=Value(DUE)),
        ], previous

    key_whens, _kp = state_for(key_p)
    all_whens, _ap = state_for(all_p)
    return (
        households.annotate(_members_n=Coalesce(member_count, 0), last_visit=last_visit)
        .annotate(**{f"is_{name}": _bool(cond) for name, cond in groups.items()})
        .annotate(
            key_group=_bool(key),
            state=Case(
                *[When(Q(key_group=True) & w.condition, then=w.result) for w in key_whens],
                *[When(Q(key_group=False) & w.condition, then=w.result) for w in all_whens],
                default=Value(OVERDUE),
                output_field=CharField(),
            ),
        )
    )


def visit_list(households, *, today: datetime.date, state: str | None = None, key_only=False):
    """The households (active) with their visit state, most overdue first (never visited,
    then the longest since the last visit)."""
    qs = with_visit_state(households.filter(is_active=True), today=today)
    if state == "pending":
        qs = qs.filter(state__in=[DUE, OVERDUE])
    elif state:
        qs = qs.filter(state=state)
    if key_only:
        qs = qs.filter(key_group=True)
    return qs.select_related("dwelling__building").order_by(
        Coalesce("last_visit", Value(datetime.date(1900, 1, 1)), output_field=DateField()), "number"
    )


def figures_by_building(households, *, today: datetime.date) -> list[dict]:
    """Per building, in one grouped query: active households, due (not yet visited in
    their period), overdue, visited this calendar month, key-group households and those of
    them visited in the current key-group period."""
    month = period_start(today, "month")
    key_start = period_start(today, settings.VISITS["KEY_GROUP_PERIOD"])
    rows = (
        with_visit_state(households.filter(is_active=True, dwelling__isnull=False), today=today)
        .values("dwelling__building_id", "dwelling__building__code", "dwelling__building__name")
        .annotate(
            total=Count("pk"),
            due=Count("pk", filter=Q(state=DUE)),
            overdue=Count("pk", filter=Q(state=OVERDUE)),
            visited_month=Count("pk", filter=Q(last_visit__gte=month)),
            key=Count("pk", filter=Q(key_group=True)),
            key_visited=Count("pk", filter=Q(key_group=True, last_visit__gte=key_start)),
        )
        .order_by("dwelling__building__code")
    )
    return list(rows)
