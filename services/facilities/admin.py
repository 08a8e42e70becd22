from django.contrib import admin

from services.facilities.models import ClinicStaff, Facility, FacilityUpkeep


class ClinicStaffInline(admin.TabularInline):
    model = ClinicStaff
    extra = 0


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "owner_unit", "state", "state_since"]
    list_filter = ["kind", "state", "owner_unit"]
    list_select_related = ["owner_unit"]
    inlines = [ClinicStaffInline]


@admin.register(FacilityUpkeep)
class FacilityUpkeepAdmin(admin.ModelAdmin):
    list_display = ["facility", "kind", "at", "by"]
    list_select_related = ["facility", "by"]
    raw_id_fields = ["request"]
