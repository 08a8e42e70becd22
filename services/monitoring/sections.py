"""What monitoring adds to registry pages, reached only through settings: the household
page's monitoring timeline (``HOUSEHOLD_PAGE_SECTIONS``) and the households due or overdue
for a visit on the leaders' phone home (``MOBILE_HOME_SECTIONS``)."""

from django.utils import timezone

from buildings.selectors import leader_building_ids
from households.selectors import households_for_user
from services.monitoring import access, cadence
from services.monitoring.models import CaseStatus, MonitoringCase
from services.monitoring.selectors import households_cases, is_overdue

MOBILE_DUE_SHOWN = 30


def household_monitoring_sections(*, request, households, full_ids=False):
    """Staff, the town and county, and the household's own building leader (the page is
    already scoped to the leader's buildings) see every case of the household with its
    steps and measures: one query for all the households given, and two more (steps,
    measures) when they have cases. Other units see only the measures they own, on their
    own pages."""
    if not (access.sees_every_case(request.user) or access.records_leads(request.user)):
        return {h.pk: None for h in households}
    can_record_lead = access.records_leads(request.user)
    cases = {h.pk: [] for h in households}
    today = timezone.localdate()
    for case in households_cases(household_ids=list(cases)):
        case.overdue = is_overdue(case, today)
        cases[case.household_id].append(case)
    return {
        h.pk: {
            "template": "services/monitoring/partials/_household_timeline.html",
            "context": {
                "cases": cases[h.pk],
                "household": h,
                "can_record_lead": can_record_lead,
            },
        }
        for h in households
    }


def household_monitoring_section(*, request, household, full_ids=False):
    return household_monitoring_sections(request=request, households=[household])[household.pk]


def mobile_visits_due_section(*, request):
    """The leader's households due or overdue for a visit, most overdue first, with the
    risk level of monitored households (two queries)."""
    if not leader_building_ids(request.user):
        return None
    today = timezone.localdate()
    households = households_for_user(request.user).filter(
        dwelling__building_id__in=leader_building_ids(request.user)
    )
    rows = list(cadence.visit_list(households, today=today, state="pending")[:MOBILE_DUE_SHOWN])
    levels = dict(
        MonitoringCase.objects.filter(
            household__in=[h.pk for h in rows], status=CaseStatus.MONITORED
        )
        .exclude(risk_level="")
        .values_list("household_id", "risk_level")
    )
    for h in rows:
        h.risk_level = levels.get(h.pk, "")
    return {
        "template": "services/monitoring/mobile/_visits_due.html",
        "context": {"due_rows": rows, "today": today},
    }
