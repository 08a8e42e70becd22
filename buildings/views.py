from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from community.roles import sees_whole_registry
from core.paging import RegistryPaginator
from households.selectors import household_list_for_user

from . import selectors

PAGE_SIZE = 100


def building_list(request):
    if not sees_whole_registry(request.user):
        raise PermissionDenied
    buildings = selectors.building_list_for_user(request.user)
    page = RegistryPaginator(buildings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "buildings/building_list.html", {"page": page, "buildings": page})


def building_detail(request, pk):
    building = selectors.building_get_for_user(user=request.user, pk=pk)
    dwellings = selectors.dwellings_of_building(building=building)
    households = household_list_for_user(request.user).filter(dwelling__building=building)
    by_dwelling = {}
    for household in households:
        by_dwelling.setdefault(household.dwelling_id, []).append(household)
    rows = [(d, by_dwelling.get(d.pk, [])) for d in dwellings]
    return render(
        request,
        "buildings/building_detail.html",
        {
            "building": building,
            "rows": rows,
            "leader_term": selectors.current_leader_term(building=building),
        },
    )
