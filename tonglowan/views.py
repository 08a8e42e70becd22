from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse

from community.roles import Role, user_roles


def home(request):
    """Send each user to the first page of their role."""
    roles = user_roles(request.user)
    targets = []
    if roles & {Role.STAFF, Role.ADMINISTRATOR}:
        targets.append("households:dashboard")
    if Role.SUPERVISOR in roles:
        targets += ["services:supervisor_overview", "households:dashboard"]
    if Role.DEPARTMENT in roles:
        targets += ["services:unit_dashboard", "households:dashboard"]
    if Role.BUILDING_LEADER in roles:
        targets += ["mobile:home"]
    for name in targets:
        try:
            return redirect(reverse(name))
        except NoReverseMatch:
            continue
    return redirect("households:dashboard")
