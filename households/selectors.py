from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from buildings.selectors import buildings_for_user, dwellings_for_user, leader_building_ids
from community.roles import sees_whole_registry
from core.idnumbers import birth_date_bounds_for_age

from .models import Household, LabourCapacity, Person

COUNTS_CACHE_SECONDS = 60


def households_for_user(user):
    """Households the user may read. Registry roles see all; a building leader sees the
    households living in the buildings of their current terms; anyone else sees none."""
    qs = Household.objects.all()
    if sees_whole_registry(user):
        return qs
    ids = leader_building_ids(user)
    if ids:
        return qs.filter(dwelling__building_id__in=ids)
    return qs.none()


def people_for_user(user):
    qs = Person.objects.all()
    if sees_whole_registry(user):
        return qs
    ids = leader_building_ids(user)
    if ids:
        return qs.filter(household__dwelling__building_id__in=ids)
    return qs.none()


def head_name_subquery(household_ref: str = "pk"):
    """The name of the current head of the household at ``OuterRef(household_ref)``, for
    another app's list to annotate in the same query (no query per row)."""
    return Subquery(
        Person.objects.filter(
            household=OuterRef(household_ref), relationship="01", is_active=True
        ).values("name")[:1]
    )


def household_list_for_user(user):
    """Households for a list page: dwelling and building joined, active members counted and
    the head named by correlated subqueries (evaluated only for the page's rows, and
    dropped from the paginator's COUNT). The head's name in the same query, not a prefetch
    of the heads: one query and 50 person instances fewer a page (a household has at most
    one current head: ``one_head_per_household``)."""
    member_count = (
        Person.objects.filter(household=OuterRef("pk"), is_active=True)
        .order_by()
        .values("household")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        households_for_user(user)
        .select_related("dwelling__building")
        .annotate(
            member_count=Coalesce(Subquery(member_count), 0, output_field=IntegerField()),
            head_name=head_name_subquery(),
        )
        .order_by("number")
    )


def person_list_for_user(user):
    """People for the staff's people search: each with their household, its dwelling and
    building and the head's name, in one query."""
    return (
        people_for_user(user)
        .select_related("household__dwelling__building")
        .annotate(head_name=head_name_subquery("household"))
        .order_by("name", "pk")
    )


def household_get_for_user(*, user, pk: int, write: bool = False) -> Household:
    """One household in the user's scope: 404 when out of scope, PermissionDenied when
    the user may read it but not change it."""
    try:
        household = households_for_user(user).select_related("dwelling__building").get(pk=pk)
    except Household.DoesNotExist:
        raise Http404 from None
    if write and not user.has_perm("households.change_household"):
        raise PermissionDenied
    return household


MEMBER_ORDER = ("-is_active", "relationship", "birth_date", "pk")


def household_members(*, household: Household, include_left: bool = True):
    qs = household.members.order_by(*MEMBER_ORDER)
    return qs if include_left else qs.filter(is_active=True)


def members_by_household(*, household_ids) -> dict[int, list[Person]]:
    """``{household pk: [members, those who left after]}`` in one query, each list in the
    order of ``household_members``."""
    members = {pk: [] for pk in household_ids}
    for person in Person.objects.filter(household_id__in=household_ids).order_by(
        "household_id", *MEMBER_ORDER
    ):
        members[person.household_id].append(person)
    return members


def person_get_for_user(*, user, pk: int, write: bool = False) -> Person:
    try:
        person = people_for_user(user).select_related("household__dwelling__building").get(pk=pk)
    except Person.DoesNotExist:
        raise Http404 from None
    if write and not user.has_perm("households.change_person"):
        raise PermissionDenied
    return person


def can_see_full_id(user) -> bool:
    return user.has_perm("households.view_full_id_number")


def households_without_head():
    """Active households with no active head: the registry's own consistency check."""
    heads = Person.objects.filter(household=OuterRef("pk"), relationship="01", is_active=True)
    return Household.objects.filter(is_active=True).filter(~Exists(heads))


def registry_counts(*, user) -> dict:
    """The overview's counts in the user's scope: buildings, dwellings, households living
    here, their members, members by labour capacity, school-age children (6–15).

    Counting a million people takes about half a second on PostgreSQL, so the counts of a
    scope are kept for a minute in the cache (shared by every user of that scope)."""
    scope = (
        "all"
        if sees_whole_registry(user)
        else ",".join(map(str, sorted(leader_building_ids(user))))
    )
    key = f"households:registry_counts:{scope}:{timezone.localdate().isoformat()}"
    counts = cache.get(key)
    if counts is None:
        counts = _count_registry(user)
        cache.set(key, counts, COUNTS_CACHE_SECONDS)
    return counts


def _count_registry(user) -> dict:
    earliest, latest = birth_date_bounds_for_age(6, 15, timezone.localdate())
    people = (
        people_for_user(user)
        .active()
        .aggregate(
            total=Count("pk"),
            school_age=Count("pk", filter=Q(birth_date__gte=earliest, birth_date__lte=latest)),
            **{c.value: Count("pk", filter=Q(labour_capacity=c.value)) for c in LabourCapacity},
        )
    )
    return {
        "building_count": buildings_for_user(user).count(),
        "dwelling_count": dwellings_for_user(user).count(),
        "household_count": households_for_user(user).filter(is_active=True).count(),
        "person_count": people["total"],
        "school_age_count": people["school_age"],
        "labour": {c.value: people[c.value] for c in LabourCapacity},
    }


def people_newly_recorded(*, field: str, values, since):
    """Active people whose ``field`` is now one of ``values`` and was changed to it on or
    after ``since``: their history has an update since then showing it, and an earlier
    state without it (a person registered with it from the start is not "new")."""
    values = list(values)
    history = Person.history.model.objects.filter(id=OuterRef("pk"))
    changed = history.filter(
        history_type="~", history_date__date__gte=since, **{f"{field}__in": values}
    )
    before = history.exclude(**{f"{field}__in": values})
    return (
        Person.objects.active()
        .filter(**{f"{field}__in": values})
        .filter(Exists(changed), Exists(before))
    )
