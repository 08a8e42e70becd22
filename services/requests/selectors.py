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
    return qs.filter(scope)


def request_list_for_user(user, *, now: datetime.datetime | None = None):
    """The queue: one query with the building, household, unit and the overdue flag."""
    now = now or timezone.now()
    return (
        requests_for_user(user)
        .select_related("building", "household__dwelling", "unit")
        .annotate(
            overdue=Case(
                When(overdue_q(now), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by("-filed_at", "-pk")
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
    if resident_request.building_id in leader_building_ids(user):
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


def request_figures_by_unit(
    *, since=None, until=None, units=None, now: datetime.datetime | None = None
) -> list[dict]:
    """Per responsible unit: requests received, closed on time, overdue, with a verdict,
    satisfied (满意 or 基本满意) and the satisfaction rate (%), over the requests filed in
    [since, until). One grouped query (``values().annotate()``); requests not yet assigned
    are left out. ``units`` (a queryset or ids) narrows to some units."""
    now = now or timezone.now()
    qs = ResidentRequest.objects.filter(unit__isnull=False)
    if since is not None:
        qs = qs.filter(filed_at__gte=since)
    if until is not None:
        qs = qs.filter(filed_at__lt=until)
    if units is not None:
        qs = qs.filter(unit__in=units)
    rows = (
        qs.values("unit", "unit__name", "unit__code", "unit__sort_order")
        .annotate(
            received=Count("pk"),
            open=Count("pk", filter=Q(state__in=OPEN_STATES)),
            closed=Count("pk", filter=Q(state=State.CLOSED)),
            closed_on_time=Count(
                "pk", filter=Q(state=State.CLOSED, resolved_at__lte=F("deadline"))
            ),
            overdue=Count("pk", filter=overdue_q(now)),
            verdicts=Count("pk", filter=Q(state=State.CLOSED) & ~Q(satisfaction="")),
            satisfied=Count(
                "pk",
                filter=Q(
                    state=State.CLOSED,
                    satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.FAIRLY],
                ),
            ),
            unsatisfied=Count(
                "pk", filter=Q(state=State.CLOSED, satisfaction=Satisfaction.UNSATISFIED)
            ),
        )
        .order_by("unit__sort_order", "unit__code")
    )
    figures = []
    for row in rows:
        verdicts = row["verdicts"]
        figures.append(
            {
                "unit_id": row["unit"],
                "unit_name": row["unit__name"],
                "unit_code": row["unit__code"],
                "received": row["received"],
                "open": row["open"],
                "closed": row["closed"],
                "closed_on_time": row["closed_on_time"],
                "overdue": row["overdue"],
                "verdicts": verdicts,
                "satisfied": row["satisfied"],
                "unsatisfied": row["unsatisfied"],
                "satisfaction_rate": round(100 * row["satisfied"] / verdicts, 1)
                if verdicts
                else None,
            }
        )
    return figures


def unread_notification_count(user) -> int:
    from core.models import Notification

    return Notification.objects.filter(user=user, read_at__isnull=True).count()
