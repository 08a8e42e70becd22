"""A realistic demo community for ``seed_demo``: buildings, dwellings, households, people
with valid Shicheng ID numbers, and one account per role.

Everything is made with a seeded random generator, so two runs produce the same community,
and streamed to the database in batches (``core.bulkload``: ``COPY`` on PostgreSQL,
``bulk_create`` elsewhere), so ``--households 250000`` is practical.
"""

import datetime
import itertools
import math
import random
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from buildings.models import Building, BuildingLeaderTerm, Dwelling
from community.models import Department, UserProfile
from community.roles import Role
from core.bulkload import BulkWriter, loading
from core.idnumbers import make_id_number
from households.models import (
    Education,
    Health,
    Household,
    HukouStatus,
    LabourCapacity,
    Person,
    PovertyCause,
    PovertyStatus,
    Relationship,
    SchoolStatus,
    TrainingWillingness,
)

NUMBER_PREFIX = "SC"  # household numbers SC0000001…: marks the demo community
DWELLINGS_PER_BUILDING = 36  # 6 floors × 3 entrances × 2 rooms
OCCUPANCY = 0.93  # about 7 % of the flats are not allocated (yet): 1,000 households → 30 buildings
BATCH = 5000  # progress is reported every BATCH households
DEMO_PASSWORD = "tongluowan2019"

TOWNS = {
    "小松镇": ["丹溪村", "桐江村", "罗源村", "长乐村"],
    "屏山镇": ["长溪村", "河坑村", "万福村", "金华村"],
    "横江镇": ["头坡村", "梅福村", "友联村", "青龙村"],
    "高田镇": ["胜江村", "岩坑村", "堪田村", "赤江村"],
    "木兰乡": ["小姑村", "陈联村", "南坑村"],
    "丰山乡": ["丰山村", "江坑村", "新坊村"],
    "大由乡": ["大由村", "兰田村", "伍坑村"],
    "龙岗乡": ["龙岗村", "杨坊村", "栋下村"],
    "珠坑乡": ["珠坑村", "坳背村", "田江村"],
    "琴江镇": ["大畲村", "沔坊村", "李腊石村"],
}
SURNAMES = "温赖黄刘陈李张曾邱谢罗熊吴杨廖钟许朱胡郑".strip()
GIVEN_M = "建华明国平伟志强军文辉林斌勇海荣福春生德金祥兴永东发"
GIVEN_F = "秀英兰芳梅珍丽华玉凤琴霞红燕萍娟婷敏莲桂香娇妹群"

HISTORY_REASON = "演示数据"
AREA_CHOICES = ["50.00", "75.00", "100.00", "125.00"]
AREAS = {a: Decimal(a) for a in AREA_CHOICES}
OCCUPIED = Dwelling.AllocationState.OCCUPIED
BLOOD_RELATIONS = (
    Relationship.HEAD,
    Relationship.SON,
    Relationship.DAUGHTER,
    Relationship.GRANDCHILD,
)
DWELLING_FIELDS = [
    "building_id",
    "entrance",
    "floor",
    "room",
    "area",
    "allocation_state",
    "title_state",
]
HOUSEHOLD_FIELDS = [
    "number",
    "dwelling_id",
    "origin_town",
    "origin_village",
    "move_in_date",
    "poverty_status",
    "main_cause",
    "secondary_causes",
    "phone",
]
PERSON_FIELDS = [
    "household_id",
    "relationship",
    "name",
    "id_number",
    "sex",
    "birth_date",
    "education",
    "school_status",
    "health",
    "disability_certificate",
    "labour_capacity",
    "training_willingness",
    "months_worked",
    "phone",
    "hukou_status",
]

# Enumeration values, read once (``TextChoices.values`` builds a new list on every call).
TITLE_STATES = list(Dwelling.TitleState.values)
POVERTY_STATUSES = list(PovertyStatus.values)
POVERTY_CAUSES = list(PovertyCause.values)
HEALTH_VALUES = list(Health.values)
HUKOU_STATUSES = list(HukouStatus.values)
SKILLS = [LabourCapacity.ORDINARY, LabourCapacity.SKILLED]


def _cumulative(*weights):
    """``random.choices`` with these cumulative weights draws exactly what it draws with the
    weights (it accumulates them itself), without adding them up on every call."""
    return list(itertools.accumulate(weights))


POVERTY_WEIGHTS = _cumulative(80, 15, 5)
EDUCATION_WEIGHTS = _cumulative(10, 30, 35, 12, 8, 5)
OLD_EDUCATION_WEIGHTS = _cumulative(45, 40, 12, 3, 0, 0)
HEALTH_WEIGHTS = _cumulative(82, 10, 3, 5)
SKILL_WEIGHTS = _cumulative(80, 20)
HUKOU_WEIGHTS = _cumulative(55, 40, 5)

