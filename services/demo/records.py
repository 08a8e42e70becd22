"""Obligation records for the demo community (``DEMO_SEEDERS``): realistic coverage with
gaps the obligation rules should find — a few people uninsured, children waiting and one
refused, trainings late, households with labour capacity and nobody employed, lapsed
residence permits, 低保 not converted after the hukou moved.

Streamed to the database in batches (``core.bulkload``: ``COPY`` on PostgreSQL), with a
"created" history row each up to ``HISTORY_LIMIT`` households, so large demos stay fast.
"""

import datetime
import functools
import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils import timezone, translation

from community.models import Department
from core.bulkload import BulkWriter, loading
from core.idnumbers import age_on
from households.demo.registry import NUMBER_PREFIX
from households.models import (
    Health,
    Household,
    HukouStatus,
    LabourCapacity,
    Person,
    PovertyStatus,
    Relationship,
    SchoolStatus,
    TrainingWillingness,
)
from services.records.base import Place, months_before, years_after
from services.records.models import (
    Allowance,
    Employment,
    FamilyPlanningRecord,
    HukouMigration,
    LandHolding,
    LandRightEvent,
    MedicalInsurance,
    PensionEnrolment,
    ResidencePermit,
    SchoolEnrolment,
    Training,
)

HISTORY_LIMIT = 20000  # households; as seed_demo does for the registry
REASON = "演示数据"
COURSES = [
    ("电工", "县职业学校"),
    ("家政服务", "县人社局就业培训中心"),
    ("中式烹调", "县职业学校"),
    ("电子商务", "县人社局就业培训中心"),
    ("挖掘机操作", "石城县技工培训中心"),
    ("育婴员", "县妇联巾帼培训基地"),
    ("服装缝纫", "工业园区企业培训部"),
]
EMPLOYERS = {
    Employment.Kind.LOCAL_FIRM: ["石城县宏达建材有限公司", "琴江镇农贸市场", "石城县白莲食品厂"],
    Employment.Kind.INDUSTRIAL_PARK: [
        "石城工业园区鞋业公司",
        "石城工业园区电子厂",
        "工业园区服装扶贫车间",
    ],
    Employment.Kind.PUBLIC_WELFARE: ["社区保洁公益岗", "社区治安巡逻公益岗", "护林员公益岗"],
    Employment.Kind.SELF_EMPLOYED: [
        "个体经营（小吃店）",
        "个体经营（电动车维修）",
        "个体经营（种养殖）",
    ],
    Employment.Kind.MIGRANT: ["广东东莞务工", "福建厦门务工", "浙江义乌务工"],
}


@functools.lru_cache(maxsize=8192)
def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


RECORDED = ["recorded_unit_id", "recorded_at"]
FIELDS = {  # the columns each demo record gives; the others take their defaults
    MedicalInsurance: ["person_id", "year", "place", "transfer_done", *RECORDED],
    SchoolEnrolment: [
        "person_id",
        "school",
        "grade",
        "status",
        "started_on",
        "reason",
        "escalated_at",
        *RECORDED,
    ],
    Training: ["person_id", "course", "provider", "started_on", "ended_on", "certificate"]
    + RECORDED,
    Employment: ["person_id", "employer", "kind", "started_on", "monthly_income", *RECORDED],
    PensionEnrolment: ["person_id", "scheme", "place", "enrolled_on", *RECORDED],
    HukouMigration: ["person_id", "status", "applied_on", "completed_on", *RECORDED],
    ResidencePermit: [
        "person_id",
        "number",
        "issued_on",
        "valid_until",
        "last_endorsed_on",
        *RECORDED,
    ],
    Allowance: [
        "household_id",
        "person_id",
        "kind",
        "started_on",
        "ended_on",
        "monthly_amount",
        "converted_from_id",
        *RECORDED,
    ],
    FamilyPlanningRecord: ["household_id", "kept_at", "status", "checked_on", *RECORDED],
    LandHolding: [
        "household_id",
        "kind",
        "location",
        "area_mu",
        "contract_number",
        *RECORDED,
    ],
    LandRightEvent: [
        "holding_id",
        "kind",
        "happened_on",
        "counterparty",
        "income",
        "notice_given_on",
        *RECORDED,
    ],
}
ABLE = frozenset(LabourCapacity.able())
# Cumulative weights: ``random.choices`` draws exactly what it draws with the weights.
KIND_WEIGHTS = list(itertools.accumulate([25, 25, 10, 10, 30]))
EMPLOYING_UNITS = ["human-resources", "poverty-office", "townships"]
EMPLOYING_UNIT_WEIGHTS = list(itertools.accumulate([80, 10, 10]))
PLANNING_STATUSES = list(FamilyPlanningRecord.Status)
PLANNING_WEIGHTS = list(itertools.accumulate([88, 8, 4]))


