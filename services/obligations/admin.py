from django.contrib import admin

from services.obligations.models import RuleSnapshot


@admin.register(RuleSnapshot)
class RuleSnapshotAdmin(admin.ModelAdmin):
    list_display = ["rule_code", "day", "count", "is_demo"]
    list_filter = ["rule_code", "is_demo"]
    date_hierarchy = "day"
