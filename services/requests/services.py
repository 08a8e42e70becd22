"""Writes of residents' requests. Every transition goes through ``_transition``: it locks
the row (``select_for_update``), checks the version the user saw, refuses a transition not
in ``TRANSITIONS`` with a message in the user's language, saves with ``update_fields`` and
records a ``RequestEvent`` with actor, time and note."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from buildings.models import Building
from buildings.selectors import buildings_for_user
from community.departments import MEASURE_UNITS
from community.models import Department
from community.roles import Role
from community.selectors import unit_members
from core.notifications import notify, notify_batch
from core.versioning import EditConflict
from households.models import Household
from households.selectors import households_for_user
from services.requests.models import (
    TRANSITIONS,
    Category,
    RequestEvent,
    RequestPhoto,
    ResidentRequest,
    State,
)
from services.requests.selectors import request_allowed_actions

MAX_PHOTOS = 3

# Routing suggested from the category, after the plan's responsibility matrix
# (community.departments.MEASURE_UNITS): (measure, unit code).
CATEGORY_MEASURE_UNIT = {
    Category.REPAIRS: ("3", "qinjiang-town"),
    Category.HYGIENE: ("2", "qinjiang-town"),
    Category.PROPERTY: ("4", "qinjiang-town"),
    Category.PUBLIC_ORDER: ("5.1", "qinjiang-police"),
    Category.HUKOU: ("5.1", "public-security"),
    Category.MEDICAL: ("5.2", "medical-insurance"),
    Category.LAND: ("5.3", "natural-resources"),
    Category.SCHOOLING: ("6.1", "education"),
    Category.EMPLOYMENT: ("6.3", "human-resources"),
    Category.ASSISTANCE: ("6.4", "civil-affairs"),
    Category.OTHER: ("1", "qinjiang-town"),
}
assert all(code in MEASURE_UNITS[measure] for measure, code in CATEGORY_MEASURE_UNIT.values())


def request_suggested_unit_code(category: str) -> str:
    return CATEGORY_MEASURE_UNIT[Category(category)][1]


def request_deadline(*, filed_at: datetime.datetime, urgency: str) -> datetime.datetime:
    return filed_at + datetime.timedelta(days=settings.REQUEST_DEADLINE_DAYS[urgency])


def _refuse_transition(req: ResidentRequest, to_state: str):
    raise ValidationError(
        _("A request that is “%(state)s” cannot be moved to “%(to)s”.")
        % {"state": State(req.state).label, "to": State(to_state).label},
        code="illegal_transition",
    )


def _notify_unit(*, unit: Department, text: str, url: str) -> int:
    return notify(users=unit_members(unit_ids=[unit.pk]), text=text, url=url)


def _assigned_text(req: ResidentRequest) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("Request #%(pk)s (%(category)s, %(building)s) was assigned to your unit.") % {
            "pk": req.pk,
            "category": req.get_category_display(),
            "building": req.place_name,
        }


@transaction.atomic
def _transition(
    *,
    pk: int,
    actor,
    action: str,
    to_state: str,
    expected_version: int | None,
    note: str = "",
    changes: dict | None = None,
    unit: Department | None = None,
    at: datetime.datetime | None = None,
    check_permission: bool = True,
) -> ResidentRequest:
    try:
        req = (
            ResidentRequest.objects.select_for_update(of=("self",))
            .select_related("building")
            .get(pk=pk)
        )
    except ResidentRequest.DoesNotExist:
        raise Http404 from None
    if expected_version is not None and req.version != expected_version:
        raise EditConflict()
    if (req.state, to_state) not in TRANSITIONS:
        _refuse_transition(req, to_state)
    if check_permission and action not in request_allowed_actions(user=actor, resident_request=req):
        raise PermissionDenied
    at = at or timezone.now()
    from_state = req.state
    req.state = to_state
    for field, value in (changes or {}).items():
        setattr(req, field, value)
    checked = {"state", *(changes or {})}
    req.full_clean(
        exclude=[f.name for f in req._meta.fields if f.name not in checked], validate_unique=False
    )
    req.version += 1
    req.save(update_fields=["state", *(changes or {}).keys(), "version"])
    RequestEvent.objects.create(
        request=req,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        at=at,
        note=note,
        unit=unit,
    )
    return req


@transaction.atomic
def request_file(
    *,
    user,
    category: str,
    description: str,
    urgency: str,
    household: Household | None = None,
    building: Building | None = None,
    photos: list[ContentFile] = (),
    filed_at: datetime.datetime | None = None,
    facility=None,
) -> ResidentRequest:
    """File a request for a household (or a building as a whole) in the user's scope:
    Http404 for one out of scope, as if it did not exist.

    A request about a public ``facility`` (``services.facilities``) may name no building;
    it goes straight to the facility's owner unit: accepted for that unit, whose users are
    notified (the routing is the plan's: each facility has its owner)."""
    if not user.has_perm("services.add_residentrequest"):
        raise PermissionDenied
    if household is not None:
        if not households_for_user(user).filter(pk=household.pk).exists():
            raise Http404
        building = household.dwelling.building
    if building is None and facility is None:
        raise ValidationError(
            {"household": _("Choose a household or the building the request is about.")}
        )
    if building is not None and not buildings_for_user(user).filter(pk=building.pk).exists():
        raise Http404
    if len(photos) > MAX_PHOTOS:
        raise ValidationError(
            {"photos": _("At most %(n)d photos can be attached.") % {"n": MAX_PHOTOS}}
        )
    filed_at = filed_at or timezone.now()
    req = ResidentRequest(
        building=building,
        household=household,
        category=category,
        description=description.strip(),
        urgency=urgency,
        filed_by=user,
        filed_at=filed_at,
        deadline=request_deadline(filed_at=filed_at, urgency=urgency),
        facility=facility,
    )
    if facility is not None:
        req.state, req.unit = State.ACCEPTED, facility.owner_unit
    req.full_clean()
    req.save()
    for photo in photos:
        RequestPhoto.objects.create(
            request=req, image=photo, uploaded_by=user, uploaded_at=filed_at
        )
    RequestEvent.objects.create(
        request=req, from_state="", to_state=State.SUBMITTED, actor=user, at=filed_at
    )
    if facility is not None:
        with translation.override(settings.LANGUAGE_CODE):
            note = _("Routed to the owner unit of %(facility)s.") % {"facility": facility.name}
        RequestEvent.objects.create(
            request=req,
            from_state=State.SUBMITTED,
            to_state=State.ACCEPTED,
            actor=None,
            at=filed_at,
            note=note,
            unit=req.unit,
        )
        _notify_unit(
            unit=req.unit,
            text=_assigned_text(req),
            url=reverse("services:request_detail", args=[req.pk]),
        )
    return req


def request_accept(
    *,
    resident_request: ResidentRequest,
    actor,
    unit: Department,
    note: str = "",
    expected_version: int | None = None,
) -> ResidentRequest:
    """Accept the request and assign the responsible unit; the unit's users are notified."""
    if unit is None:
        raise ValidationError({"unit": _("Choose the responsible unit.")})
    req = _transition(
        pk=resident_request.pk,
        actor=actor,
        action="accept",
        to_state=State.ACCEPTED,
        expected_version=expected_version,
        note=note,
        changes={"unit": unit},
        unit=unit,
    )
    _notify_unit(
        unit=unit, text=_assigned_text(req), url=reverse("services:request_detail", args=[req.pk])
    )
    return req


@transaction.atomic
def request_bulk_accept(
    *, pks: list[int], actor, unit: Department, note: str = ""
) -> list[ResidentRequest]:
    """Accept and assign several requests to one unit: all of them, or none. The same
    checks as ``request_accept`` for each, in a fixed number of queries whatever the
    number of requests: the rows locked and read at once, one update with their history,
    one insert of events, one of notifications."""
    if not pks:
        raise ValidationError(_("Select at least one request."))
    if unit is None:
        raise ValidationError({"unit": _("Choose the responsible unit.")})
    pks = list(dict.fromkeys(pks))
    requests = list(
        ResidentRequest.objects.select_for_update(of=("self",))
        .select_related("building")
        .filter(pk__in=pks)
        .order_by("pk")
    )
    if len(requests) != len(pks):
        raise Http404
    for req in requests:
        if (req.state, State.ACCEPTED) not in TRANSITIONS:
            _refuse_transition(req, State.ACCEPTED)
        if "accept" not in request_allowed_actions(user=actor, resident_request=req):
            raise PermissionDenied
    at = timezone.now()
    from_states = {req.pk: req.state for req in requests}
    for req in requests:
        req.state, req.unit, req.version = State.ACCEPTED, unit, req.version + 1
    bulk_update_with_history(
        requests, ResidentRequest, ["state", "unit", "version"], default_user=actor
    )
    RequestEvent.objects.bulk_create(
        RequestEvent(
            request=req,
            from_state=from_states[req.pk],
            to_state=State.ACCEPTED,
            actor=actor,
            at=at,
            note=note,
            unit=unit,
        )
        for req in requests
    )
    members = list(unit_members(unit_ids=[unit.pk]).values_list("pk", flat=True))
    notify_batch(
        (members, _assigned_text(req), reverse("services:request_detail", args=[req.pk]))
        for req in requests
    )
    return requests


def request_start(
    *, resident_request: ResidentRequest, actor, note: str = "", expected_version: int | None = None
) -> ResidentRequest:
    return _transition(
        pk=resident_request.pk,
        actor=actor,
        action="start",
        to_state=State.IN_PROGRESS,
        expected_version=expected_version,
        note=note,
    )


def request_resolve(
    *,
    resident_request: ResidentRequest,
    actor,
    resolution: str,
    expected_version: int | None = None,
) -> ResidentRequest:
    """Resolved: ``resolution`` says what was done."""
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError({"resolution": _("Say what was done for the resident.")})
    return _transition(
        pk=resident_request.pk,
        actor=actor,
        action="resolve",
        to_state=State.RESOLVED,
        expected_version=expected_version,
        note=resolution,
        changes={"resolution": resolution, "resolved_at": timezone.now()},
    )


def request_close(
    *,
    resident_request: ResidentRequest,
    actor,
    satisfaction: str,
    note: str = "",
    expected_version: int | None = None,
) -> ResidentRequest:
    """Closed with the resident's verdict (满意 / 基本满意 / 不满意)."""
    if not satisfaction:
        raise ValidationError({"satisfaction": _("Record the resident's verdict.")})
    return _transition(
        pk=resident_request.pk,
        actor=actor,
        action="close",
        to_state=State.CLOSED,
        expected_version=expected_version,
        note=note,
        changes={"satisfaction": satisfaction, "closed_at": timezone.now()},
    )


def request_reject(
    *, resident_request: ResidentRequest, actor, reason: str, expected_version: int | None = None
) -> ResidentRequest:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for rejecting the request.")})
    return _transition(
        pk=resident_request.pk,
        actor=actor,
        action="reject",
        to_state=State.REJECTED,
        expected_version=expected_version,
        note=reason,
        changes={"rejection_reason": reason, "closed_at": timezone.now()},
    )


def request_reopen(
    *, resident_request: ResidentRequest, actor, reason: str, expected_version: int | None = None
) -> ResidentRequest:
    """Back to work: the earlier resolution and verdict stay in the timeline."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for reopening the request.")})
    return _transition(
        pk=resident_request.pk,
        actor=actor,
        action="reopen",
        to_state=State.IN_PROGRESS,
        expected_version=expected_version,
        note=reason,
        changes={"resolved_at": None, "closed_at": None, "satisfaction": ""},
    )


@transaction.atomic
def requests_flag_overdue(*, now: datetime.datetime | None = None) -> int:
    """Flag open requests past their deadline and not flagged yet, and notify the users
    of the unit (staff when no unit is assigned yet). Safe to run twice: a flagged request
    is not flagged or notified again. Returns how many were flagged."""
    from services.requests.selectors import overdue_q

    now = now or timezone.now()
    late = list(
        ResidentRequest.objects.select_for_update(of=("self",))
        .filter(overdue_q(now), state__in=[State.SUBMITTED, State.ACCEPTED, State.IN_PROGRESS])
        .filter(overdue_flagged_at__isnull=True)
        .select_related("building")
        .order_by("pk")
    )
    if not late:
        return 0
    for req in late:
        req.overdue_flagged_at = now
    ResidentRequest.objects.bulk_update(late, ["overdue_flagged_at"])
    User = get_user_model()
    unit_users: dict[int, list[int]] = {}
    for user_id, dept_id in unit_members().values_list("pk", "profile__department"):
        unit_users.setdefault(dept_id, []).append(user_id)
    staff_ids = list(
        User.objects.filter(is_active=True, groups__name=Role.STAFF.value).values_list(
            "pk", flat=True
        )
    )
    notes = []
    with translation.override(settings.LANGUAGE_CODE):
        for req in late:
            text = _(
                "Request #%(pk)s (%(category)s, %(building)s) is past its deadline of %(deadline)s."
            ) % {
                "pk": req.pk,
                "category": req.get_category_display(),
                "building": req.place_name,
                "deadline": timezone.localtime(req.deadline).strftime("%Y-%m-%d %H:%M"),
            }
            url = reverse("services:request_detail", args=[req.pk])
            recipients = unit_users.get(req.unit_id, []) if req.unit_id else staff_ids
            notes.append((recipients, text, url))
    notify_batch(notes)
    return len(late)
