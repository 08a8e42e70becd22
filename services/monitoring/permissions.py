"""Monitoring's model permissions for the admin and reports ({role member name: [...]}).
Who runs which step is decided by role and unit in ``services.monitoring.access``; these
only let each role read the tables it works with."""

_ALL = ["monitoringcase", "casestep", "helpmeasure", "incomethreshold"]
ROLE_PERMISSIONS = {
    "STAFF": [f"services.view_{m}" for m in _ALL]
    + [f"services.{a}_{m}" for m in _ALL for a in ("add", "change")],
    "SUPERVISOR": [f"services.view_{m}" for m in _ALL],
    "DEPARTMENT": ["services.view_helpmeasure", "services.change_helpmeasure"],
    "BUILDING_LEADER": ["services.view_monitoringcase", "services.add_monitoringcase"],
}
