"""No existence oracle: for every URL pattern of the project that takes an object's pk, and
for every persona, an object the persona may not see answers exactly like a pk that does not
exist (same status, same body length class). Generated from the URLconf: a new pattern with
a pk fails here until it is listed in ``OBJECT_OF`` with the object it takes."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from buildings.models import HygieneCheck
from buildings.premises.services import lease_create, premises_create, rent_payment_record
from buildings.services import leader_term_start
from community.models import Department
from community.organisation.models import (
    Applicant,
    Organisation,
    Post,
    RecruitmentRound,
    ResidentGroup,
)
from community.roles import Role
from core.models import Job
from households.models import ImportBatch
from households.representatives.services import representative_appoint
from ownersassoc import committee, fees
from ownersassoc import property as prop
from ownersassoc.models import BallotSheet, FeeBill, Matter, OwnersMeeting
from ownersassoc.services import meeting_create, motion_add, ownership_start, sheet_record
from services.facilities.models import Facility
from services.firesafety.models import FireInspection
from services.monitoring import services as monitoring_services
from services.policelog.models import PoliceIncident
from services.reports.builder.models import TableTemplate
from services.requests.models import RequestPhoto, State
from services.worktasks.models import Accountability, WorkTaskNote
from tests.households.factories import (
    DwellingFactory,
    HouseholdFactory,
    PersonFactory,
    UserFactory,
)
from tests.services.monitoring_helpers import day, lead, threshold, through, unit_user
from tests.services.record_factories import (
    AllowanceFactory,
    LandHoldingFactory,
    ResidencePermitFactory,
    SchoolEnrolmentFactory,
)
from tests.services.request_factories import ResidentRequestFactory
from tests.services.rule_factories import WorkTaskFactory

PERSONAS = [
    "admin_user",
    "staff_user",
    "leader_a",
    "department_user",
    "supervisor_user",
    "outsider",
]

# pattern name -> (object key, extra kwargs, the read views that show the object when visible)
OBJECT_OF = {
    "buildings:building_detail": ("building", {}, ["buildings:building_detail"]),
    "households:household_detail": ("household", {}, ["households:household_detail"]),
    "households:household_edit": ("household", {}, ["households:household_detail"]),
    "households:person_create": ("household", {}, ["households:household_detail"]),
    "households:person_detail": ("person", {}, ["households:person_detail"]),
    "households:person_edit": ("person", {}, ["households:person_detail"]),
    "households:person_leave": ("person", {}, ["households:person_detail"]),
    "households:proposal_detail": ("proposal", {}, ["households:proposal_detail"]),
    "services:request_detail": (
        "request",
        {},
        ["services:request_detail", "mobile:request_detail"],
    ),
    "services:request_action": (
        "request",
        {"action": "start"},
        ["services:request_detail", "mobile:request_detail"],
    ),
    "services:request_photo": ("photo", {}, ["services:request_photo"]),
    "services:permit_endorse": (
        "permit",
        {},
        [("services:record_detail", {"kind": "residencepermit"})],
    ),
    "services:allowance_convert": (
        "allowance",
        {},
        [("services:record_detail", {"kind": "allowance"})],
    ),
    "services:land_event_create": (
        "landholding",
        {},
        [("services:record_detail", {"kind": "landholding"})],
    ),
    "services:record_detail": (
        "record",
        {"kind": "schoolenrolment"},
        [("services:record_detail", {"kind": "schoolenrolment"})],
    ),
    "services:record_edit": (
        "record",
        {"kind": "schoolenrolment"},
        [("services:record_detail", {"kind": "schoolenrolment"})],
    ),
    "services:task_detail": ("task", {}, ["services:task_detail"]),
    "services:task_evidence": ("task", {"note_pk": "@note"}, ["services:task_detail"]),
    "services:accountability_create": ("task", {}, ["services:task_detail"]),
    "services:accountability_edit": (
        "accountability",
        {},
        ["services:accountability_edit", ("services:task_detail", {}, "task")],
    ),
    "mobile:household_detail": ("household", {}, ["mobile:household_detail"]),
    "mobile:proposal_member": ("household", {}, ["mobile:household_detail"]),
    "mobile:person_status": ("person", {}, ["mobile:person_status"]),
    "mobile:proposal_change": ("person", {}, ["mobile:person_status"]),
    "mobile:proposal_leave": ("person", {}, ["mobile:person_status"]),
    "mobile:hygiene_detail": ("hygiene", {}, ["mobile:hygiene_detail"]),
    "mobile:hygiene_photo": ("hygiene", {}, ["mobile:hygiene_detail"]),
    "mobile:request_detail": ("request", {}, ["mobile:request_detail", "services:request_detail"]),
    "core:job_detail": ("job", {}, ["core:job_detail"]),
    "core:job_status": ("job", {}, ["core:job_detail"]),
    "core:job_download": ("job", {}, ["core:job_detail"]),
    "reports:builder_template": ("table_template", {}, ["reports:builder_template"]),
    "reports:builder_template_export": ("table_template", {}, ["reports:builder_template"]),
    "reports:builder_template_delete": ("table_template", {}, ["reports:builder_template"]),
    "community:recruitment_detail": ("round", {}, ["community:recruitment_detail"]),
    "community:applicant_decide": (
        "applicant",
        {},
        [("community:recruitment_detail", {}, "round")],
    ),
    "community:resident_group_detail": ("group", {}, ["community:resident_group_detail"]),
    "services:facility_detail": ("facility", {}, ["services:facility_detail"]),
    "services:facility_report": ("facility", {}, ["services:facility_detail"]),
    "services:clinic_staff_add": ("facility", {}, ["services:facility_detail"]),
    "mobile:facility_report": ("facility", {}, ["services:facility_detail"]),
    "services:fire_inspection_detail": ("inspection", {}, ["services:fire_inspection_detail"]),
    "services:fire_inspection_evidence": ("inspection", {}, ["services:fire_inspection_detail"]),
    "services:incident_detail": ("incident", {}, ["services:incident_detail"]),
    "households:household_file": ("household", {}, ["households:household_detail"]),
    "households:building_files": ("building", {}, ["buildings:building_detail"]),
    "households:import_detail": ("batch", {}, ["households:import_detail"]),
    "households:import_status": ("batch", {}, ["households:import_detail"]),
    "households:import_confirm": ("batch", {}, ["households:import_detail"]),
    "buildings:premises_detail": ("premises", {}, ["buildings:premises_detail"]),
    "households:representative_detail": (
        "representative",
        {},
        ["households:representative_detail"],
    ),
    "households:representative_assign": (
        "representative",
        {},
        ["households:representative_detail"],
    ),
    "households:representative_release": (
        "representative",
        {},
        ["households:representative_detail"],
    ),
    "households:representative_end": (
        "representative",
        {},
        ["households:representative_detail"],
    ),
    # reversing a wrong payment: staff only
    "buildings:rent_payment_reverse": ("rent_payment", {}, ["buildings:rent_payment_reverse"]),
    "ownersassoc:fee_payment_reverse": ("fee_payment", {}, ["ownersassoc:fee_payment_reverse"]),
    "monitoring:case_detail": ("case", {}, ["monitoring:case_detail"]),
    "monitoring:step_record": ("case", {"step": "home_check"}, ["monitoring:case_detail"]),
    "monitoring:risk_level_set": ("case", {}, ["monitoring:case_detail"]),
    "monitoring:lead_close": ("case", {}, ["monitoring:case_detail"]),
    "monitoring:clearing_start": ("case", {}, ["monitoring:case_detail"]),
    "monitoring:measure_create": ("case", {}, ["monitoring:case_detail"]),
    "monitoring:authorisation_file": ("case", {}, ["monitoring:case_detail"]),
    "monitoring:case_notice": ("case", {}, ["monitoring:case_detail"]),
    "monitoring:measure_done": ("measure", {}, [("monitoring:case_detail", {}, "case")]),
    "ownersassoc:meeting_detail": ("meeting", {}, ["ownersassoc:meeting_detail"]),
    "ownersassoc:meeting_notice": ("meeting", {}, ["ownersassoc:meeting_detail"]),
    "ownersassoc:meeting_close": ("meeting", {}, ["ownersassoc:meeting_detail"]),
    "ownersassoc:sheet_list": ("meeting", {}, ["ownersassoc:meeting_detail"]),
    "ownersassoc:sheet_create": ("meeting", {}, ["ownersassoc:meeting_detail"]),
    "ownersassoc:sheet_import": ("meeting", {}, ["ownersassoc:meeting_detail"]),
    "ownersassoc:sheet_review": (
        "sheet",
        {},
        ["ownersassoc:sheet_photo", ("ownersassoc:sheet_list", {}, "meeting")],
    ),
    "ownersassoc:sheet_photo": (
        "sheet",
        {},
        ["ownersassoc:sheet_photo", ("ownersassoc:sheet_list", {}, "meeting")],
    ),
    "ownersassoc:committee_detail": ("committee", {}, ["ownersassoc:committee_detail"]),
    "ownersassoc:document_detail": ("document", {}, ["ownersassoc:document_detail"]),
    "ownersassoc:contract_detail": ("contract", {}, ["ownersassoc:contract_detail"]),
    # a bill is shown in the arrears of its contract to those who manage fees
    "ownersassoc:fee_bill_action": ("bill", {}, [("ownersassoc:contract_detail", {}, "contract")]),
    "mobile:ballot_owners": (
        "meeting",
        {},
        ["mobile:ballot_owners", "ownersassoc:meeting_detail"],
    ),
    # the object is the owner (of building B) for whom a ballot would be collected
    "mobile:ballot_collect": (
        "owner",
        {"pk": "@meeting"},
        ["households:person_detail", "mobile:person_status"],
    ),
}

# the URL keyword that takes the object's pk, where it is not ``pk``
PK_KWARG = {
    "households:person_create": "household_pk",
    "households:building_files": "building_pk",
    "mobile:ballot_collect": "person_pk",
}


# Object URLs whose objects are not built here yet (none now: every pattern with a pk is
# compared). The set only shrinks.
NOT_YET_COMPARED: set[str] = set()


def _patterns_with_a_pk(resolver=None, namespace=None):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern).startswith("admin/"):
                continue  # the admin is for administrators only (test_scope_audit)
            ns = ":".join(n for n in (namespace, p.namespace) if n) or None
            yield from _patterns_with_a_pk(p, ns)
        elif isinstance(p, URLPattern) and "int:" in str(p.pattern):
            yield f"{namespace}:{p.name}" if namespace else p.name


def test_every_pattern_with_a_pk_is_checked():
    assert sorted(set(_patterns_with_a_pk()) - NOT_YET_COMPARED) == sorted(OBJECT_OF)
    assert not NOT_YET_COMPARED & set(OBJECT_OF)


@pytest.fixture
def world(settings, building_b, household_b, staff_user, supervisor_user):
    """Objects of building B and of the education bureau: outside the scope of the leader of
    building A and of the human-resources user."""
    from households.proposals.services import proposal_create_change

    education = Department.objects.get(code="education")
    member = household_b.members.get()
    leader_b = UserFactory(username="leader_b")
    leader_b.groups.add(Group.objects.get(name=Role.BUILDING_LEADER.value))
    leader_term_start(building=building_b, user=leader_b, elected_on=datetime.date(2019, 7, 1))
    req = ResidentRequestFactory(
        household=household_b, state=State.ACCEPTED, unit=education, filed_by=leader_b
    )
    photo = RequestPhoto.objects.create(
        request=req,
        image=ContentFile(b"\xff\xd8 photo", name="p.jpg"),
        uploaded_by=leader_b,
        uploaded_at=timezone.now(),
    )
    task = WorkTaskFactory(
        unit=education, deadline=timezone.localdate() - datetime.timedelta(days=3)
    )
    note = WorkTaskNote.objects.create(
        task=task, author=staff_user, text="进展", evidence=ContentFile(b"%PDF-1.4", name="e.pdf")
    )
    settings.JOB_KINDS = {"test": "tests.core.test_jobs.KIND"}
    job = Job.objects.create(kind="test", requested_by=staff_user)
    return {
        "building": building_b,
        "household": household_b,
        "person": member,
        "proposal": proposal_create_change(
            person=member, proposed_by=leader_b, fields={"name": "温晓明"}
        ),
        "request": req,
        "photo": photo,
        "permit": ResidencePermitFactory(person=member),
        "allowance": AllowanceFactory(person=member),
        "landholding": LandHoldingFactory(household=household_b),
        "record": SchoolEnrolmentFactory(person=member),
        "task": task,
        "@note": note,
        "accountability": Accountability.objects.create(
            task=task, unit=education, opened_by=supervisor_user, reason="逾期"
        ),
        "hygiene": HygieneCheck.objects.create(
            building=building_b,
            area="1楼",
            score=60,
            checked_by=leader_b,
            photo=ContentFile(b"\xff\xd8 photo", name="h.jpg"),
        ),
        "job": job,
        # a template of the education bureau's user, not shared: no other persona sees it
        "table_template": TableTemplate.objects.create(
            name="教育局学生核对表",
            owner=_education_user(education),
            unit=education,
            shared=False,
            spec={"rows": "person", "columns": [{"key": "person.name", "header": "姓名"}]},
        ),
        "batch": ImportBatch.objects.create(
            created_by=staff_user, file_name="r.xlsx", status="valid"
        ),
        **_premises(),
        "representative": representative_appoint(
            building=building_b,
            person=member,
            started_on=datetime.date(2024, 3, 1),
            actor=staff_user,
        ),
        **_organisation_and_registers(staff_user),
        **_monitoring(household_b, staff_user, education),
        **_owners_side(building_b, staff_user),
    }


def _education_user(education):
    from community.models import UserProfile

    user = UserFactory(username="jiaoyu")
    user.groups.add(Group.objects.get(name=Role.DEPARTMENT.value))
    UserProfile.objects.create(user=user, department=education, display_name="教育局")
    return user


def _premises():
    """A market stall let, with a rent payment."""
    stall = premises_create(code="SC-01", kind="market_stall", area=Decimal("12.00"))
    lease = lease_create(
        premises=stall,
        tenant="刘记果蔬",
        started_on=datetime.date(2026, 1, 1),
        ended_on=datetime.date(2026, 12, 31),
        monthly_rent=Decimal("260.00"),
    )
    payment = rent_payment_record(
        lease=lease, paid_on=datetime.date(2026, 1, 1), amount=Decimal("260.00")
    )
    return {"premises": stall, "rent_payment": payment}


def _monitoring(household, staff_user, unit):
    """A monitoring case of building B taken through the county's decision (its signed
    authorisation kept), with a help measure of the education bureau."""
    threshold()
    case = through(
        lead(household, staff_user),
        staff=staff_user,
        town=unit_user("qinjiang", "qinjiang-town"),
        county=unit_user("fupin2", "poverty-office"),
        upto="county_decision",
    )
    measure = monitoring_services.measure_create(
        case=case,
        actor=staff_user,
        kind="employment",
        description="推荐到工业园就业",
        unit=unit,
        deadline=day(30),
    )
    return {"case": case, "measure": measure}


def _owners_side(building, staff_user):
    """Five owners of building B, a meeting where all of them voted for the committee and
    the covenant, the committee they elected, the covenant adopted, a property contract and
    its first fee bill."""
    owners = []
    for _n in range(5):
        dwelling = DwellingFactory(building=building, area=Decimal("80.00"))
        owner = PersonFactory(household=HouseholdFactory(dwelling=dwelling), relationship="01")
        ownership_start(dwelling=dwelling, owner=owner, started_on=datetime.date(2019, 3, 1))
        owners.append(owner)
    meeting = meeting_create(
        title="2026年第一次业主大会",
        kind=OwnersMeeting.Kind.REGULAR,
        form=OwnersMeeting.Form.WRITTEN,
        notice_date=datetime.date(2026, 11, 1),
        held_on=datetime.date(2026, 11, 20),
        copied_to_residents_committee=True,
        user=staff_user,
    )
    motion_add(meeting=meeting, title="选举业主委员会", matter=Matter.COMMITTEE)
    covenant = motion_add(meeting=meeting, title="管理规约", matter=Matter.COVENANT)
    sheets = [
        sheet_record(
            meeting=meeting,
            owner=owner,
            choices={m.pk: "agree" for m in meeting.motions.all()},
            source=BallotSheet.Source.STAFF,
            user=staff_user,
        )
        for owner in owners
    ]
    contract = prop.contract_create(
        company=prop.company_create(name="物业", uscc="91110000600037341L"),
        scope=["property"],
        started_on=datetime.date(2026, 1, 1),
        ended_on=datetime.date(2028, 12, 31),
        fee_per_m2_month=Decimal("0.55"),
        market_terms_from=datetime.date(2027, 1, 1),
    )
    fees.fee_bills_issue(contract=contract, year=2027, month=1)
    bill = FeeBill.objects.get(owner=owners[0])
    return {
        "fee_payment": fees.fee_payment_record(
            bill=bill, paid_on=datetime.date(2027, 1, 20), amount=bill.amount, user=staff_user
        ),
        "owner": owners[0],
        "meeting": meeting,
        "@meeting": meeting,
        "sheet": sheets[0],
        "committee": committee.committee_elect(
            elected_on=datetime.date(2026, 11, 21),
            people=owners,
            term_ends_on=datetime.date(2031, 11, 20),
        ),
        "document": committee.document_adopt(
            kind="covenant", adopted_by=covenant, text="管理规约第一版", user=staff_user
        ),
        "contract": contract,
        "bill": bill,
    }


def _organisation_and_registers(staff_user):
    """A recruitment round with an applicant, a residents' group, and a facility, a fire
    inspection and a police incident of other units than the department user's."""
    committee = Organisation.objects.create(name="居委会", kind="committee")
    post = Post.objects.create(organisation=committee, kind="cadre", title="社区干部")
    rnd = RecruitmentRound.objects.create(
        title="招聘",
        announced_on=datetime.date(2019, 6, 1),
        recruitment_date=datetime.date(2019, 7, 1),
        places=5,
    )
    rnd.posts.add(post)
    inspection = FireInspection.objects.create(
        premises="综合市场",
        unit=Department.objects.get(code="fire-brigade"),
        inspected_on=datetime.date(2026, 1, 1),
        inspected_by=staff_user,
        findings="合格",
        result="passed",
    )
    inspection.evidence.save("e.txt", ContentFile(b"evidence"))
    return {
        "round": rnd,
        "applicant": Applicant.objects.create(
            round=rnd,
            name="甲",
            id_number="360735199001010011",
            birth_date=datetime.date(1990, 1, 1),
        ),
        "group": ResidentGroup.objects.create(number=1, name="第一居民小组"),
        "facility": Facility.objects.create(
            kind="clinic", name="卫生室", owner_unit=Department.objects.get(code="health")
        ),
        "inspection": inspection,
        "incident": PoliceIncident.objects.create(
            kind="traffic",
            occurred_at=timezone.now(),
            place="门口",
            description="剐蹭",
            unit=Department.objects.get(code="qinjiang-police"),
            recorded_by=staff_user,
        ),
    }


