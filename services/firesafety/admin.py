from django.contrib import admin

from services.firesafety.models import FireInspection


@admin.register(FireInspection)
class FireInspectionAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "unit",
        "inspected_on",
        "result",
        "rectification_deadline",
        "rectified_on",
    ]
    list_filter = ["unit", "result"]
    list_select_related = ["building", "unit"]
