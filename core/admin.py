from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .audit import audit_log
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


@admin.action(description=_("Reset two-factor login (the user sets it up again)"))
def reset_two_factor(modeladmin, request, queryset):
    """For a lost phone: delete every device (authenticator app, recovery codes) of the
    selected users; at their next login they are asked to set up a new app."""
    from django_otp import devices_for_user

    n = 0
    for user in queryset:
        for device in devices_for_user(user, confirmed=None):
            device.delete()
        audit_log(request=request, action="reset_2fa", target=f"user {user.pk}")
        n += 1
    modeladmin.message_user(
        request, _("Two-factor login reset for %(n)d users.") % {"n": n}, messages.SUCCESS
    )


User = get_user_model()
if admin.site.is_registered(User):
    _user_admin = type(admin.site.get_model_admin(User))
    admin.site.unregister(User)
else:
    _user_admin = UserAdmin


@admin.register(User)
class UserAdminWithTwoFactor(_user_admin):
    actions = [*(_user_admin.actions or []), reset_two_factor]
