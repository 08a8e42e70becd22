from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404

from community.roles import Role, has_role, sees_whole_registry

from .models import Building, BuildingLeaderTerm, Dwelling


def leader_building_ids(user) -> frozenset[int]:
    """Buildings of the user's current leader terms (cached on the user for the request).

    An election that ends a term removes the access at once: nothing else grants it.
    """
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_tonglowan_leader_buildings", None)
    if cached is None:
        if has_role(user, Role.BUILDING_LEADER):
            cached = frozenset(
                BuildingLeaderTerm.objects.current()
                .filter(user=user)
                .values_list("building_id", flat=True)
            )
        else:
            cached = frozenset()
        user._tonglowan_leader_buildings = cached
    return cached


def buildings_for_user(user):
    """Buildings the user may see: all for the registry roles, a leader's own otherwise."""
    qs = Building.objects.all()
    if sees_whole_registry(user):
        return qs
    return qs.filter(pk__in=leader_building_ids(user))


def _per_building(queryset, aggregate):
    """A correlated subquery: ``aggregate`` over the dwellings of the outer building. Run
    only for the rows of the page shown, and dropped from the paginator's COUNT."""
    return Subquery(
        queryset.filter(building=OuterRef("pk"))
        .order_by()
        .values("building")
        .annotate(value=aggregate)
        .values("value")
    )


def building_list_for_user(user):
    current_terms = BuildingLeaderTerm.objects.current().select_related("user__profile", "person")
    return (
        buildings_for_user(user)
        .annotate(
            dwelling_count=Coalesce(
                _per_building(Dwelling.objects.all(), Count("pk")), 0, output_field=IntegerField()
            ),
            household_count=Coalesce(
                _per_building(
                    Dwelling.objects.filter(households__is_active=True), Count("households")
                ),
                0,
                output_field=IntegerField(),
            ),
            total_area=_per_building(Dwelling.objects.all(), Sum("area")),
        )
        .prefetch_related(Prefetch("leader_terms", queryset=current_terms, to_attr="current_terms"))
        .order_by("code")
    )


def building_get_for_user(*, user, pk: int) -> Building:
    try:
        return building_list_for_user(user).get(pk=pk)
    except Building.DoesNotExist:
        raise Http404 from None


def dwellings_of_building(*, building: Building):
    return Dwelling.objects.filter(building=building).order_by("entrance", "floor", "room")


def dwellings_for_user(user):
    return Dwelling.objects.filter(building__in=buildings_for_user(user)).select_related("building")


def current_leader_term(*, building: Building) -> BuildingLeaderTerm | None:
    terms = getattr(building, "current_terms", None)
    if terms is not None:
        return terms[0] if terms else None
    return BuildingLeaderTerm.objects.current().filter(building=building).first()


def dwelling_labels(ids) -> dict[int, str]:
    """``{id: "01-1-101"}`` for the given dwellings, in one query (change histories)."""
    return {d.pk: str(d) for d in Dwelling.objects.select_related("building").filter(pk__in=ids)}
