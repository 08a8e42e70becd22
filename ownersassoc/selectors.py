"""Reads of the owners' side, scoped to the user, and the figures behind a vote.

Who sees what: community staff and administrators manage everything; owners' committee
members read it; a building leader sees, on the phone pages, only the meetings open for
collection and the owners of their own buildings; everyone else sees nothing (a 404).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Sum
from django.http import Http404

from buildings.models import Dwelling, counting_area_expression
from buildings.selectors import leader_building_ids

from .models import Ballot, BallotSheet, Motion, Ownership, OwnersMeeting
from .voting import MAJOR_MATTERS, Verdict, decide

ZERO = Decimal("0")
CENT = Decimal("0.01")


def cents(value) -> Decimal:
    """A database sum of areas or money as an exact Decimal of cents. PostgreSQL sums
    ``numeric`` exactly; SQLite sums decimals as floating point, whose error at these
    magnitudes (well under 10^12 with two decimals) is far below half a cent, so rounding
    to the cent gives the exact sum on both."""
    return (value or ZERO).quantize(CENT)


def can_read(user) -> bool:
    return user.has_perm("ownersassoc.view_ownersmeeting")


def can_manage(user) -> bool:
    return user.has_perm("ownersassoc.add_ownersmeeting")


def current_ownerships():
    return Ownership.objects.filter(ended_on__isnull=True)


def ownerships_for_user(user):
    """The owners' register as the user may read it (the whole register or nothing)."""
    if not can_read(user):
        return Ownership.objects.none()
    return (
        current_ownerships()
        .select_related("dwelling__building", "owner__household")
        .annotate(counting_area=counting_area_expression("dwelling__"))
    )


def register_is_empty() -> bool:
    return not Ownership.objects.exists()


@dataclass(frozen=True)
class RegisterTotals:
    """The totals of the owners' register (DOMAIN.md §4): every dwelling's counting area;
    one owner per person however many dwellings they own; all dwellings without a current
    owner (not yet allocated or sold) together one more owner."""

    total_area: Decimal
    person_owners: int
    unowned_dwellings: int
    unowned_area: Decimal

    @property
    def total_owners(self) -> int:
        return self.person_owners + (1 if self.unowned_dwellings else 0)


def register_totals() -> RegisterTotals:
    """Two queries: the dwellings' areas (all, and those without an owner), and the number
    of distinct owners."""
    owned = current_ownerships().filter(dwelling=OuterRef("pk"))
    figures = Dwelling.objects.annotate(
        counting=counting_area_expression(), owned=Exists(owned)
    ).aggregate(
        total_area=Sum("counting"),
        unowned_area=Sum("counting", filter=Q(owned=False)),
        unowned=Count("pk", filter=Q(owned=False)),
    )
    person_owners = current_ownerships().values("owner").distinct().count()
    return RegisterTotals(
        total_area=cents(figures["total_area"]),
        person_owners=person_owners,
        unowned_dwellings=figures["unowned"],
        unowned_area=cents(figures["unowned_area"]),
    )


def owner_areas(*, owner_ids=None) -> dict[int, Decimal]:
    """``{person id: counting area of all the dwellings they own now}`` in one query."""
    qs = current_ownerships()
    if owner_ids is not None:
        qs = qs.filter(owner_id__in=owner_ids)
    return {
        row["owner"]: cents(row["area"])
        for row in qs.order_by()
        .values("owner")
        .annotate(area=Sum(counting_area_expression("dwelling__")))
    }


# Meetings -----------------------------------------------------------------------------


def meetings_for_user(user):
    if not can_read(user):
        return OwnersMeeting.objects.none()
    return OwnersMeeting.objects.annotate(
        motion_count=Count("motions", distinct=True),
        confirmed_sheets=Count("sheets", filter=Q(sheets__status="confirmed"), distinct=True),
        pending_sheets=Count("sheets", filter=Q(sheets__status="pending"), distinct=True),
    ).order_by("-held_on", "-pk")


def meeting_get_for_user(*, user, pk: int) -> OwnersMeeting:
    try:
        return (
            meetings_for_user(user)
            .prefetch_related(Prefetch("motions", queryset=Motion.objects.order_by("number")))
            .get(pk=pk)
        )
    except OwnersMeeting.DoesNotExist:
        raise Http404 from None


def sheets_of_meeting(*, meeting: OwnersMeeting, status: str | None = None):
    qs = BallotSheet.objects.filter(meeting=meeting).select_related(
        "owner", "collected_by", "reviewed_by"
    )
    if status:
        qs = qs.filter(status=status)
    return qs.prefetch_related(
        Prefetch(
            "ballots", queryset=Ballot.objects.select_related("motion").order_by("motion__number")
        )
    ).order_by("-collected_at", "-pk")


def sheet_get_for_user(*, user, pk: int) -> BallotSheet:
    """A sheet (and its photo): staff and committee members see any, a building leader the
    sheets they collected for owners of their current buildings; anyone else a 404."""
    qs = BallotSheet.objects.select_related("meeting", "owner")
    if not can_read(user):
        ids = leader_building_ids(user)
        if not ids:
            raise Http404
        in_building = current_ownerships().filter(
            owner=OuterRef("owner"), dwelling__building_id__in=ids
        )
        qs = qs.filter(Exists(in_building), collected_by=user)
    try:
        return qs.get(pk=pk)
    except BallotSheet.DoesNotExist:
        raise Http404 from None


