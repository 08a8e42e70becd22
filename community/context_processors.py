from django.conf import settings
from django.utils.translation import gettext as _

from .roles import Role, user_roles


def roles(request):
    user_role_set = user_roles(request.user) if hasattr(request, "user") else frozenset()
    return {
        "site_name": settings.SITE_NAME or _("Tongluowan Community Management System"),
        "roles": {
            "staff": Role.STAFF.value in user_role_set or Role.ADMINISTRATOR.value in user_role_set,
            "leader": Role.BUILDING_LEADER.value in user_role_set,
            "department": Role.DEPARTMENT.value in user_role_set,
            "supervisor": Role.SUPERVISOR.value in user_role_set,
            "admin": Role.ADMINISTRATOR.value in user_role_set,
        },
    }
