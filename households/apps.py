from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Household representatives (representatives/): every reader of the registry sees them.
_VIEW = [
    "households.view_household",
    "households.view_person",
    "households.view_householdrepresentative",
]


class HouseholdsConfig(AppConfig):
    name = "households"
    verbose_name = _("Households and people")
    # {role member name (community.roles.Role): ["app_label.codename", ...]}
    role_permissions = {
        "STAFF": _VIEW
        + [
            "households.add_household",
            "households.change_household",
            "households.add_person",
            "households.change_person",
            "households.view_full_id_number",
            # The review queue of the leaders' proposals (proposals/) and their field logs
            # (fieldlogs/).
            "households.view_memberchangeproposal",
            "households.review_memberchangeproposal",
            "households.view_visit",
            "households.view_publicityrecord",
            # Roster import (imports/): upload, check, preview, confirm; the batches.
            "households.import_households",
            "households.view_importbatch",
            # Appoint and end household representatives, assign and release households.
            "households.add_householdrepresentative",
            "households.change_householdrepresentative",
        ],
        # The phone pages (mobile/): contact facts apply at once, identity facts are proposed.
        "BUILDING_LEADER": _VIEW
        + [
            "households.check_household",
            "households.add_memberchangeproposal",
            "households.view_memberchangeproposal",
            "households.add_visit",
            "households.view_visit",
            "households.add_publicityrecord",
            "households.view_publicityrecord",
        ],
        "DEPARTMENT": _VIEW,
        "SUPERVISOR": _VIEW,
    }