# (username, display name, role, department code or None, building index or None)
DEMO_ACCOUNTS = [
    ("admin", "系统管理员", Role.ADMINISTRATOR, None, None),
    ("staff", "温晓敏（社区干部）", Role.STAFF, None, None),
    ("leader1", "1栋楼长", Role.BUILDING_LEADER, None, 0),
    ("leader2", "2栋楼长", Role.BUILDING_LEADER, None, 1),
    ("renshe", "县人社局经办人", Role.DEPARTMENT, "human-resources", None),
    ("jiaoyu", "县教科体局经办人", Role.DEPARTMENT, "education", None),
    ("minzheng", "县民政局经办人", Role.DEPARTMENT, "civil-affairs", None),
    ("fupin", "县扶贫办督导", Role.SUPERVISOR, "poverty-office", None),
    # One user for each other unit that downloads a report (services/reports).
    ("gongan", "县公安局经办人", Role.DEPARTMENT, "public-security", None),
    ("paichusuo", "琴江镇派出所经办人", Role.DEPARTMENT, "qinjiang-police", None),
    ("yibao", "县医保局经办人", Role.DEPARTMENT, "medical-insurance", None),
    ("weijian", "县卫健委经办人", Role.DEPARTMENT, "health", None),
    ("ziranziyuan", "县自然资源局经办人", Role.DEPARTMENT, "natural-resources", None),
    ("linye", "县林业局经办人", Role.DEPARTMENT, "forestry", None),
    ("zhixiao", "县职业学校经办人", Role.DEPARTMENT, "vocational-school", None),
    ("fulian", "县妇联经办人", Role.DEPARTMENT, "womens-federation", None),
    ("canlian", "县残联经办人", Role.DEPARTMENT, "disabled-federation", None),
    ("qinjiang", "琴江镇人民政府经办人", Role.SUPERVISOR, "qinjiang-town", None),
]


def demo_exists() -> bool:
    return Household.objects.filter(number__startswith=NUMBER_PREFIX).exists()


def seed_registry(
    *, households: int, rng: random.Random, stdout=None, history: bool = True
) -> dict:
    """Create buildings, dwellings, households and people. Returns counts.

    The rows are made one by one from the seeded generator and streamed to the database
    in batches (``core.bulkload``: ``COPY`` on PostgreSQL, the tables' keys and indexes
    made again after the load), so memory stays flat. Runs inside a transaction."""
    with loading(Building, Dwelling, Household, Person):
        return _seed_registry(households=households, rng=rng, stdout=stdout, history=history)


