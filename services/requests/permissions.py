"""Who files, answers and watches residents' requests ({role member name: permissions})."""

_VIEW = [
    "services.view_residentrequest",
    "services.view_requestevent",
    "services.view_requestphoto",
]
ROLE_PERMISSIONS = {
    "STAFF": _VIEW
    + [
        "services.add_residentrequest",
        "services.change_residentrequest",
        "services.add_requestphoto",
    ],
    "BUILDING_LEADER": _VIEW + ["services.add_residentrequest", "services.add_requestphoto"],
    "DEPARTMENT": _VIEW + ["services.change_residentrequest"],
    "SUPERVISOR": _VIEW,
}