@dataclass
class _Sink:
    stdout: object
    history: bool  # a "created" history row per record (skipped for very large demos)
    first_chunk: bool = True  # the few special cases (waiting pupils, a refusal) go here
    permits: int = 0  # residence permits numbered so far
    writers: dict = field(default_factory=dict)  # {model: BulkWriter}

    def __post_init__(self):
        reason = REASON if self.history else None
        self.writers = {
            model: BulkWriter(model, fields, history_reason=reason)
            for model, fields in FIELDS.items()
        }

    def add(self, model, **values) -> int:
        return self.writers[model].add(**values)


class _Person:
    """The columns of a person the demo records are made from (no model instances)."""

    COLUMNS = (
        "pk",
        "household_id",
        "relationship",
        "sex",
        "birth_date",
        "school_status",
        "health",
        "labour_capacity",
        "training_willingness",
        "hukou_status",
        "household__move_in_date",
        "household__poverty_status",
    )
    __slots__ = (*COLUMNS[:-2], "move_in", "poverty", "is_head")

    def __init__(self, row):
        (
            self.pk,
            self.household_id,
            self.relationship,
            self.sex,
            self.birth_date,
            self.school_status,
            self.health,
            self.labour_capacity,
            self.training_willingness,
            self.hukou_status,
            self.move_in,
            self.poverty,
        ) = row
        self.is_head = self.relationship == Relationship.HEAD


# Households per pass: the records of a county-sized demo are made and written a chunk of
# households at a time, so memory stays flat whatever the size of the registry.
CHUNK = 5000


def seed_records(*, rng, stdout=None):
    """Create every kind of record for the demo households (run once, by seed_demo, inside
    its transaction)."""
    with loading(*FIELDS):
        _seed_records(rng=rng, stdout=stdout)