def _seed_registry(*, households, rng, stdout, history):
    area = settings.DEMO_AREA_CODE
    reason = HISTORY_REASON if history else None
    n_buildings = max(1, math.ceil(households / (DWELLINGS_PER_BUILDING * OCCUPANCY)))
    with BulkWriter(
        Building, ["code", "name", "floors", "entrances", "address"], history_reason=reason
    ) as writer:
        building_pks = [
            writer.add(
                code=f"{i + 1:02d}" if n_buildings < 100 else f"{i + 1:04d}",
                name=f"{i + 1}栋",
                floors=6,
                entrances=3,
                address=f"铜锣湾社区{i + 1}栋",
            )
            for i in range(n_buildings)
        ]

    # [building pk, entrance, floor, room, area, allocation state, title state]
    dwellings = []
    for building_pk in building_pks:
        for entrance in (1, 2, 3):
            for floor in range(1, 7):
                for pos in (1, 2):
                    dwellings.append(
                        [
                            building_pk,
                            entrance,
                            floor,
                            f"{floor}0{pos}",
                            AREAS[rng.choice(AREA_CHOICES)],
                            OCCUPIED,
                            rng.choice(TITLE_STATES),
                        ]
                    )
    # Spread the vacant flats over the community; households take the others in order.
    vacant = set(rng.sample(range(len(dwellings)), len(dwellings) - households))
    for index in vacant:
        dwellings[index][5] = Dwelling.AllocationState.VACANT
        dwellings[index][6] = Dwelling.TitleState.NONE
    occupied = [d for index, d in enumerate(dwellings) if index not in vacant]
    sizes = rng.choices(
        [1, 2, 3, 4, 5, 6], cum_weights=_cumulative(4, 10, 20, 30, 22, 14), k=households
    )
    for dwelling, size in zip(occupied, sizes, strict=True):
        if size * 25 < dwelling[4] and rng.random() < 0.97:
            # Allocation follows the 25 m² per person red line for almost everyone.
            dwelling[4] = Decimal(min(125, 25 * size))
    del occupied
    occupied_pks = []
    with BulkWriter(Dwelling, DWELLING_FIELDS, history_reason=reason) as writer:
        for building_pk, entrance, floor, room, area_m2, state, title in dwellings:
            pk = writer.add(
                building_id=building_pk,
                entrance=entrance,
                floor=floor,
                room=room,
                area=area_m2,
                allocation_state=state,
                title_state=title,
            )
            if state == OCCUPIED:
                occupied_pks.append(pk)
        n_dwellings = len(dwellings)
        del dwellings

    used_sequences: dict[datetime.date, int] = {}
    today = timezone.localdate()
    household_writer = BulkWriter(Household, HOUSEHOLD_FIELDS, history_reason=reason)
    person_writer = BulkWriter(Person, PERSON_FIELDS, history_reason=reason)
    for i in range(households):
        town = rng.choice(list(TOWNS))
        size = sizes[i]
        status = rng.choices(POVERTY_STATUSES, cum_weights=POVERTY_WEIGHTS)[0]
        main_cause = rng.choice(POVERTY_CAUSES)
        household_pk = household_writer.add(
            number=f"{NUMBER_PREFIX}{i + 1:07d}",
            dwelling_id=occupied_pks[i],
            origin_town=town,
            origin_village=rng.choice(TOWNS[town]),
            move_in_date=datetime.date(2018, 6, 1) + datetime.timedelta(days=rng.randrange(0, 580)),
            poverty_status=status,
            main_cause=main_cause,
            secondary_causes=rng.sample(
                [c for c in POVERTY_CAUSES if c != main_cause], k=rng.choice([0, 0, 1, 2])
            ),
            phone=f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
        )
        surname = rng.choice(SURNAMES)
        head_age = rng.randint(28, 75)
        members = [(Relationship.HEAD, head_age, rng.random() < 0.82)]
        if size >= 2:
            members.append(
                (Relationship.SPOUSE, max(20, head_age + rng.randint(-5, 3)), not members[0][2])
            )
        for _k in range(size - len(members)):
            if head_age > 45 and rng.random() < 0.5:
                members.append(
                    (
                        rng.choice([Relationship.SON, Relationship.DAUGHTER]),
                        rng.randint(16, head_age - 20),
                        None,
                    )
                )
            elif head_age > 55 and rng.random() < 0.5:
                members.append((Relationship.GRANDCHILD, rng.randint(0, 14), None))
            elif head_age < 60 and rng.random() < 0.2:
                members.append((Relationship.PARENT, min(95, head_age + rng.randint(22, 32)), None))
            else:
                members.append(
                    (
                        rng.choice([Relationship.SON, Relationship.DAUGHTER]),
                        rng.randint(0, max(0, min(17, head_age - 20))),
                        None,
                    )
                )
        for relationship, age, male in members:
            if male is None:
                male = relationship in (Relationship.SON,) or (
                    relationship != Relationship.DAUGHTER and rng.random() < 0.5
                )
            birth = today - datetime.timedelta(days=age * 365 + rng.randrange(0, 365))
            seq_base = used_sequences.get(birth, 0)
            used_sequences[birth] = seq_base + 1
            sequence = seq_base * 2 + (1 if male else 0)
            if sequence > 999:
                birth -= datetime.timedelta(days=1)
                seq_base = used_sequences.get(birth, 0)
                used_sequences[birth] = seq_base + 1
                sequence = seq_base * 2 + (1 if male else 0)
            given = rng.choice(GIVEN_M if male else GIVEN_F)
            if rng.random() < 0.6:
                given += rng.choice(GIVEN_M if male else GIVEN_F)
            person_writer.add(
                **_person(
                    rng,
                    household_pk,
                    relationship,
                    surname if relationship in BLOOD_RELATIONS else rng.choice(SURNAMES),
                    given,
                    male,
                    birth,
                    age,
                    area,
                    sequence,
                )
            )
        if (i + 1) % BATCH == 0 and stdout is not None:
            stdout.write(f"  {i + 1} households…")
    household_writer.close()
    person_count = person_writer.close()
    return {
        "buildings": len(building_pks),
        "dwellings": n_dwellings,
        "households": households,
        "people": person_count,
    }


# Shicheng County's code before 1998 (GB/T 2260): a number keeps the code of its first issue,
# so most people born before 1998 still carry it; a few were issued a new number later.
OLD_AREA_CODE = {"360735": "362137"}


