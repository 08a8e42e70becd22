"""Who reads and keeps the public facilities ({role member name: permissions}). A
department user changes only the facilities its unit owns (``selectors``)."""

_VIEW = ["services.view_facility", "services.view_facilityupkeep", "services.view_clinicstaff"]
_CHANGE = [
    "services.change_facility",
    "services.add_facilityupkeep",
    "services.add_clinicstaff",
    "services.change_clinicstaff",
]
ROLE_PERMISSIONS = {
    "STAFF": _VIEW + _CHANGE + ["services.add_facility"],
    "DEPARTMENT": _VIEW + _CHANGE,
    "SUPERVISOR": _VIEW,
}
