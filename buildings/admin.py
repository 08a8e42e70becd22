from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.paging import EstimatedCountPaginator

from .models import Building, BuildingLeaderTerm, Dwelling


@admin.register(Building)
class BuildingAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "floors", "entrances", "address"]
    list_filter = ["floors", "entrances"]
    search_fields = ["code", "name", "address"]
    show_full_result_count = False


@admin.register(Dwelling)
class DwellingAdmin(SimpleHistoryAdmin):
    list_display = [
        "__str__",
        "building",
        "entrance",
        "floor",
        "room",
        "registered_area",
        "surveyed_area",
        "area",
        "allocation_state",
        "title_state",
    ]
    # No filter by building (thousands in a large registry): search by its number.
    list_filter = ["allocation_state", "title_state"]
    list_select_related = ["building"]
    search_fields = ["=building__code", "room"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator


@admin.register(BuildingLeaderTerm)
class BuildingLeaderTermAdmin(SimpleHistoryAdmin):
    list_display = ["building", "user", "person", "elected_on", "started_on", "ended_on"]
    list_filter = [("ended_on", admin.EmptyFieldListFilter)]
    list_select_related = ["building", "user", "person"]
    raw_id_fields = ["person"]
    search_fields = ["building__code", "user__username", "person__name"]


from buildings.hygiene.models import HygieneCheck  # noqa: E402


@admin.register(HygieneCheck)
class HygieneCheckAdmin(SimpleHistoryAdmin):
    list_display = ["checked_on", "building", "area", "score", "fixed_on", "checked_by"]
    list_filter = ["building", ("fixed_on", admin.EmptyFieldListFilter)]
    list_select_related = ["building", "checked_by"]
    date_hierarchy = "checked_on"
