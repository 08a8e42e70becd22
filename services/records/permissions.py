"""Units record the kinds they own (the services check which), staff record for any unit,
supervisors and building leaders read ({role member name: permissions}). A new record kind
adds its model here."""

RECORD_MODELS = [
    "hukoumigration",
    "residencepermit",
    "medicalinsurance",
    "familyplanningrecord",
    "schoolenrolment",
    "training",
    "employment",
    "pensionenrolment",
    "allowance",
    "landholding",
    "landrightevent",
]
_VIEW = [f"services.view_{m}" for m in RECORD_MODELS]
_WRITE = [f"services.{a}_{m}" for m in RECORD_MODELS for a in ("add", "change")]
ROLE_PERMISSIONS = {
    "STAFF": _VIEW + _WRITE,
    "DEPARTMENT": _VIEW + _WRITE,
    "SUPERVISOR": _VIEW,
    "BUILDING_LEADER": _VIEW,
}