def _area_of_first_issue(area: str, birth: datetime.date, sequence: int) -> str:
    """About six in seven people born before 1998 keep the county's old code (chosen from
    the birth date and sequence, so the seed's random stream is unchanged)."""
    old = OLD_AREA_CODE.get(area)
    if old and birth.year < 1998 and (birth.toordinal() + sequence) % 7:
        return old
    return area


def _person(rng, household_pk, relationship, surname, given, male, birth, age, area, sequence):
    if age < 3:
        school, education = SchoolStatus.NOT_IN_SCHOOL, ""
    elif age < 6:
        school, education = SchoolStatus.PRESCHOOL, Education.PRESCHOOL
    elif age < 12:
        school, education = SchoolStatus.PRIMARY, Education.PRIMARY
    elif age < 15:
        school, education = SchoolStatus.JUNIOR, Education.PRIMARY
    elif age < 18:
        school = rng.choice(
            [SchoolStatus.SENIOR, SchoolStatus.VOCATIONAL, SchoolStatus.NOT_IN_SCHOOL]
        )
        education = Education.JUNIOR
    elif age < 22 and rng.random() < 0.3:
        school, education = SchoolStatus.COLLEGE, Education.SENIOR
    else:
        school = SchoolStatus.NOT_IN_SCHOOL
        education = rng.choices(
            [
                Education.NONE,
                Education.PRIMARY,
                Education.JUNIOR,
                Education.SENIOR,
                Education.VOCATIONAL,
                Education.COLLEGE,
            ],
            cum_weights=EDUCATION_WEIGHTS if age < 60 else OLD_EDUCATION_WEIGHTS,
        )[0]
    health = rng.choices(HEALTH_VALUES, cum_weights=HEALTH_WEIGHTS)[0]
    if age < 16 or school != SchoolStatus.NOT_IN_SCHOOL:
        capacity = LabourCapacity.NONE
    elif health == Health.DISABLED or age >= 75:
        capacity = rng.choice([LabourCapacity.LOST, LabourCapacity.NONE])
    elif age >= 60 or health != Health.HEALTHY:
        capacity = LabourCapacity.WEAK
    else:
        capacity = rng.choices(SKILLS, cum_weights=SKILL_WEIGHTS)[0]
    able = capacity in LabourCapacity.able()
    id_number = make_id_number(_area_of_first_issue(area, birth, sequence), birth, sequence)
    return dict(
        household_id=household_pk,
        relationship=relationship,
        name=surname + given,
        id_number=id_number,
        sex="M" if male else "F",
        birth_date=birth,
        education=education,
        school_status=school,
        health=health,
        disability_certificate=(id_number + f"{rng.randint(1, 7)}{rng.randint(1, 4)}")
        if health == Health.DISABLED
        else "",
        labour_capacity=capacity,
        training_willingness=rng.choice(
            [
                TrainingWillingness.WILLING,
                TrainingWillingness.WILLING,
                TrainingWillingness.UNWILLING,
                TrainingWillingness.UNKNOWN,
            ]
        )
        if able and age < 60
        else TrainingWillingness.UNKNOWN,
        months_worked=rng.choice([0, 3, 6, 9, 12]) if able else 0,
        phone=f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"
        if 18 <= age < 70 and rng.random() < 0.7
        else "",
        hukou_status=rng.choices(HUKOU_STATUSES, cum_weights=HUKOU_WEIGHTS)[0],
    )


@transaction.atomic
def seed_accounts(*, stdout=None) -> list[str]:
    """One account per role (get-or-create: a second run changes nothing)."""
    User = get_user_model()
    buildings = list(Building.objects.order_by("code")[:2])
    created = []
    for username, display, role, dept_code, building_index in DEMO_ACCOUNTS:
        user, is_new = User.objects.get_or_create(
            username=username,
            defaults={
                "is_staff": role == Role.ADMINISTRATOR,
                "is_superuser": role == Role.ADMINISTRATOR,
            },
        )
        if is_new:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            created.append(username)
        user.groups.add(Group.objects.get(name=role.value))
        department = Department.objects.get(code=dept_code) if dept_code else None
        UserProfile.objects.update_or_create(
            user=user, defaults={"display_name": display, "department": department}
        )
        if building_index is not None and building_index < len(buildings):
            building = buildings[building_index]
            if not BuildingLeaderTerm.objects.filter(
                building=building, ended_on__isnull=True
            ).exists():
                resident = (
                    Person.objects.filter(
                        household__dwelling__building=building,
                        relationship=Relationship.HEAD,
                        is_active=True,
                    )
                    .order_by("pk")
                    .first()
                )
                BuildingLeaderTerm.objects.create(
                    building=building,
                    user=user,
                    person=resident,
                    elected_on=datetime.date(2019, 7, 1),
                    started_on=datetime.date(2019, 7, 1),
                )
    return created
