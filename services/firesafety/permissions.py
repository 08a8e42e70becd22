"""Who records fire-safety inspections ({role member name: permissions}). A department
user records and completes those of its own unit only (``selectors``)."""

_VIEW = ["services.view_fireinspection"]
ROLE_PERMISSIONS = {
    "STAFF": _VIEW + ["services.add_fireinspection", "services.change_fireinspection"],
    "DEPARTMENT": _VIEW + ["services.add_fireinspection", "services.change_fireinspection"],
    "SUPERVISOR": _VIEW,
}
