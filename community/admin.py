from django.contrib import admin

from .models import Department, UserProfile


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "supervises", "head_name", "liaison_name", "is_active"]
    list_filter = ["kind", "supervises", "is_active"]
    search_fields = ["name", "code"]


@admin.register(UserProfile)
class UserProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "display_name", "department", "phone"]
    list_filter = ["department"]
    list_select_related = ["user", "department"]
    search_fields = ["user__username", "display_name"]
    autocomplete_fields = ["user"]


from community.organisation import admin as organisation_admin  # noqa: E402,F401
