"""Reads of the household representatives (户长), scoped like the buildings: the registry
roles see every building's, a building leader only those of their current buildings.
Out of scope is a 404, the same as missing."""

from django.db.models import Prefetch
from django.http import Http404

from buildings.selectors import buildings_for_user, leader_building_ids
from households.models import Household, Person, Relationship
from households.representatives.models import HouseholdRepresentative, RepresentedHousehold


def _current_assignments():
    heads = Person.objects.filter(relationship=Relationship.HEAD, is_active=True)
    return (
        RepresentedHousehold.objects.filter(ended_on__isnull=True)
        .select_related("household__dwelling")
        .prefetch_related(Prefetch("household__members", queryset=heads, to_attr="heads"))
        .order_by("household__dwelling__entrance", "household__dwelling__room", "pk")
    )


def representatives_for_user(user):
    return HouseholdRepresentative.objects.filter(building__in=buildings_for_user(user))


def representative_list_for_user(user, *, current_only: bool = True):
    """Representatives with their building, resident and current households (3 queries)."""
    qs = representatives_for_user(user)
    if current_only:
        qs = qs.filter(ended_on__isnull=True)
    return (
        qs.select_related("building", "person__household__dwelling")
        .prefetch_related(
            Prefetch("assignments", queryset=_current_assignments(), to_attr="current")
        )
        .order_by("building__code", "ended_on", "person__household__dwelling__room", "pk")
    )


def leader_representatives(user):
    """The current representatives of the buildings of the user's current leader terms."""
    return representative_list_for_user(user).filter(building_id__in=leader_building_ids(user))


def representative_get_for_user(*, user, pk: int) -> HouseholdRepresentative:
    rep = representative_list_for_user(user, current_only=False).filter(pk=pk).first()
    if rep is None:
        raise Http404
    return rep


def unrepresented_households(*, building_ids):
    """The buildings' active households without a current representative."""
    taken = RepresentedHousehold.objects.filter(ended_on__isnull=True).values("household_id")
    return (
        Household.objects.filter(is_active=True, dwelling__building_id__in=building_ids)
        .exclude(pk__in=taken)
        .select_related("dwelling")
        .order_by("dwelling__entrance", "dwelling__floor", "dwelling__room", "number")
    )


def residents_of_building(*, building):
    """Active members of the building's active households: who may be appointed."""
    return (
        Person.objects.filter(
            is_active=True, household__is_active=True, household__dwelling__building=building
        )
        .select_related("household__dwelling")
        .order_by("household__dwelling__entrance", "household__dwelling__room", "relationship")
    )


def household_representative(*, household) -> HouseholdRepresentative | None:
    """The household's current representative, with the resident and their dwelling."""
    assignment = (
        RepresentedHousehold.objects.filter(household=household, ended_on__isnull=True)
        .select_related("representative__person__household__dwelling")
        .first()
    )
    return assignment.representative if assignment is not None else None