def _url(name, pk, extra, world):
    kwargs = {PK_KWARG.get(name, "pk"): pk}
    for key, value in extra.items():
        kwargs[key] = world[value].pk if value.startswith("@") else value
    return reverse(name, kwargs=kwargs)


def _visible(client, obj, readers, world):
    """Whether one of the read views shows the object (a reader may name another object of
    the world that shows it: an accountability record is shown on its task's page)."""
    for reader in readers:
        name, extra, via = (
            (reader + (None,))[:3] if isinstance(reader, tuple) else (reader, {}, None)
        )
        pk = world[via].pk if via else obj.pk
        if client.get(_url(name, pk, extra, world)).status_code == 200:
            return True
    return False


def _length_class(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return len(body) // 64


@pytest.mark.parametrize("persona", PERSONAS)
def test_an_object_out_of_scope_answers_like_a_missing_one(request, client_for, persona, world):
    client = client_for(request.getfixturevalue(persona))
    checked, leaks = 0, []
    for name, (key, extra, readers) in OBJECT_OF.items():
        obj = world[key]
        url = _url(name, obj.pk, extra, world)
        existing = client.get(url)
        if existing.status_code == 200 or _visible(client, obj, readers, world):
            continue  # the persona sees this object: nothing to hide
        for method in ("get", "post"):
            with transaction.atomic():  # a refused POST writes nothing; rolled back anyway
                existing = getattr(client, method)(url)
                transaction.set_rollback(True)
            # the same URL once the object no longer exists (its pk moved away, rolled back)
            with transaction.atomic():
                type(obj).objects.filter(pk=obj.pk).update(**{obj._meta.pk.attname: obj.pk + 10**6})
                missing = getattr(client, method)(url)
                transaction.set_rollback(True)
            checked += 1
            got = (existing.status_code, _length_class(existing))
            want = (missing.status_code, _length_class(missing))
            if got != want:
                leaks.append(f"{method.upper()} {name}: existing {got} != missing {want}")
    assert leaks == [], persona + "\n" + "\n".join(leaks)
    if persona in ("leader_a", "department_user", "outsider"):
        assert checked >= 10  # the world really holds objects out of their scope
