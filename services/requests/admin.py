from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from services.requests.models import RequestEvent, RequestPhoto, ResidentRequest


class RequestPhotoInline(admin.TabularInline):
    model = RequestPhoto
    extra = 0
    raw_id_fields = ["uploaded_by"]


class RequestEventInline(admin.TabularInline):
    model = RequestEvent
    extra = 0
    raw_id_fields = ["actor"]


@admin.register(ResidentRequest)
class ResidentRequestAdmin(SimpleHistoryAdmin):
    list_display = [
        "pk",
        "category",
        "building",
        "household",
        "state",
        "unit",
        "urgency",
        "filed_at",
        "deadline",
    ]
    list_filter = ["state", "category", "urgency", "unit"]
    list_select_related = ["building", "household", "unit"]
    search_fields = ["=household__number", "description"]
    raw_id_fields = ["household", "filed_by"]
    inlines = [RequestPhotoInline, RequestEventInline]
    show_full_result_count = False
