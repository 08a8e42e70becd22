from django.conf import settings
from django.utils.translation import gettext as _

from .roles import Role, user_roles


def roles(request):
    user_role_set = user_roles(request.user) if hasattr(request, "user") else frozenset()
    title = settings.SITE_NAME or _("Tongluowan Community Management System")
    return {
        # ``system_name`` for layouts: Django's login and logout views put the host name in
        # their own ``site_name``, which wins over a context processor's.
        "system_name": title,
        "site_name": title,
        "roles": {
            "staff": Role.STAFF.value in user_role_set or Role.ADMINISTRATOR.value in user_role_set,
            "leader": Role.BUILDING_LEADER.value in user_role_set,
            "department": Role.DEPARTMENT.value in user_role_set,
            "supervisor": Role.SUPERVISOR.value in user_role_set,
            "admin": Role.ADMINISTRATOR.value in user_role_set,
            "committee": Role.OWNERS_COMMITTEE.value in user_role_set,
        },
    }
