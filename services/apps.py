from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from services.facilities.permissions import ROLE_PERMISSIONS as FACILITIES
from services.firesafety.permissions import ROLE_PERMISSIONS as FIRESAFETY
from services.monitoring.permissions import ROLE_PERMISSIONS as MONITORING
from services.policelog.permissions import ROLE_PERMISSIONS as POLICELOG
from services.records.permissions import ROLE_PERMISSIONS as RECORDS
from services.reports.permissions import ROLE_PERMISSIONS as REPORTS
from services.requests.permissions import ROLE_PERMISSIONS as REQUESTS
from services.worktasks.permissions import ROLE_PERMISSIONS as WORKTASKS


def merged(*parts: dict[str, list[str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in parts:
        for role, codenames in part.items():
            out.setdefault(role, []).extend(codenames)
    return out


class ServicesConfig(AppConfig):
    name = "services"
    verbose_name = _("Services and obligations")
    # Each sub-domain declares its roles' permissions in its own ``permissions`` module.
    role_permissions = merged(
        REQUESTS, RECORDS, WORKTASKS, REPORTS, MONITORING, FACILITIES, FIRESAFETY, POLICELOG
    )

    def ready(self):
        from services.obligations.counts import connect
        from services.obligations.rules import RULE_LIST
        from services.worktasks.rules import register_rules

        connect()
        # Work tasks name rules by code; the rules live in the layer above them.
        register_rules(RULE_LIST)
