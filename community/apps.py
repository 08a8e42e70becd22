from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

_ORG_MODELS = [
    "organisation",
    "organisationterm",
    "post",
    "postholding",
    "postbudget",
    "recruitmentround",
    "applicant",
    "residentgroup",
    "residentgroupmembership",
    "organisationmember",
    "partymember",
]
ORGANISATION_VIEW = [f"community.view_{m}" for m in _ORG_MODELS]
ORGANISATION_CHANGE = [f"community.{a}_{m}" for m in _ORG_MODELS for a in ("add", "change")]


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Community and responsible units")
    # {role member name (community.roles.Role): ["app_label.codename", ...]}
    role_permissions = {
        "STAFF": ["community.view_department", *ORGANISATION_VIEW, *ORGANISATION_CHANGE],
        "DEPARTMENT": ["community.view_department", *ORGANISATION_VIEW],
        "SUPERVISOR": ["community.view_department", *ORGANISATION_VIEW],
        "BUILDING_LEADER": ["community.view_organisation", "community.view_postholding"],
    }

    def ready(self):
        from .departments import ensure_departments
        from .roles import ensure_role_groups

        # Groups and their permissions need every app's permissions, which exist only
        # after migrate has run: so they are (re)synchronised after each migrate.
        post_migrate.connect(ensure_role_groups, dispatch_uid="community.ensure_role_groups")
        post_migrate.connect(ensure_departments, dispatch_uid="community.ensure_departments")
