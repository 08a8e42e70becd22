"""Reads of residents' requests, scoped to the user: staff, administrators and supervisors
see every request, a department user the requests assigned to their unit, a building
leader the requests of the buildings of their current terms. Out of scope is a 404."""

import datetime

from django.db.models import BooleanField, Case, Count, F, Prefetch, Q, Value, When
from django.http import Http404
from django.utils import timezone

from buildings.selectors import leader_building_ids
from community.roles import Role, has_role
from community.selectors import department_of_user
from core.querysets import first_per_group
from households.selectors import head_name_subquery
from services.requests.models import (
    OPEN_STATES,
    RequestEvent,
    RequestPhoto,
    ResidentRequest,
    Satisfaction,
    State,
)

# What each role may do to a request (see ``request_allowed_actions``).
STAFF_ACTIONS = {"accept", "start", "resolve", "reject", "close", "reopen"}
UNIT_ACTIONS = {"start", "resolve"}
LEADER_ACTIONS = {"close"}
# The transition each action makes: (to state, from states).
ACTION_TRANSITIONS = {
    "accept": State.ACCEPTED,
    "start": State.IN_PROGRESS,
    "resolve": State.RESOLVED,
    "close": State.CLOSED,
    "reject": State.REJECTED,
    "reopen": State.IN_PROGRESS,
}


def is_request_staff(user) -> bool:
    return has_role(user, Role.STAFF, Role.ADMINISTRATOR)


def sees_all_requests(user) -> bool:
    return has_role(user, Role.STAFF, Role.ADMINISTRATOR, Role.SUPERVISOR)


def overdue_q(now: datetime.datetime) -> Q:
    """Late: still open after the deadline, or resolved after it. At the deadline itself a
    request is not yet overdue (the same rule as ``ResidentRequest.is_overdue_at``)."""
    return Q(state__in=OPEN_STATES, deadline__lt=now) | Q(
        state__in=[State.RESOLVED, State.CLOSED], resolved_at__gt=F("deadline")
    )


def requests_for_user(user):
    """The requests ``user`` may read."""
    qs = ResidentRequest.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if sees_all_requests(user):
        return qs
    scope = Q(pk__in=[])
    if has_role(user, Role.DEPARTMENT):
        dept = department_of_user(user)
        if dept is not None:
            scope |= Q(unit=dept)
    buildings = leader_building_ids(user)
    if buildings:
        scope |= Q(building_id__in=buildings)
    if has_role(user, Role.BUILDING_LEADER):
        # A facility problem a leader reported names no building: it is the leader's own.
        scope |= Q(building__isnull=True, filed_by=user)
    return qs.filter(scope)


