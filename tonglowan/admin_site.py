"""The admin site is for administrators only: Django's own check (an active user marked
``is_staff``) and the administrator role. A community-staff account that someone marked
``is_staff`` must not reach, through the admin, the full ID numbers and histories that
its model permissions would otherwise show without the masking and logging of the pages."""

from django.contrib import admin

from community.roles import Role, has_role


class AdministratorsAdminSite(admin.AdminSite):
    def has_permission(self, request):
        return super().has_permission(request) and has_role(request.user, Role.ADMINISTRATOR)