@dataclass
class MotionResult:
    motion: Motion
    voted_owners: int = 0
    voted_area: Decimal = ZERO
    agreed_owners: int = 0
    agreed_area: Decimal = ZERO
    opposed_owners: int = 0
    opposed_area: Decimal = ZERO
    abstained_owners: int = 0
    abstained_area: Decimal = ZERO
    verdict: Verdict | None = None
    totals: RegisterTotals | None = None

    # Shares for display only (two decimals, rounded); the verdict is exact (voting.decide).
    @property
    def voted_area_pct(self):
        return _pct(self.voted_area, self.totals.total_area)

    @property
    def voted_owners_pct(self):
        return _pct(self.voted_owners, self.totals.total_owners)

    @property
    def agreed_area_pct(self):
        return _pct(self.agreed_area, self.voted_area)

    @property
    def agreed_owners_pct(self):
        return _pct(self.agreed_owners, self.voted_owners)

    @property
    def is_major(self) -> bool:
        return self.motion.matter in MAJOR_MATTERS


def _pct(part, whole):
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"))


@dataclass
class MeetingTally:
    totals: RegisterTotals
    results: list[MotionResult] = field(default_factory=list)
    # Confirmed ballots of people who no longer own a dwelling: shown, not counted.
    not_counted: int = 0


def meeting_tally(*, meeting: OwnersMeeting) -> MeetingTally:
    """Every figure behind each motion's verdict, from the owners' register as it stands and
    the confirmed ballots: four queries (two for the totals, the ballots, the owners' areas)
    whatever the number of ballots. Motions come from ``meeting.motions`` (prefetched)."""
    totals = register_totals()
    rows = list(
        Ballot.objects.filter(motion__meeting=meeting, sheet__status=BallotSheet.Status.CONFIRMED)
        .values_list("motion_id", "owner_id", "choice")
        .order_by()
    )
    areas = owner_areas(owner_ids={owner for _m, owner, _c in rows if owner is not None})
    results = {m.pk: MotionResult(motion=m, totals=totals) for m in meeting.motions.all()}
    not_counted = 0
    for motion_id, owner_id, choice in rows:
        if owner_id is None:
            if not totals.unowned_dwellings:
                not_counted += 1
                continue
            area = totals.unowned_area
        elif owner_id in areas:
            area = areas[owner_id]
        else:
            not_counted += 1
            continue
        result = results[motion_id]
        result.voted_owners += 1
        result.voted_area += area
        prefix = {"agree": "agreed", "oppose": "opposed", "abstain": "abstained"}[choice]
        setattr(result, f"{prefix}_owners", getattr(result, f"{prefix}_owners") + 1)
        setattr(result, f"{prefix}_area", getattr(result, f"{prefix}_area") + area)
    for result in results.values():
        result.verdict = decide(
            matter=result.motion.matter,
            total_area=totals.total_area,
            total_owners=totals.total_owners,
            voted_area=result.voted_area,
            voted_owners=result.voted_owners,
            agreed_area=result.agreed_area,
            agreed_owners=result.agreed_owners,
        )
    return MeetingTally(totals=totals, results=list(results.values()), not_counted=not_counted)


# The building leader's collection ---------------------------------------------------------


def meetings_open_for_collection(user):
    """Meetings whose ballots a building leader may collect: not closed, for a leader with a
    current term; none for anyone else."""
    if not leader_building_ids(user):
        return OwnersMeeting.objects.none()
    return OwnersMeeting.objects.filter(ballots_closed=False).order_by("held_on", "pk")


def open_meeting_get_for_leader(*, user, pk: int) -> OwnersMeeting:
    try:
        return (
            meetings_open_for_collection(user)
            .prefetch_related(Prefetch("motions", queryset=Motion.objects.order_by("number")))
            .get(pk=pk)
        )
    except OwnersMeeting.DoesNotExist:
        raise Http404 from None


def leader_owners(*, user, meeting: OwnersMeeting):
    """The current ownerships in the leader's buildings, each with whether its owner already
    has a live sheet for ``meeting``: one query."""
    live = BallotSheet.objects.filter(meeting=meeting, owner=OuterRef("owner")).exclude(
        status=BallotSheet.Status.REJECTED
    )
    return (
        current_ownerships()
        .filter(dwelling__building_id__in=leader_building_ids(user))
        .select_related("dwelling__building", "owner")
        .annotate(has_voted=Exists(live))
        .order_by("dwelling__building__code", "dwelling__entrance", "dwelling__room")
    )


def leader_owner_get(*, user, meeting: OwnersMeeting, person_pk: int) -> Ownership:
    """The ownership through which the leader may collect ``person_pk``'s ballot: 404 when
    the person owns nothing in the leader's buildings."""
    ownership = leader_owners(user=user, meeting=meeting).filter(owner_id=person_pk).first()
    if ownership is None:
        raise Http404
    return ownership
