"""Who does what in monitoring (DOMAIN.md §3, issue access rules): community staff run the
procedure; a building leader records leads for the households of their own buildings; the
town government (琴江镇) records the town review and the poverty-alleviation office (县扶贫办)
the county decision; every other unit sees the help measures it owns."""

from community.roles import Role, has_role
from community.selectors import department_of_user

TOWN_UNIT = "qinjiang-town"
COUNTY_UNIT = "poverty-office"


def unit_code(user) -> str | None:
    dept = department_of_user(user)
    return dept.code if dept is not None else None


def runs_procedure(user) -> bool:
    return has_role(user, Role.STAFF, Role.ADMINISTRATOR)


def records_town_step(user) -> bool:
    return has_role(user, Role.ADMINISTRATOR) or unit_code(user) == TOWN_UNIT


def records_county_step(user) -> bool:
    return has_role(user, Role.ADMINISTRATOR) or unit_code(user) == COUNTY_UNIT


def sees_every_case(user) -> bool:
    return runs_procedure(user) or unit_code(user) in (TOWN_UNIT, COUNTY_UNIT)


def records_leads(user) -> bool:
    return runs_procedure(user) or has_role(user, Role.BUILDING_LEADER)


def sees_visit_figures(user) -> bool:
    """Staff and supervisors follow the visits of every building."""
    return runs_procedure(user) or has_role(user, Role.SUPERVISOR)


# The units of the ``monitoring`` report (services.reports.definitions); the reports layer
# sits above this one, so the case list asks ``runs_report`` (a test keeps the two in step).
REPORT_UNITS = (COUNTY_UNIT, TOWN_UNIT)


def runs_report(user) -> bool:
    """Who gets the case list's 导出 Excel: the roles that run every report, and the town
    and county units."""
    return has_role(user, Role.STAFF, Role.SUPERVISOR, Role.ADMINISTRATOR) or (
        has_role(user, Role.DEPARTMENT) and unit_code(user) in REPORT_UNITS
    )
