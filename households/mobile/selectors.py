"""Reads of the building leaders' phone pages. Their scope is the buildings of the user's
current leader terms (``buildings.selectors.leader_building_ids``) within what
``households.selectors`` lets the user read: a leader whose term ends sees nothing at once."""

import datetime

from django.conf import settings
from django.db.models import BooleanField, Case, Count, Exists, OuterRef, Prefetch, Q, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.module_loading import import_string

from buildings.selectors import buildings_for_user, leader_building_ids
from households.filters import CJK, member_condition
from households.models import Household, Person
from households.proposals.models import MemberChangeProposal
from households.selectors import households_for_user, people_for_user

STALE_AFTER = datetime.timedelta(days=90)


def leader_buildings(user):
    return buildings_for_user(user).filter(pk__in=leader_building_ids(user)).order_by("code")


def leader_households(user):
    return households_for_user(user).filter(
        is_active=True, dwelling__building_id__in=leader_building_ids(user)
    )


def leader_household_list(user):
    """The leader's households with the flags the phone pages show: no phone, facts not
    confirmed for 90 days, a proposal waiting for review. One query plus the heads."""
    cutoff = timezone.now() - STALE_AFTER
    heads = Person.objects.filter(relationship="01", is_active=True)
    pending = MemberChangeProposal.objects.filter(
        household=OuterRef("pk"), state=MemberChangeProposal.State.PENDING
    )
    return (
        leader_households(user)
        .select_related("dwelling__building")
        .annotate(
            member_count=Count("members", filter=Q(members__is_active=True)),
            no_phone=Case(
                When(phone="", then=Value(True)), default=Value(False), output_field=BooleanField()
            ),
            stale=Case(
                When(Q(confirmed_at__isnull=True) | Q(confirmed_at__lt=cutoff), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            has_pending_proposal=Exists(pending),
        )
        .prefetch_related(Prefetch("members", queryset=heads, to_attr="heads"))
        .order_by(
            "dwelling__building__code", "dwelling__entrance", "dwelling__floor", "dwelling__room"
        )
    )


def leader_household_search(households, q: str):
    """Narrow the leader's list to what was typed: a member's name (its start), an ID
    number or phone (as the staff search reads them), a room or a household number."""
    q = (q or "").strip()
    if not q:
        return households
    condition = member_condition(q)
    if condition is not None:
        members = Person.objects.filter(condition).order_by().values("household_id")
        found = Q(pk__in=members)
        if not CJK.search(q):
            found |= Q(dwelling__room=q) | Q(number__startswith=q)
        return households.filter(found)
    return households.filter(Q(dwelling__room=q) | Q(number__startswith=q))


def household_counts(*, household_ids: list[int]) -> list[tuple[str, dict[int, int]]]:
    """Counts per household that apps above the registry contribute through the setting
    ``MOBILE_HOUSEHOLD_COUNTS`` (dotted paths of ``f(*, household_ids) -> {pk: n}``, each
    with a ``label``). The registry never imports those apps."""
    results = []
    for path in settings.MOBILE_HOUSEHOLD_COUNTS:
        func = import_string(path)
        results.append(
            (str(getattr(func, "label", func.__name__)), func(household_ids=household_ids))
        )
    return results


def with_attention(households) -> list:
    """Evaluate ``leader_household_list`` rows and attach the contributed counts and an
    ``attention`` list of short reasons (no query per row)."""
    households = list(households)
    counts = household_counts(household_ids=[h.pk for h in households])
    for h in households:
        h.extra_counts = [(label, by_pk[h.pk]) for label, by_pk in counts if by_pk.get(h.pk)]
        h.needs_attention = h.no_phone or h.stale or bool(h.extra_counts)
    return households


def leader_household_get(*, user, pk: int) -> Household:
    try:
        return leader_households(user).select_related("dwelling__building").get(pk=pk)
    except Household.DoesNotExist:
        raise Http404 from None


def leader_person_get(*, user, pk: int) -> Person:
    try:
        return (
            people_for_user(user)
            .filter(
                is_active=True,
                household__is_active=True,
                household__dwelling__building_id__in=leader_building_ids(user),
            )
            .select_related("household__dwelling__building")
            .get(pk=pk)
        )
    except Person.DoesNotExist:
        raise Http404 from None


def household_recent_proposals(*, household: Household):
    """Proposals waiting for review and those decided in the last 30 days, so the leader
    sees what became of them (and why a rejected one was rejected)."""
    since = timezone.now() - datetime.timedelta(days=30)
    return (
        household.proposals.filter(
            Q(state=MemberChangeProposal.State.PENDING) | Q(reviewed_at__gte=since)
        )
        .select_related("person")
        .order_by("-proposed_at")[:10]
    )
