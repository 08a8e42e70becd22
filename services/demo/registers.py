"""Demo data of the social-management registers for ``seed_demo``: the bus stop and route,
sports facilities and the clinic (with its staff) and their upkeep; fire-safety inspections,
some rectified, some overdue; the police duty log, one dispute made a resident's request;
a bus-stop problem reported by a building leader, routed to 县交通运输局. The accounts of
the fire brigade, the police station and the transport bureau are added for the walk.

Registered in ``DEMO_ACCOUNT_SEEDERS`` (the entries name demo users). Idempotent: nothing is
added when any facility exists."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from buildings.models import Building, BuildingLeaderTerm
from community.models import Department, UserProfile
from community.roles import Role
from households.demo.registry import DEMO_PASSWORD
from households.models import Household
from services.facilities import services as facility_services
from services.facilities.models import ClinicStaff, Facility, FacilityKind, UpkeepKind
from services.firesafety import services as fire_services
from services.policelog import services as police_services

ACCOUNTS = [
    ("xiaofang", "县消防大队监督员", "fire-brigade"),
    ("paichusuo", "琴江镇派出所民警", "qinjiang-police"),
    ("jiaotong", "县交通运输局经办人", "transport"),
    ("weijian", "县卫健委经办人", "health"),
]
FACILITIES = [
    (FacilityKind.BUS_STOP, "铜锣湾社区公交站", "社区北门", "transport"),
    (FacilityKind.BUS_ROUTE, "城区2路公交（经铜锣湾社区）", "县汽车站—铜锣湾社区", "transport"),
    (FacilityKind.SPORTS, "社区灯光篮球场", "综合市场东侧", "education"),
    (FacilityKind.SPORTS, "健身广场", "3栋与4栋之间", "education"),
    (FacilityKind.CLINIC, "铜锣湾社区卫生服务站", "综合楼一楼", "health"),
]


def _accounts():
    User = get_user_model()
    group = Group.objects.get(name=Role.DEPARTMENT.value)
    users = {}
    for username, display, code in ACCOUNTS:
        user, is_new = User.objects.get_or_create(username=username)
        if is_new:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        user.groups.add(group)
        UserProfile.objects.update_or_create(
            user=user,
            defaults={"display_name": display, "department": Department.objects.get(code=code)},
        )
        users[code] = user
    return users


@transaction.atomic
def seed_registers(*, stdout=None):
    if Facility.objects.exists():
        return
    users = _accounts()
    staff = get_user_model().objects.filter(groups__name=Role.STAFF.value).order_by("pk").first()
    term = BuildingLeaderTerm.objects.filter(ended_on__isnull=True).order_by("pk").first()
    if staff is None or term is None:
        return
    now = timezone.now()
    today = timezone.localdate()
    facilities = {}
    for kind, name, location, code in FACILITIES:
        facilities[name] = Facility.objects.create(
            kind=kind,
            name=name,
            location=location,
            owner_unit=Department.objects.get(code=code),
            state_since=now - datetime.timedelta(days=400),
        )
    clinic = facilities["铜锣湾社区卫生服务站"]
    clinic.opening_hours = "周一至周日 8:00–12:00，14:30–17:30"
    clinic.services_offered = "常见病诊疗\n慢性病随访\n预防接种\n家庭医生签约"
    clinic.save(update_fields=["opening_hours", "services_offered"])
    for name, qualification, post in [
        ("赖秀英", "乡村医生执业证书", "站长"),
        ("黄志明", "执业助理医师", "医生"),
        ("陈丽", "护士执业证书", "护士"),
    ]:
        ClinicStaff.objects.create(
            facility=clinic,
            name=name,
            qualification=qualification,
            post=post,
            started_on=datetime.date(2019, 9, 1),
        )
    facility_services.facility_upkeep_log(
        facility=facilities["健身广场"],
        user=staff,
        kind=UpkeepKind.INSPECTION,
        note="器材巡查，全部完好",
    )
    # A building leader reports the bus stop: the request reaches 县交通运输局.
    facility_services.facility_report_problem(
        facility=facilities["铜锣湾社区公交站"],
        user=term.user,
        description="公交站候车亭顶棚被风掀开，下雨无法候车。",
    )
    facility_services.facility_report_problem(
        facility=facilities["社区灯光篮球场"], user=staff, description="篮球场两盏照明灯不亮。"
    )

    buildings = list(Building.objects.order_by("code")[:8])
    fire = Department.objects.get(code="fire-brigade")
    for i, building in enumerate(buildings):
        inspected = today - datetime.timedelta(days=60 - i * 5)
        inspection = fire_services.fire_inspection_record(
            user=users["fire-brigade"],
            unit=fire,
            building=building,
            inspected_on=inspected,
            findings=[
                "楼道堆放杂物，堵塞疏散通道",
                "灭火器过期未更换",
                "电动车在楼道内充电",
                "消防栓箱内水带缺失",
            ][i % 4],
            result="rectify" if i % 3 != 2 else "passed",
            rectification_deadline=inspected + datetime.timedelta(days=30) if i % 3 != 2 else None,
        )
        if i % 3 == 0 and inspection.rectification_deadline:
            fire_services.fire_rectification_complete(
                inspection=inspection,
                user=users["fire-brigade"],
                rectified_on=min(today, inspection.rectification_deadline),
                note="已整改，复查合格",
                evidence=ContentFile(b"rectification photo (demo)", name="fucha.txt"),
            )
    fire_services.fire_inspection_record(
        user=users["qinjiang-police"],
        unit=Department.objects.get(code="qinjiang-police"),
        premises="综合市场 一楼杂物间",
        inspected_on=today - datetime.timedelta(days=20),
        findings="杂物间存放液化气罐",
        result="rectify",
        rectification_deadline=today - datetime.timedelta(days=5),
    )

    police = Department.objects.get(code="qinjiang-police")
    households = list(
        Household.objects.filter(dwelling__building=term.building, is_active=True)
        .select_related("dwelling")
        .order_by("number")[:2]
    )
    dispute = police_services.incident_record(
        user=users["qinjiang-police"],
        unit=police,
        kind="dispute",
        occurred_at=now - datetime.timedelta(days=3, hours=5),
        place=f"{term.building.name}楼下",
        building=term.building,
        households=households,
        description="两户因楼道堆放杂物发生争执。",
        action_taken="民警到场调解，双方同意由社区协调。",
        handed_to=Department.objects.get(code="qinjiang-town"),
    )
    police_services.incident_to_request(incident=dispute, user=staff)
    for days, kind, place, text in [
        (10, "traffic", "社区北门", "电动车与行人轻微剐蹭，无人受伤。"),
        (6, "public_order", "综合市场", "夜间有人喧哗，已劝离。"),
        (2, "fire", "5栋楼道", "楼道纸箱冒烟，住户自行扑灭，民警到场查看。"),
    ]:
        police_services.incident_record(
            user=users["qinjiang-police"],
            unit=police,
            kind=kind,
            occurred_at=now - datetime.timedelta(days=days),
            place=place,
            description=text,
        )
    if stdout is not None:
        stdout.write(
            f"  Registers: {len(FACILITIES)} facilities, {len(buildings) + 1} fire-safety "
            "inspections, 4 police log incidents; accounts "
            + ", ".join(u for u, _d, _c in ACCOUNTS)
        )
