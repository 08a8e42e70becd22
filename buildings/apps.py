from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_VIEW = ["buildings.view_building", "buildings.view_dwelling", "buildings.view_buildingleaderterm"]


class BuildingsConfig(AppConfig):
    name = "buildings"
    verbose_name = _("Buildings and dwellings")
    # {role member name (community.roles.Role): ["app_label.codename", ...]}
    role_permissions = {
        "STAFF": _VIEW
        + [
            "buildings.add_building",
            "buildings.change_building",
            "buildings.add_dwelling",
            "buildings.change_dwelling",
            "buildings.add_buildingleaderterm",
            "buildings.change_buildingleaderterm",
            "buildings.view_hygienecheck",
            "buildings.view_premises",
            "buildings.add_premises",
            "buildings.view_lease",
            "buildings.add_lease",
            "buildings.view_rentpayment",
            "buildings.add_rentpayment",
        ],
        # The owners' committee reads the premises, their leases and rent (DOMAIN.md §5:
        # income from common parts belongs to the owners).
        "OWNERS_COMMITTEE": [
            "buildings.view_premises",
            "buildings.view_lease",
            "buildings.view_rentpayment",
        ],
        # Hygiene checks (hygiene/) are recorded on the phone pages (mobile/).
        "BUILDING_LEADER": [
            "buildings.view_building",
            "buildings.add_hygienecheck",
            "buildings.view_hygienecheck",
            "buildings.change_hygienecheck",
        ],
        "DEPARTMENT": _VIEW,
        "SUPERVISOR": _VIEW + ["buildings.view_hygienecheck"],
    }
