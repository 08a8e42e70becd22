"""Who keeps the police duty log ({role member name: permissions}). A department user reads
and records the incidents of its unit or handed to it (``selectors``)."""

_VIEW = ["services.view_policeincident"]
ROLE_PERMISSIONS = {
    "STAFF": _VIEW + ["services.add_policeincident", "services.change_policeincident"],
    "DEPARTMENT": _VIEW + ["services.add_policeincident", "services.change_policeincident"],
    "SUPERVISOR": _VIEW,
}