def request_list_for_user(user, *, now: datetime.datetime | None = None):
    """The queue: one query with the building, household, its head's name, unit and the
    overdue flag; open requests first, newest first within each group."""
    now = now or timezone.now()
    return (
        requests_for_user(user)
        .select_related("building", "facility", "household__dwelling", "unit")
        .annotate(
            overdue=Case(
                When(overdue_q(now), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            open_first=Case(
                When(state__in=OPEN_STATES, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            head_name=head_name_subquery("household"),
        )
        .order_by("-open_first", "-filed_at", "-pk")
    )


def households_newest_requests(user, *, household_ids, n: int):
    """The newest ``n`` requests of each household the user may see, open ones first (the
    queue's order), in one query: a window ranks each household's requests; only the unit
    is joined, since the household's page already shows the rest."""
    now = timezone.now()
    qs = (
        requests_for_user(user)
        .filter(household_id__in=household_ids)
        .select_related("unit")
        .annotate(
            overdue=Case(
                When(overdue_q(now), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            open_first=Case(
                When(state__in=OPEN_STATES, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
    )
    return first_per_group(
        qs, group="household_id", order_by=("-open_first", "-filed_at", "-pk"), n=n
    )


def request_get_for_user(*, user, pk: int) -> ResidentRequest:
    """One request in the user's scope, with its photos and timeline prefetched."""
    events = RequestEvent.objects.select_related("actor__profile", "unit").order_by("at", "pk")
    try:
        return (
            request_list_for_user(user)
            .select_related("filed_by__profile")
            .prefetch_related(
                Prefetch("events", queryset=events),
                Prefetch("photos", queryset=RequestPhoto.objects.order_by("uploaded_at", "pk")),
            )
            .get(pk=pk)
        )
    except ResidentRequest.DoesNotExist:
        raise Http404 from None


def request_photo_get_for_user(*, user, pk: int) -> RequestPhoto:
    """A photo, only if the user may see its request (404 otherwise)."""
    try:
        return RequestPhoto.objects.get(pk=pk, request__in=requests_for_user(user))
    except RequestPhoto.DoesNotExist:
        raise Http404 from None


def request_allowed_actions(*, user, resident_request: ResidentRequest) -> list[str]:
    """The actions ``user`` may take on the request now, in the order pages show them."""
    actions: set[str] = set()
    if is_request_staff(user):
        actions |= STAFF_ACTIONS
    if has_role(user, Role.DEPARTMENT):
        dept = department_of_user(user)
        if dept is not None and resident_request.unit_id == dept.pk:
            actions |= UNIT_ACTIONS
    if resident_request.building_id in leader_building_ids(user) or (
        resident_request.building_id is None
        and resident_request.filed_by_id == user.pk
        and has_role(user, Role.BUILDING_LEADER)
    ):
        actions |= LEADER_ACTIONS
    state = resident_request.state
    possible = {
        State.SUBMITTED: ["accept", "reject"],
        State.ACCEPTED: ["start", "resolve", "reject"],
        State.IN_PROGRESS: ["resolve"],
        State.RESOLVED: ["close", "reopen"],
        State.CLOSED: ["reopen"],
        State.REJECTED: [],
    }[state]
    return [a for a in possible if a in actions]


# The figures a unit is held to account by, defined once here and shown the same on the
# request figures page, the supervisor's overview and the requests report:
# - overdue (逾期): still open after the deadline, or resolved after it (``overdue_q``);
#   "open past deadline" is the part still open;
# - on-time rate (按时办结率): resolved (or closed) by the deadline, out of those resolved and
#   those still open past the deadline (an open request not yet due counts for neither);
# - satisfaction rate (满意率): 满意 or 基本满意 verdicts out of all verdicts, in %;
# - satisfaction score (满意度得分): 满意 counts 1, 基本满意 ½, 不满意 0, averaged over verdicts.
FIGURE_COUNTS = (
    "received",
    "open",
    "resolved",
    "resolved_on_time",
    "closed",
    "closed_on_time",
    "open_overdue",
    "overdue",
    "verdicts",
    "satisfied",
    "fully_satisfied",
    "fairly",
    "unsatisfied",
)


def _with_rates(figures: dict) -> dict:
    due = figures["resolved"] + figures["open_overdue"]
    verdicts = figures["verdicts"]
    figures["on_time_rate"] = figures["resolved_on_time"] / due if due else None
    figures["satisfaction_rate"] = (
        round(100 * figures["satisfied"] / verdicts, 1) if verdicts else None
    )
    figures["satisfaction_score"] = (
        (figures["fully_satisfied"] + 0.5 * figures["fairly"]) / verdicts if verdicts else None
    )
    return figures


def request_figures_by_unit(
    *, since=None, until=None, units=None, now: datetime.datetime | None = None
) -> list[dict]:
    """Per responsible unit, the counts of ``FIGURE_COUNTS`` and the rates defined above,
    over the requests filed in [since, until). One grouped query (``values().annotate()``);
    requests not yet assigned are left out. ``units`` (a queryset or ids) narrows to some
    units."""
    now = now or timezone.now()
    qs = ResidentRequest.objects.filter(unit__isnull=False)
    if since is not None:
        qs = qs.filter(filed_at__gte=since)
    if until is not None:
        qs = qs.filter(filed_at__lt=until)
    if units is not None:
        qs = qs.filter(unit__in=units)
    finished = Q(state__in=[State.RESOLVED, State.CLOSED], resolved_at__isnull=False)
    closed = Q(state=State.CLOSED)
    rows = (
        qs.values("unit", "unit__name", "unit__code", "unit__sort_order")
        .annotate(
            received=Count("pk"),
            open=Count("pk", filter=Q(state__in=OPEN_STATES)),
            resolved=Count("pk", filter=finished),
            resolved_on_time=Count("pk", filter=finished & Q(resolved_at__lte=F("deadline"))),
            closed=Count("pk", filter=closed),
            closed_on_time=Count("pk", filter=closed & Q(resolved_at__lte=F("deadline"))),
            open_overdue=Count("pk", filter=Q(state__in=OPEN_STATES, deadline__lt=now)),
            overdue=Count("pk", filter=overdue_q(now)),
            verdicts=Count("pk", filter=closed & ~Q(satisfaction="")),
            satisfied=Count(
                "pk",
                filter=closed & Q(satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.FAIRLY]),
            ),
            fully_satisfied=Count("pk", filter=closed & Q(satisfaction=Satisfaction.SATISFIED)),
            fairly=Count("pk", filter=closed & Q(satisfaction=Satisfaction.FAIRLY)),
            unsatisfied=Count("pk", filter=closed & Q(satisfaction=Satisfaction.UNSATISFIED)),
        )
        .order_by("unit__sort_order", "unit__code")
    )
    return [
        _with_rates(
            {
                "unit_id": row["unit"],
                "unit_name": row["unit__name"],
                "unit_code": row["unit__code"],
                **{key: row[key] for key in FIGURE_COUNTS},
            }
        )
        for row in rows
    ]


def request_figures_total(rows: list[dict]) -> dict:
    """The figures of all ``rows`` together, rates computed the same way."""
    return _with_rates({key: sum(r[key] for r in rows) for key in FIGURE_COUNTS})
