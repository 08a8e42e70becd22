"""The issue's "done when", walked through the pages in the demo (seed_demo's seeders at 150
households, its accounts): leader1's visit raises a lead, staff take it through the home
check, review and notice, 琴江镇 and 县扶贫办 decide, a unit records its measure, months
later the risk is cleared; the leader's phone shows overdue visits; the supervisor sees
the open, overdue and cleared counts, and the monitoring report holds the case."""

import datetime
import random
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from community.models import Department
from households.demo import registry as demo
from households.demo.fieldwork import seed_field_work
from households.demo.representatives import seed_representatives
from households.mobile.selectors import leader_households
from services.demo.monitoring import seed_monitoring
from services.demo.records import seed_records
from services.monitoring.models import CaseStatus, MonitoringCase
from services.monitoring.selectors import overview_counts
from tests.services.monitoring_helpers import photo
from tests.services.test_reports import export, row_of, sheet_rows

pytestmark = pytest.mark.django_db


def _step(client, case, step, **data):
    case.refresh_from_db()
    url = reverse("monitoring:step_record", args=[case.pk, step])
    response = client.post(url, {"version": case.version, **data})
    assert response.status_code == 302, (step, response.content.decode()[:3000])


def test_the_issue_done_when_in_the_demo(client, tmp_path):
    rng = random.Random(2019)
    demo.seed_registry(households=150, rng=rng, history=False)
    seed_records(rng=rng)
    demo.seed_accounts()
    seed_field_work()
    seed_monitoring()
    seed_representatives()
    users = {u.username: u for u in get_user_model().objects.all()}
    today = timezone.localdate()
    lead_day = today - datetime.timedelta(days=230)

    def day(n):
        return (lead_day + datetime.timedelta(days=n)).isoformat()

    # The leader's phone shows the households overdue for a visit.
    client.force_login(users["leader1"])
    home = client.get(reverse("mobile:home")).content.decode()
    assert 'id="visits-due"' in home and "badge" in home.split('id="visits-due"')[1]
    # leader1's visit raises a lead.
    household = (
        leader_households(users["leader1"])
        .exclude(monitoring_cases__isnull=False)
        .order_by("number")
        .first()
    )
    response = client.post(
        reverse("mobile:monitoring_visit"),
        {
            "household": household.pk,
            "visited_on": day(0),
            "reason": "hardship",
            "seen": "户主",
            "raise_lead": "on",
            "lead_fact": "户主住院，医疗费用高",
        },
    )
    assert response.status_code == 302
    case = MonitoringCase.objects.get(household=household)
    assert (case.source, case.reported_by) == ("visit", users["leader1"])
    # Staff: home check with the signed authorisation, review, notice.
    client.force_login(users["staff"])
    _step(client, case, "home_check", done_on=day(1), income_12m="4800", authorisation=photo())
    _step(
        client,
        case,
        "review",
        done_on=day(2),
        approved="1",
        category="marginal",
        risk_types=["illness"],
    )
    _step(client, case, "notice", done_on=day(3), notice_until=day(7))
    # The town and the county decide.
    client.force_login(users["qinjiang"])
    _step(client, case, "town_review", done_on=day(8), approved="1")
    client.force_login(users["fupin"])
    _step(
        client,
        case,
        "county_decision",
        done_on=day(10),
        approved="1",
        category="marginal",
        risk_types=["illness"],
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.MONITORED and case.household.monitoring_category
    # A unit records its measure.
    client.force_login(users["staff"])
    unit = Department.objects.get(code="medical-insurance")
    response = client.post(
        reverse("monitoring:measure_create", args=[case.pk]),
        {
            "kind": "health",
            "description": "落实大病保险和医疗救助",
            "unit": unit.pk,
            "deadline": day(40),
        },
    )
    assert response.status_code == 302
    measure = case.measures.get()
    client.force_login(users["yibao"])
    assert "落实大病保险" in client.get(reverse("monitoring:measure_list")).content.decode()
    response = client.post(
        reverse("monitoring:measure_done", args=[measure.pk]),
        {"version": measure.version, "done_on": day(30), "result": "已报销并纳入医疗救助"},
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.done_on is not None
    # Months later the risk is cleared, through the same steps.
    client.force_login(users["staff"])
    clear_day = today - datetime.timedelta(days=14)
    response = client.post(
        reverse("monitoring:clearing_start", args=[case.pk]),
        {"lead_on": clear_day.isoformat(), "fact": "务工收入稳定，三保障和饮水安全均有保障"},
    )
    assert response.status_code == 302
    clearing = case.clearings.get()

    def cday(n):
        return (clear_day + datetime.timedelta(days=n)).isoformat()

    _step(
        client,
        clearing,
        "home_check",
        done_on=cday(1),
        income_12m="9800",
        authorisation=photo(),
        stable_income_since=day(12),
        schooling_secure="on",
        medical_secure="on",
        housing_secure="on",
        water_secure="on",
    )
    _step(client, clearing, "review", done_on=cday(2), approved="1")
    _step(client, clearing, "notice", done_on=cday(3), notice_until=cday(7))
    client.force_login(users["qinjiang"])
    _step(client, clearing, "town_review", done_on=cday(8), approved="1")
    client.force_login(users["fupin"])
    _step(client, clearing, "county_decision", done_on=cday(9), approved="1")
    clearing.refresh_from_db()
    case.refresh_from_db()
    assert clearing.status == CaseStatus.CLEARED and case.status == CaseStatus.CLEARED
    assert MonitoringCase.objects.filter(household=household).count() == 2  # both kept
    # The supervisor sees the open, overdue and cleared counts, each opening its list.
    counts = overview_counts(today=today)
    assert counts["open"] and counts["overdue"] and counts["cleared"]
    page = client.get(reverse("services:supervisor_overview")).content.decode()
    for name in ("open", "overdue", "cleared"):
        shown = re.search(rf'id="mon-{name}"><a [^>]*>(\d+)<', page)
        assert int(shown.group(1)) == counts[name], name
    # The monitoring report holds the case with every step and its measure.
    _rows, path = export(
        "monitoring", users["fupin"], tmp_path, building=household.dwelling.building.code
    )
    _book, header, cells = sheet_rows(path)
    rows = [r for r in cells if r[header.index("户编号")].value == household.number]
    assert len(rows) == 2
    identification = row_of(rows, header, "事项", "识别纳入")
    assert identification["县级审定：经办人"].value == "县扶贫办督导"
    assert identification["15天时限"].value == "按期审定"
