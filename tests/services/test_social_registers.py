"""Fire-safety inspections and their obligation rule, public facilities and their problem
reports, the police duty log (services/firesafety, facilities, policelog)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from community.models import Department
from community.roles import Role
from core.models import Notification
from services.facilities import services as facility_services
from services.facilities.models import Facility, FacilityState, FacilityUpkeep, UpkeepKind
from services.firesafety import services as fire_services
from services.firesafety.models import FireInspection
from services.obligations.rules import RULES
from services.policelog import services as police_services
from services.policelog.models import PoliceIncident
from services.requests.models import ResidentRequest, State
from tests.conftest import _user_with_role

TODAY = datetime.date(2026, 12, 1)


def unit(code):
    return Department.objects.get(code=code)


@pytest.fixture
def fire_user(db):
    return _user_with_role("xiaofang", Role.DEPARTMENT, department=unit("fire-brigade"))


@pytest.fixture
def police_user(db):
    return _user_with_role("paichusuo", Role.DEPARTMENT, department=unit("qinjiang-police"))


@pytest.fixture
def transport_user(db):
    return _user_with_role("jiaotong", Role.DEPARTMENT, department=unit("transport"))


@pytest.fixture
def bus_stop(db):
    return Facility.objects.create(
        kind="bus_stop", name="铜锣湾社区公交站", owner_unit=unit("transport")
    )


def _inspection(user, building, *, days_ago=40, deadline_days_ago=10):
    today = timezone.localdate()
    return fire_services.fire_inspection_record(
        user=user,
        unit=unit("fire-brigade"),
        building=building,
        inspected_on=today - datetime.timedelta(days=days_ago),
        findings="楼道堆放杂物，灭火器过期",
        result="rectify",
        rectification_deadline=today - datetime.timedelta(days=deadline_days_ago),
    )


# --- fire safety --------------------------------------------------------------------------


def test_an_overdue_rectification_is_on_the_fire_brigade_dashboard_until_completed(
    client_for, fire_user, building_a
):
    inspection = _inspection(fire_user, building_a)
    client = client_for(fire_user)
    response = client.get("/services/obligations/")
    counts = {rule.code: n for rule, n, _spark in response.context["rule_rows"]}
    assert counts == {"fire-rectification-overdue": 1}
    listing = client.get("/services/obligations/rules/fire-rectification-overdue/")
    assert [i.pk for i in listing.context["page"]] == [inspection.pk]

    evidence = SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff evidence", "image/jpeg")
    response = client.post(
        f"/services/fire-safety/{inspection.pk}/",
        {
            "rectified_on": timezone.localdate().isoformat(),
            "note": "杂物已清，灭火器已换",
            "evidence": evidence,
        },
    )
    assert response.status_code == 302
    response = client.get("/services/obligations/")
    counts = {rule.code: n for rule, n, _spark in response.context["rule_rows"]}
    assert counts == {"fire-rectification-overdue": 0}


def test_the_rule_is_on_the_police_station_dashboard_too(
    client_for, police_user, fire_user, building_a
):
    _inspection(fire_user, building_a)
    response = client_for(police_user).get("/services/obligations/")
    counts = {rule.code: n for rule, n, _spark in response.context["rule_rows"]}
    assert counts["fire-rectification-overdue"] == 1


def test_a_rectification_is_not_overdue_on_its_deadline(fire_user, building_a):
    _inspection(fire_user, building_a, deadline_days_ago=0)
    rule = RULES["fire-rectification-overdue"]
    today = timezone.localdate()
    assert rule.failing(today).count() == 0
    assert rule.failing(today + datetime.timedelta(days=1)).count() == 1


def test_completion_needs_a_note_and_evidence(fire_user, building_a):
    inspection = _inspection(fire_user, building_a)
    with pytest.raises(ValidationError) as exc:
        fire_services.fire_rectification_complete(
            inspection=inspection, user=fire_user, rectified_on=timezone.localdate(), note=""
        )
    assert set(exc.value.message_dict) == {"note", "evidence"}
    inspection.refresh_from_db()
    assert inspection.rectified_on is None


def test_a_rectification_gets_the_default_deadline(fire_user, building_a, settings):
    settings.FIRE_RECTIFICATION_DEFAULT_DAYS = 15
    inspection = fire_services.fire_inspection_record(
        user=fire_user,
        unit=unit("fire-brigade"),
        building=building_a,
        inspected_on=datetime.date(2026, 1, 1),
        findings="消防通道被占",
        result="rectify",
    )
    assert inspection.rectification_deadline == datetime.date(2026, 1, 16)


def test_another_unit_cannot_record_for_the_fire_brigade(department_user, building_a):
    with pytest.raises(PermissionDenied):
        _inspection(department_user, building_a)
    assert not FireInspection.objects.exists()


def test_an_inspection_names_a_building_or_premises(fire_user):
    with pytest.raises(ValidationError):
        fire_services.fire_inspection_record(
            user=fire_user,
            unit=unit("fire-brigade"),
            inspected_on=datetime.date(2026, 1, 1),
            findings="x",
            result="passed",
        )
    inspection = fire_services.fire_inspection_record(
        user=fire_user,
        unit=unit("fire-brigade"),
        premises="综合市场 12号摊位",
        inspected_on=datetime.date(2026, 1, 1),
        findings="合格",
        result="passed",
    )
    assert inspection.place_name == "综合市场 12号摊位"


# --- facilities ------------------------------------------------------------------------------


def test_a_bus_stop_problem_from_a_leader_reaches_the_transport_bureau(
    client_for, leader_a, transport_user, bus_stop
):
    response = client_for(leader_a).post(
        f"/m/facilities/{bus_stop.pk}/report/",
        {"description": "站牌被风吹倒", "urgency": "normal"},
    )
    assert response.status_code == 302
    req = ResidentRequest.objects.get()
    assert req.facility == bus_stop
    assert req.building is None
    assert req.unit == unit("transport")
    assert req.state == State.ACCEPTED
    assert list(req.events.values_list("to_state", flat=True)) == ["submitted", "accepted"]
    bus_stop.refresh_from_db()
    assert bus_stop.state == FacilityState.OUT_OF_ORDER
    assert FacilityUpkeep.objects.get().request == req
    assert Notification.objects.filter(user=transport_user).count() == 1
    # the unit sees it and may act on it; the leader follows it
    unit_client = client_for(transport_user)
    assert unit_client.get(f"/services/requests/{req.pk}/").status_code == 200
    leader_page = client_for(leader_a).get(f"/m/requests/{req.pk}/")
    assert leader_page.status_code == 200


def test_a_facility_request_is_invisible_to_another_leader(
    client_for, leader_a, building_b, bus_stop
):
    from buildings.services import leader_term_start

    req = facility_services.facility_report_problem(
        facility=bus_stop, user=leader_a, description="灯坏了"
    )
    other = _user_with_role("leader_b", Role.BUILDING_LEADER)
    leader_term_start(building=building_b, user=other, elected_on=datetime.date(2020, 1, 1))
    assert client_for(other).get(f"/m/requests/{req.pk}/").status_code == 404


def test_a_request_names_a_building_or_a_facility(staff_user):
    with pytest.raises(IntegrityError), transaction.atomic():
        ResidentRequest.objects.create(
            category="other", description="x", filed_by=staff_user, deadline=timezone.now()
        )


def test_a_repair_puts_the_facility_back_in_service(transport_user, bus_stop, leader_a):
    facility_services.facility_report_problem(
        facility=bus_stop, user=leader_a, description="站牌倒了"
    )
    facility_services.facility_upkeep_log(
        facility=bus_stop, user=transport_user, kind=UpkeepKind.REPAIRED, note="已重新安装"
    )
    bus_stop.refresh_from_db()
    assert bus_stop.state == FacilityState.IN_SERVICE


def test_only_the_owner_unit_keeps_a_facility(department_user, bus_stop):
    with pytest.raises(PermissionDenied):
        facility_services.facility_upkeep_log(
            facility=bus_stop, user=department_user, kind=UpkeepKind.INSPECTION, note="巡查"
        )
    assert not bus_stop.upkeep.exists()


def test_a_closed_facility_takes_no_problem_report(staff_user, bus_stop):
    facility_services.facility_upkeep_log(
        facility=bus_stop, user=staff_user, kind=UpkeepKind.CLOSED, note="站点迁移"
    )
    with pytest.raises(ValidationError):
        facility_services.facility_report_problem(
            facility=bus_stop, user=staff_user, description="x"
        )
    assert not ResidentRequest.objects.exists()


def test_out_of_order_facilities_are_listed_with_since_when(
    client_for, staff_user, bus_stop, leader_a
):
    facility_services.facility_report_problem(
        facility=bus_stop, user=leader_a, description="站牌倒了"
    )
    response = client_for(staff_user).get("/services/facilities/?state=out_of_order")
    assert [f.pk for f in response.context["facilities"]] == [bus_stop.pk]
    assert "铜锣湾社区公交站" in response.content.decode()


# --- police duty log --------------------------------------------------------------------------


def _dispute(police_user, household):
    return police_services.incident_record(
        user=police_user,
        unit=unit("qinjiang-police"),
        kind="dispute",
        occurred_at=timezone.now() - datetime.timedelta(hours=2),
        place="A栋楼下",
        description="邻里因停车发生纠纷",
        building=household.dwelling.building,
        households=[household],
        action_taken="现场调解",
    )


def test_a_dispute_becomes_a_residents_request(client_for, staff_user, police_user, household_a):
    incident = _dispute(police_user, household_a)
    response = client_for(staff_user).post(f"/services/police-log/{incident.pk}/")
    assert response.status_code == 302
    req = ResidentRequest.objects.get()
    assert req.household == household_a
    assert req.category == "public_order"
    incident.refresh_from_db()
    assert incident.request == req
    with pytest.raises(ValidationError):
        police_services.incident_to_request(incident=incident, user=staff_user)
    assert ResidentRequest.objects.count() == 1


def test_only_a_dispute_becomes_a_request(staff_user, police_user, household_a):
    incident = police_services.incident_record(
        user=police_user,
        unit=unit("qinjiang-police"),
        kind="traffic",
        occurred_at=timezone.now(),
        place="社区门口",
        description="电动车剐蹭",
    )
    with pytest.raises(ValidationError):
        police_services.incident_to_request(incident=incident, user=staff_user)
    assert not ResidentRequest.objects.exists()


def test_households_involved_must_live_in_the_building(police_user, household_a, building_b):
    with pytest.raises(ValidationError) as exc:
        police_services.incident_record(
            user=police_user,
            unit=unit("qinjiang-police"),
            kind="dispute",
            occurred_at=timezone.now(),
            place="B栋",
            description="纠纷",
            building=building_b,
            households=[household_a],
        )
    assert household_a.number in exc.value.message_dict["households"][0]
    assert not PoliceIncident.objects.exists()


def test_a_unit_sees_the_incidents_handed_to_it(
    client_for, police_user, department_user, household_a
):
    incident = _dispute(police_user, household_a)
    assert (
        client_for(department_user).get(f"/services/police-log/{incident.pk}/").status_code == 404
    )
    incident.handed_to = department_user.profile.department
    incident.save()
    assert (
        client_for(department_user).get(f"/services/police-log/{incident.pk}/").status_code == 200
    )


def test_staff_add_a_clinic_and_its_staff(client_for, staff_user, department_user):
    client = client_for(staff_user)
    health = unit("health")
    response = client.post(
        "/services/facilities/new/",
        {
            "kind": "clinic",
            "name": "社区卫生服务站",
            "owner_unit": health.pk,
            "opening_hours": "8:00–17:30",
        },
    )
    assert response.status_code == 302
    clinic = Facility.objects.get(kind="clinic")
    response = client.post(
        f"/services/facilities/{clinic.pk}/staff/new/",
        {
            "name": "赖秀英",
            "qualification": "乡村医生执业证书",
            "post": "站长",
            "started_on": "2019-09-01",
        },
    )
    assert response.status_code == 302
    assert [s.name for s in clinic.staff.all()] == ["赖秀英"]
    response = client_for(department_user).post(
        "/services/facilities/new/", {"kind": "sports", "name": "x", "owner_unit": health.pk}
    )
    assert response.status_code == 403
    assert Facility.objects.count() == 1


def test_only_the_clinic_has_a_staff_register(staff_user, bus_stop):
    with pytest.raises(ValidationError):
        facility_services.clinic_staff_add(
            facility=bus_stop,
            user=staff_user,
            name="x",
            qualification="y",
            post="z",
            started_on=datetime.date(2020, 1, 1),
        )


def test_the_leader_finds_the_facility_problem_in_the_list(
    client_for, leader_a, bus_stop, household_a
):
    req = facility_services.facility_report_problem(
        facility=bus_stop, user=leader_a, description="站牌倒了"
    )
    page = client_for(leader_a).get("/m/requests/")
    assert req.pk in [r.pk for r in page.context["page"]]
    assert "铜锣湾社区公交站" in page.content.decode()
