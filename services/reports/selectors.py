"""Who may run which report, and the export log.

Community staff, supervisors and administrators run every report of the catalogue. A
department user runs the reports marked for their unit (``EVERY_UNIT`` reports for their
own rows) and the ``rule:`` reports of the rules their unit may read. Building leaders and
anyone else run none. A report registered by another app (``register_reports``: the owners'
side) says itself who runs it (``Report.can_run``). A report out of reach is a 404, the same as one that does not exist."""

from django.http import Http404

from community.models import Department
from community.roles import Role, has_role
from community.selectors import department_of_user
from core.models import AuditLog
from services.obligations.selectors import rules_for_user
from services.reports.catalogue import EVERY_UNIT, Report
from services.reports.definitions import REPORT_LIST, REPORTS

FULL_ID_PERMISSION = "services.export_full_id_number"


def runs_every_report(user) -> bool:
    return has_role(user, Role.STAFF, Role.SUPERVISOR, Role.ADMINISTRATOR)


def reports_for_user(user) -> list[Report]:
    """The reports ``user`` may run, in the catalogue's order. A report that says who runs
    it (``can_run``, the owners' side's) decides alone; the others go to staff, supervisors
    and administrators, and to a department user for their unit."""
    if not user.is_authenticated:
        return []
    every = runs_every_report(user)
    dept = None
    if not every and has_role(user, Role.DEPARTMENT):
        dept = department_of_user(user)
    rule_codes = {rule.code for rule in rules_for_user(user)} if dept is not None else set()
    mine = []
    for report in REPORT_LIST:
        if report.can_run is not None:
            allowed = report.can_run(user)
        elif every:
            allowed = True
        elif dept is None:
            allowed = False
        elif report.rule is not None:
            allowed = report.rule.code in rule_codes
        else:
            allowed = dept.code in report.units or EVERY_UNIT in report.units
        if allowed:
            mine.append(report)
    return mine


def report_get_for_user(*, user, code: str) -> Report:
    report = REPORTS.get(code)
    if report is None or report.code not in {r.code for r in reports_for_user(user)}:
        raise Http404
    return report


def may_run(user, code: str) -> bool:
    if code == "table" or code.startswith("table:"):  # the table builder's tables
        from services.reports.builder.selectors import template_get_for_user, uses_builder

        if code == "table":
            return uses_builder(user)
        pk = code.partition(":")[2]
        try:
            template_get_for_user(user=user, pk=int(pk) if pk.isdigit() else 0)
        except Http404:
            return False
        return True
    try:
        report_get_for_user(user=user, code=code)
    except Http404:
        return False
    return True


def exports_full_ids(user) -> bool:
    return user.has_perm(FULL_ID_PERMISSION)


def can_read_export_log(user) -> bool:
    return has_role(user, Role.SUPERVISOR, Role.ADMINISTRATOR)


def unit_names(codes) -> list[str]:
    codes = [c for c in codes if c != EVERY_UNIT]
    names = dict(Department.objects.filter(code__in=codes).values_list("code", "name"))
    return [names[c] for c in codes if c in names]


def export_log(*, unit: str = "", username: str = ""):
    """Export entries, newest first, with their users (one query)."""
    qs = AuditLog.objects.filter(action=AuditLog.Action.EXPORT).select_related("user")
    if unit:
        qs = qs.filter(detail__unit=unit)
    if username:
        qs = qs.filter(user__username=username)
    return qs.order_by("-at", "-pk")
