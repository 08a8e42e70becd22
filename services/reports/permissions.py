# Community staff export full ID numbers by default; an administrator grants the permission
# to a bureau user who has to match rows against the bureau's own system.
ROLE_PERMISSIONS = {"STAFF": ["services.export_full_id_number"]}
