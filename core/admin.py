from django.contrib import admin

from .models import AuditLog, DailyRun, Job, Notification


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "status", "progress", "requested_by", "created_at", "finished_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["requested_by"]
    search_fields = ["kind", "message"]


@admin.register(DailyRun)
class DailyRunAdmin(admin.ModelAdmin):
    list_display = ["name", "day", "started_at"]
    list_filter = ["name"]
    search_fields = ["name"]
    date_hierarchy = "day"


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "action", "target", "ip_address"]
    list_filter = ["action"]
    list_select_related = ["user"]
    search_fields = ["target", "user__username"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the record of who saw what is kept; only the daily purge ends it


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "text", "read_at"]
    list_filter = [("read_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["text", "user__username"]
    raw_id_fields = ["user"]
    date_hierarchy = "created_at"