def _seed_records(*, rng, stdout):
    today = timezone.localdate()
    units = dict(Department.objects.values_list("code", "pk"))
    ids = list(
        Household.objects.filter(number__startswith=NUMBER_PREFIX)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    sink = _Sink(stdout=stdout, history=len(ids) <= HISTORY_LIMIT)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        people = [
            _Person(row)
            for row in Person.objects.filter(
                household_id__gte=chunk[0], household_id__lte=chunk[-1], is_active=True
            )
            .filter(household__number__startswith=NUMBER_PREFIX)
            .order_by("household_id", "relationship", "pk")
            .values_list(*_Person.COLUMNS)
        ]
        households: dict[int, list[Person]] = {}
        for p in people:
            households.setdefault(p.household_id, []).append(p)
        _insurance(rng, people, today, units, sink)
        _schools(rng, people, today, units, sink)
        _trainings(rng, people, today, units, sink)
        _employment(rng, households, today, units, sink)
        _pensions(rng, people, today, units, sink)
        _hukou_and_permits(rng, people, today, units, sink)
        _allowances(rng, households, today, units, sink)
        _family_planning_and_land(rng, households, today, units, sink)
        sink.first_chunk = False
    written = {model: writer.close() for model, writer in sink.writers.items()}
    if stdout is not None:
        for model, rows in written.items():
            stdout.write(f"  {rows} {model._meta.verbose_name_plural}")


def _insurance(rng, people, today, units, sink):
    for p in people:
        for year, share in ((today.year, 0.93), (today.year - 1, 0.9)):
            if rng.random() < share:
                place = (
                    Place.QINJIANG
                    if p.hukou_status == HukouStatus.MOVED or rng.random() < 0.4
                    else Place.ORIGIN
                )
                sink.add(
                    MedicalInsurance,
                    person_id=p.pk,
                    year=year,
                    place=place,
                    transfer_done=place == Place.QINJIANG and rng.random() < 0.9,
                    recorded_unit_id=units["medical-insurance"],
                    recorded_at=_at(datetime.date(year, 1, 15)),
                )


def _schools(rng, people, today, units, sink):
    pupils = [p for p in people if 6 <= age_on(p.birth_date, today) <= 15]
    waiting, refused = set(), None
    if sink.first_chunk:
        waiting = set(rng.sample(range(len(pupils)), k=min(2, len(pupils))))
        refused = (
            next((i for i in range(len(pupils)) if i not in waiting), None)
            if len(pupils) > 3
            else None
        )
    term_start = datetime.date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    for i, p in enumerate(pupils):
        age = age_on(p.birth_date, today)
        primary = age <= 11
        school = rng.choice(["铜锣湾小学", "琴江镇中心小学"]) if primary else "石城县第二中学"
        grade = f"{min(age - 5, 9)}年级"
        status, reason, escalated = SchoolEnrolment.Status.ENROLLED, "", None
        if i in waiting:
            status, reason = SchoolEnrolment.Status.WAITING, "学位已满，等待扩容"
        elif i == refused:
            status, reason, escalated = (
                SchoolEnrolment.Status.REFUSED,
                "学校称非本校学区",
                timezone.now(),
            )
        elif rng.random() < 0.05:
            continue  # not yet recorded: the rules find these
        sink.add(
            SchoolEnrolment,
            person_id=p.pk,
            school=school,
            grade=grade,
            status=status,
            started_on=term_start
            if status != SchoolEnrolment.Status.ENROLLED
            else max(p.move_in, datetime.date(p.birth_date.year + (6 if primary else 12), 9, 1)),
            reason=reason,
            escalated_at=escalated,
            recorded_unit_id=units["education"],
            recorded_at=_at(term_start),
        )


def _trainings(rng, people, today, units, sink):
    willing = [
        p
        for p in people
        if p.training_willingness == TrainingWillingness.WILLING and p.labour_capacity in ABLE
    ]
    for p in willing:
        if rng.random() >= 0.5 or p.move_in is None:
            continue
        offset = rng.randint(20, 330) if rng.random() < 0.7 else rng.randint(400, 720)  # some late
        start = min(p.move_in + datetime.timedelta(days=offset), today)
        course, provider = rng.choice(COURSES)
        sink.add(
            Training,
            person_id=p.pk,
            course=course,
            provider=provider,
            started_on=start,
            ended_on=start + datetime.timedelta(days=rng.randint(7, 30)),
            certificate=f"{course}（初级）合格证" if rng.random() < 0.6 else "",
            recorded_unit_id=units[
                "vocational-school" if provider == "县职业学校" else "human-resources"
            ],
            recorded_at=_at(start),
        )


def _employment(rng, households, today, units, sink):
    kinds = list(EMPLOYERS)
    for members in households.values():
        able = [
            p
            for p in members
            if p.labour_capacity in ABLE
            and p.school_status == SchoolStatus.NOT_IN_SCHOOL
            and age_on(p.birth_date, today) >= 16
        ]
        if not able or rng.random() < 0.065:
            continue  # about 6–7 % of households with labour capacity: nobody employed
        employed = [p for p in able if age_on(p.birth_date, today) < 65 and rng.random() < 0.7] or [
            rng.choice(able)
        ]
        for p in employed:
            kind = rng.choices(kinds, cum_weights=KIND_WEIGHTS)[0]
            start = (p.move_in or datetime.date(2019, 1, 1)) + datetime.timedelta(
                days=rng.randint(10, 400)
            )
            sink.add(
                Employment,
                person_id=p.pk,
                employer=rng.choice(EMPLOYERS[kind]),
                kind=kind,
                started_on=min(start, today),
                monthly_income=Decimal(rng.randrange(1500, 5200, 100)),
                recorded_unit_id=units[
                    rng.choices(EMPLOYING_UNITS, cum_weights=EMPLOYING_UNIT_WEIGHTS)[0]
                ],
                recorded_at=_at(min(start, today)),
            )


def _pensions(rng, people, today, units, sink):
    for p in people:
        if (
            age_on(p.birth_date, today) < 16
            or p.school_status != SchoolStatus.NOT_IN_SCHOOL
            or rng.random() >= 0.85
        ):
            continue
        sixteen = years_after(p.birth_date, 16)
        enrolled = max(p.move_in or datetime.date(2019, 1, 1), sixteen) + datetime.timedelta(
            days=rng.randint(0, 200)
        )
        enrolled = min(enrolled, today)
        if age_on(p.birth_date, enrolled) < 16:
            continue
        sink.add(
            PensionEnrolment,
            person_id=p.pk,
            scheme=PensionEnrolment.Scheme.EMPLOYEE
            if rng.random() < 0.05
            else PensionEnrolment.Scheme.RESIDENT,
            place=Place.QINJIANG
            if p.hukou_status == HukouStatus.MOVED
            else rng.choice([Place.QINJIANG, Place.ORIGIN]),
            enrolled_on=enrolled,
            recorded_unit_id=units["civil-affairs" if rng.random() < 0.8 else "townships"],
            recorded_at=_at(enrolled),
        )


def _hukou_and_permits(rng, people, today, units, sink):
    police = [units["public-security"], units["qinjiang-police"]]
    for p in people:
        move_in = p.move_in or datetime.date(2019, 1, 1)
        if p.hukou_status == HukouStatus.MOVED:
            applied = move_in + datetime.timedelta(days=rng.randint(10, 200))
            sink.add(
                HukouMigration,
                person_id=p.pk,
                status=HukouMigration.Status.MOVED,
                applied_on=applied,
                completed_on=applied + datetime.timedelta(days=rng.randint(5, 40)),
                recorded_unit_id=rng.choice(police),
                recorded_at=_at(applied),
            )
        elif p.hukou_status == HukouStatus.IN_PROGRESS:
            applied = today - datetime.timedelta(days=rng.randint(5, 60))
            sink.add(
                HukouMigration,
                person_id=p.pk,
                status=HukouMigration.Status.IN_PROGRESS,
                applied_on=applied,
                completed_on=None,
                recorded_unit_id=rng.choice(police),
                recorded_at=_at(applied),
            )
        elif age_on(p.birth_date, today) >= 16 and rng.random() < 0.6:
            # Kept at origin: a residence permit after six months' residence, most kept up.
            issued = move_in + datetime.timedelta(days=rng.randint(185, 420))
            due = years_after(issued)
            while due <= today:
                due = years_after(due)
            if rng.random() < 0.12 and months_before(due, 12) > issued:
                due = months_before(due, 12)  # endorsement missed: suspended since then
            previous_due = months_before(due, 12)
            last = (
                previous_due - datetime.timedelta(days=rng.randint(0, 25))
                if previous_due > issued
                else None
            )
            sink.permits += 1
            sink.add(
                ResidencePermit,
                person_id=p.pk,
                number=f"JZ360735{sink.permits:08d}",
                issued_on=issued,
                valid_until=due,
                last_endorsed_on=last,
                recorded_unit_id=rng.choice(police),
                recorded_at=_at(issued),
            )


def _allowances(rng, households, today, units, sink):
    first, converted = [], []  # the chunk's allowances (dicts of columns), written at the end
    civil = units["civil-affairs"]
    for members in households.values():
        head = members[0]
        move_in = head.move_in or datetime.date(2019, 1, 1)
        if head.poverty == PovertyStatus.DIBAO:
            rural = _allowance(
                household_id=head.household_id,
                kind=Allowance.Kind.DIBAO_RURAL,
                started_on=move_in - datetime.timedelta(days=rng.randint(100, 900)),
                monthly_amount=Decimal(rng.randrange(450, 700, 10)),
                recorded_unit_id=units["townships"],
                recorded_at=_at(move_in),
            )
            first.append(rural)
            if any(p.hukou_status == HukouStatus.MOVED for p in members) and rng.random() < 0.85:
                converted.append((rural, move_in + datetime.timedelta(days=rng.randint(200, 500))))
        elif head.poverty == PovertyStatus.TEKUN:
            first.append(
                _allowance(
                    household_id=head.household_id,
                    kind=Allowance.Kind.TEKUN,
                    started_on=move_in - datetime.timedelta(days=rng.randint(100, 900)),
                    monthly_amount=Decimal(rng.randrange(700, 1000, 10)),
                    recorded_unit_id=civil,
                    recorded_at=_at(move_in),
                )
            )
        for p in members:
            if p.health == Health.DISABLED and rng.random() < 0.6:
                first.append(
                    _allowance(
                        household_id=p.household_id,
                        person_id=p.pk,
                        kind=Allowance.Kind.DISABILITY,
                        started_on=move_in,
                        monthly_amount=Decimal(rng.choice([80, 100, 120])),
                        recorded_unit_id=units["disabled-federation"],
                        recorded_at=_at(move_in),
                    )
                )
            elif (
                p.sex == "F"
                and p.is_head
                and head.poverty != PovertyStatus.GENERAL
                and rng.random() < 0.5
            ):
                first.append(
                    _allowance(
                        household_id=p.household_id,
                        person_id=p.pk,
                        kind=Allowance.Kind.WOMEN,
                        started_on=move_in + datetime.timedelta(days=rng.randint(30, 300)),
                        monthly_amount=Decimal(rng.choice([100, 150, 200])),
                        recorded_unit_id=units["womens-federation"],
                        recorded_at=_at(move_in),
                    )
                )
    for rural, on in converted:
        rural["ended_on"] = on - datetime.timedelta(days=1)
    pks = {id(row): sink.add(Allowance, **row) for row in first}
    for rural, on in converted:
        sink.add(
            Allowance,
            **_allowance(
                household_id=rural["household_id"],
                kind=Allowance.Kind.DIBAO_URBAN,
                started_on=on,
                monthly_amount=rural["monthly_amount"] + Decimal(rng.randrange(100, 250, 10)),
                converted_from_id=pks[id(rural)],
                recorded_unit_id=civil,
                recorded_at=_at(on),
            ),
        )


def _allowance(*, person_id=None, ended_on=None, converted_from_id=None, **values) -> dict:
    return {
        **values,
        "person_id": person_id,
        "ended_on": ended_on,
        "converted_from_id": converted_from_id,
    }


def _family_planning_and_land(rng, households, today, units, sink):
    holdings = []  # (pk, recorded unit) of the chunk's holdings, for their events
    for hid, members in households.items():
        move_in = members[0].move_in or datetime.date(2019, 1, 1)
        if rng.random() < 0.85:
            status = rng.choices(PLANNING_STATUSES, cum_weights=PLANNING_WEIGHTS)[0]
            sink.add(
                FamilyPlanningRecord,
                household_id=hid,
                kept_at=Place.QINJIANG if rng.random() < 0.6 else Place.ORIGIN,
                status=status,
                checked_on=move_in + datetime.timedelta(days=rng.randint(30, 400)),
                recorded_unit_id=units["health" if rng.random() < 0.7 else "townships"],
                recorded_at=_at(move_in),
            )
        for kind, share, unit in (
            (LandHolding.Kind.FARMLAND, 0.8, "natural-resources"),
            (LandHolding.Kind.FOREST, 0.45, "forestry"),
        ):
            if rng.random() < share:
                pk = sink.add(
                    LandHolding,
                    household_id=hid,
                    kind=kind,
                    location=f"原籍{rng.choice(['山背', '河坑', '下垄', '岭头', '塘坑'])}组",
                    area_mu=Decimal(rng.randrange(50, 800)) / 100
                    if kind == LandHolding.Kind.FARMLAND
                    else Decimal(rng.randrange(200, 4000)) / 100,
                    contract_number=f"360735{rng.randrange(10**9):09d}J",
                    recorded_unit_id=units[unit],
                    recorded_at=_at(move_in),
                )
                holdings.append((pk, units[unit]))
    for holding_pk, unit in holdings:
        roll = rng.random()
        if roll >= 0.12:
            continue
        day = min(today, datetime.date(2020, 3, 1) + datetime.timedelta(days=rng.randint(0, 1500)))
        if roll < 0.07:
            kind, income, notice = (
                LandRightEvent.Kind.LEASE,
                Decimal(rng.randrange(300, 1500, 50)),
                None,
            )
        elif roll < 0.09:
            kind, income, notice = (
                LandRightEvent.Kind.SHARES,
                Decimal(rng.randrange(200, 800, 50)),
                None,
            )
        elif roll < 0.1:
            kind, income, notice = LandRightEvent.Kind.SWAP, None, None
        elif roll < 0.11:
            kind, income, notice = (
                LandRightEvent.Kind.WITHDRAWAL,
                Decimal(rng.randrange(3000, 12000, 100)),
                months_before(day, 7),
            )
        else:
            kind, income, notice = (
                LandRightEvent.Kind.EXPROPRIATION,
                Decimal(rng.randrange(8000, 30000, 500)),
                None,
            )
        sink.add(
            LandRightEvent,
            holding_id=holding_pk,
            kind=kind,
            happened_on=day,
            counterparty=rng.choice(
                ["石城县绿源农业合作社", "本组村民", "县城投公司", "原籍村集体经济组织"]
            ),
            income=income,
            notice_given_on=notice,
            recorded_unit_id=unit,
            recorded_at=_at(day),
        )


def notify_demo_refusals(*, stdout=None):
    """After the demo accounts exist: tell the education bureau and supervisors of each
    escalated refusal (idempotent: a user is told once per refusal)."""
    from core.notifications import already_told, notify_batch
    from services.records.services import refusal_recipients, refusal_text, refusal_url

    recipients = list(refusal_recipients().values_list("pk", flat=True))
    new = []
    refusals = SchoolEnrolment.objects.filter(
        status=SchoolEnrolment.Status.REFUSED, escalated_at__isnull=False
    )
    with translation.override(settings.LANGUAGE_CODE):
        for enrolment in refusals.select_related("person"):
            url = refusal_url(enrolment)
            told = already_told(url=url)
            new.append(([pk for pk in recipients if pk not in told], refusal_text(enrolment), url))
    written = notify_batch(new)
    if stdout is not None and written:
        stdout.write(f"  {written} refusal notifications")
