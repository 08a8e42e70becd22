from django.contrib import admin

from services.policelog.models import PoliceIncident


@admin.register(PoliceIncident)
class PoliceIncidentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "place", "unit", "handed_to", "request"]
    list_filter = ["kind", "unit"]
    list_select_related = ["unit", "handed_to", "request"]
    raw_id_fields = ["households", "building", "request"]
