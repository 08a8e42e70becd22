"""Staff and supervisors create tasks for any unit; a department user updates its own
unit's tasks; supervisors hold units to account ({role member name: permissions})."""

ROLE_PERMISSIONS = {
    "STAFF": [
        "services.view_worktask",
        "services.add_worktask",
        "services.change_worktask",
        "services.view_accountability",
    ],
    "DEPARTMENT": ["services.view_worktask", "services.change_worktask"],
    "SUPERVISOR": [
        "services.view_worktask",
        "services.add_worktask",
        "services.change_worktask",
        "services.view_accountability",
        "services.add_accountability",
        "services.change_accountability",
    ],
}
