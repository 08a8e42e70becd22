from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from services.worktasks.models import Accountability, WorkTask, WorkTaskNote


class WorkTaskNoteInline(admin.TabularInline):
    model = WorkTaskNote
    extra = 0
    raw_id_fields = ["author"]


@admin.register(WorkTask)
class WorkTaskAdmin(SimpleHistoryAdmin):
    list_display = [
        "title",
        "unit",
        "rule_code",
        "deadline",
        "state",
        "done_at",
        "overdue_flagged_at",
    ]
    list_filter = ["state", "unit"]
    list_select_related = ["unit"]
    search_fields = ["title"]
    raw_id_fields = ["created_by"]
    inlines = [WorkTaskNoteInline]


@admin.register(Accountability)
class AccountabilityAdmin(SimpleHistoryAdmin):
    list_display = ["task", "unit", "opened_on", "outcome", "closed_on"]
    list_filter = ["outcome", "unit"]
    list_select_related = ["task", "unit"]
    raw_id_fields = ["task", "opened_by"]
