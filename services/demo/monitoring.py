"""Demo monitoring for ``seed_demo`` (``DEMO_ACCOUNT_SEEDERS``, after the leaders' field
work): a year of monitoring with cases at every step — one past the 15-day limit, one
monitored with help measures, one cleared — and department data alerts of each kind.
Every write goes through the same services as the pages. Does nothing when it ran before.
The thresholds are demo figures, marked so in their source."""

import datetime
import io
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from buildings.models import BuildingLeaderTerm
from community.models import Department, UserProfile
from community.roles import Role
from households.demo.registry import DEMO_PASSWORD
from households.fieldlogs.services import visit_create
from households.models import Health, Household, LabourCapacity, Person
from households.services import household_income_set, person_update
from services.monitoring import services as m
from services.monitoring.alerts import alerts_raise
from services.monitoring.models import IncomeThreshold, Source
from services.records.models import Allowance, Employment
from services.records.services import record_update

DEMO_THRESHOLD_SOURCE = "演示数据（非正式文件）"
THRESHOLDS = {2021: 6000, 2022: 6300, 2023: 6600, 2024: 6900, 2025: 7200, 2026: 7500}


def _scan():
    img = Image.new("RGB", (600, 800), "white")
    draw = ImageDraw.Draw(img)
    draw.rectangle((40, 40, 560, 760), outline="black", width=3)
    for y in range(120, 700, 40):
        draw.line((80, y, 520, y), fill="gray", width=1)
    out = io.BytesIO()
    img.save(out, format="JPEG")
    return SimpleUploadedFile("authorisation.jpg", out.getvalue(), content_type="image/jpeg")


def _town_user():
    user, created = get_user_model().objects.get_or_create(username="qinjiang")
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=Role.SUPERVISOR.value))
    UserProfile.objects.update_or_create(
        user=user,
        defaults={
            "display_name": "琴江镇演示",
            "department": Department.objects.get(code="qinjiang-town"),
        },
    )
    return user


class _Run:
    def __init__(self, staff, town, county, today):
        self.staff, self.town, self.county, self.today = staff, town, county, today

    def d(self, days_ago):
        return self.today - datetime.timedelta(days=days_ago)

    def case(self, c):
        c.refresh_from_db()
        return c

    def steps(self, c, *, upto, start, income="5200", category="unstable", risks=("illness",)):
        """Home check on ``start`` days ago, then a step a day (the notice 5 days)."""
        order = ["home_check", "review", "notice", "town_review", "county_decision"]
        day = start
        for step in order[: order.index(upto) + 1]:
            c = self.case(c)
            if c.steps.filter(step=step).exists():
                continue
            if step == "home_check":
                m.home_check_record(
                    case=c,
                    actor=self.staff,
                    done_on=self.d(day),
                    expected_version=c.version,
                    authorisation=_scan(),
                    income_12m=Decimal(income),
                    note="已入户核实，户主签字授权",
                )
            elif step == "review":
                m.review_record(
                    case=c,
                    actor=self.staff,
                    done_on=self.d(day),
                    expected_version=c.version,
                    category=category,
                    risk_types=list(risks),
                )
            elif step == "notice":
                m.notice_record(
                    case=c,
                    actor=self.staff,
                    done_on=self.d(day),
                    notice_until=self.d(day - 4),
                    expected_version=c.version,
                    note="社区公示栏",
                )
                day -= 4
            elif step == "town_review":
                m.town_review_record(
                    case=c, actor=self.town, done_on=self.d(day), expected_version=c.version
                )
            else:
                m.county_decision_record(
                    case=c, actor=self.county, done_on=self.d(day), expected_version=c.version
                )
            day -= 1
        return self.case(c)


@transaction.atomic
def seed_monitoring(*, stdout=None):
    User = get_user_model()
    staff, county = (
        User.objects.filter(username="staff").first(),
        User.objects.filter(username="fupin").first(),
    )
    terms = list(
        BuildingLeaderTerm.objects.current()
        .select_related("building", "user")
        .order_by("building__code")
    )
    if staff is None or county is None or not terms:
        return
    if IncomeThreshold.objects.filter(source=DEMO_THRESHOLD_SOURCE).exists():
        return
    today = timezone.localdate()
    for year, amount in THRESHOLDS.items():
        if year <= today.year:
            m.threshold_save(
                province="江西省",
                year=year,
                amount=Decimal(amount),
                source=DEMO_THRESHOLD_SOURCE,
                recorded_by=staff,
            )
    run = _Run(staff, _town_user(), county, today)
    rng = random.Random(2021)
    able = Person.objects.filter(is_active=True, labour_capacity__in=LabourCapacity.able())
    pool = list(
        Household.objects.filter(
            is_active=True, dwelling__isnull=False, members__in=able, monitoring_category=""
        )
        .distinct()
        .select_related("dwelling__building")
        .order_by("number")
    )
    leader_buildings = {t.building_id: t for t in terms}
    in_leader = [h for h in pool if h.dwelling.building_id in leader_buildings]
    others = [h for h in pool if h.dwelling.building_id not in leader_buildings]
    rng.shuffle(in_leader)
    rng.shuffle(others)
    if len(pool) < 10 or not in_leader:
        return  # a community too small for the demo cases

    def take(leader=False):
        """A household of the leaders' buildings (or, when they run out, any)."""
        first, second = (in_leader, others) if leader else (others, in_leader)
        return (first or second).pop()

    def lead(h, days_ago, fact, source=Source.SELF_REPORT, by=None):
        return m.lead_create(
            household=h, source=source, fact=fact, lead_on=run.d(days_ago), reported_by=by or staff
        )

    # A leader's visit raises a lead (yesterday): waiting for the home check.
    h = take(leader=True)
    term = leader_buildings[h.dwelling.building_id]
    visit = visit_create(
        household=h,
        visited_by=term.user,
        visited_on=run.d(1),
        reason="hardship",
        note="见到：户主\n户主腰伤不能务工",
    )
    m.lead_create(
        household=h,
        source=Source.VISIT,
        fact="户主腰伤不能务工，家庭收入骤减",
        lead_on=run.d(1),
        reported_by=term.user,
        visit=visit,
    )
    # Home check done, waiting for the review.
    run.steps(lead(take(), 3, "农户申报：子女上大学费用高"), upto="home_check", start=2)
    # Reviewed, waiting for the notice.
    run.steps(
        lead(take(leader=True), 6, "走访发现：家中老人患病住院", Source.VISIT),
        upto="review",
        start=5,
        category="marginal",
    )
    # The notice hangs now.
    c = lead(take(), 5, "农户申报：大病医疗自付费用高")
    c = run.steps(c, upto="review", start=4)
    m.notice_record(
        case=c,
        actor=staff,
        done_on=run.d(2),
        notice_until=run.d(-2),
        expected_version=c.version,
        note="社区公示栏",
    )
    # Town reviewed, waiting for the county: near the 15-day limit.
    run.steps(
        lead(take(), 13, "农户申报：房屋漏水维修支出大"),
        upto="town_review",
        start=12,
        category="shock",
        risks=("accident",),
        income="9800",
    )
    # Past the limit: home checked 19 days ago, nothing since.
    run.steps(lead(take(), 20, "农户申报：务工收入下降"), upto="home_check", start=19)
    # Not included: the review found income stable.
    c = run.steps(
        lead(take(), 40, "农户申报：收入不稳"), upto="home_check", start=39, income="11800"
    )
    m.review_record(
        case=c,
        actor=staff,
        done_on=run.d(38),
        expected_version=c.version,
        approved=False,
        note="评议认为家庭务工收入稳定，不纳入",
    )
    # Under monitoring since five months, with help measures and a red risk level.
    monitored = run.steps(
        lead(take(leader=True), 160, "部门预警后核实：户主患大病", Source.VISIT),
        upto="county_decision",
        start=159,
        risks=("illness", "schooling"),
    )
    units = {d.code: d for d in Department.objects.all()}
    health = m.measure_create(
        case=monitored,
        actor=staff,
        kind="health",
        description="落实医疗救助和大病保险报销",
        unit=units["medical-insurance"],
        deadline=run.d(110),
    )
    m.measure_complete(
        measure=health,
        actor=staff,
        done_on=run.d(120),
        result="已报销并落实医疗救助",
        expected_version=health.version,
    )
    m.measure_create(
        case=monitored,
        actor=staff,
        kind="education",
        description="子女申请教育资助（雨露计划）",
        unit=units["education"],
        deadline=run.d(-30),
    )
    m.measure_create(
        case=monitored,
        actor=staff,
        kind="employment",
        description="为配偶推荐公益性岗位",
        unit=units["human-resources"],
        deadline=run.d(10),
    )
    monitored = run.case(monitored)
    m.risk_level_set(
        case=monitored,
        actor=staff,
        level="red",
        reason="户主仍在治疗，收入低于监测标准",
        expected_version=monitored.version,
    )
    # Identified eleven months ago for unstable work, then cleared last month.
    cleared = run.steps(
        lead(take(), 330, "部门预警：家庭成员务工中断"),
        upto="county_decision",
        start=329,
        category="marginal",
        risks=("unstable_work",),
    )
    job = m.measure_create(
        case=cleared,
        actor=staff,
        kind="employment",
        description="推荐到工业园区就业",
        unit=units["human-resources"],
        deadline=run.d(280),
    )
    m.measure_complete(
        measure=job,
        actor=staff,
        done_on=run.d(290),
        result="已在工业园区鞋厂稳定就业",
        expected_version=job.version,
    )
    cleared = run.case(cleared)
    m.risk_level_set(
        case=cleared,
        actor=staff,
        level="green",
        reason="已稳定就业",
        expected_version=cleared.version,
    )
    clearing = m.clearing_start(
        case=run.case(cleared),
        actor=staff,
        lead_on=run.d(35),
        fact="稳定就业超过6个月，收入稳定高于监测范围",
    )
    clearing = run.case(clearing)
    m.home_check_record(
        case=clearing,
        actor=staff,
        done_on=run.d(34),
        expected_version=clearing.version,
        authorisation=_scan(),
        income_12m=Decimal("10800"),
        stable_income_since=run.d(280),
        schooling_secure=True,
        medical_secure=True,
        housing_secure=True,
        water_secure=True,
    )
    run.steps(clearing, upto="county_decision", start=33)
    _facts_for_alerts(staff=staff, rng=rng, today=today, pool=others + in_leader)
    raised = alerts_raise(today=today)
    if stdout:
        stdout.write(f"Monitoring: 9 cases at every step and {raised} department data alerts.")


def _facts_for_alerts(*, staff, rng, today, pool):
    """One fact of each kind the daily task turns into an alert."""
    healthy = list(
        Person.objects.filter(
            is_active=True, household__is_active=True, health=Health.HEALTHY
        ).order_by("pk")[:400]
    )
    ill, disabled = rng.sample(healthy, 2)
    person_update(person=ill, expected_version=ill.version, health=Health.SERIOUS)
    person_update(person=disabled, expected_version=disabled.version, health=Health.DISABLED)
    job = Employment.objects.filter(
        ended_on__isnull=True, started_on__lt=today - datetime.timedelta(days=30)
    ).order_by("pk")
    for employment in job[:200]:
        others = Employment.objects.filter(
            person__household=employment.person.household_id, ended_on__isnull=True
        ).exclude(pk=employment.pk)
        if not others.exists():
            record_update(
                user=staff,
                record=employment,
                expected_version=employment.version,
                ended_on=today - datetime.timedelta(days=6),
            )
            break
    allowance = (
        Allowance.objects.filter(
            ended_on__isnull=True,
            kind=Allowance.Kind.DIBAO_URBAN,
            started_on__lt=today - datetime.timedelta(days=30),
        )
        .order_by("pk")
        .first()
        or Allowance.objects.filter(
            ended_on__isnull=True, started_on__lt=today - datetime.timedelta(days=30)
        )
        .order_by("pk")
        .first()
    )
    if allowance is not None:
        record_update(
            user=staff,
            record=allowance,
            expected_version=allowance.version,
            ended_on=today - datetime.timedelta(days=4),
        )
    year = today.year - 1
    for household, income in zip(pool[:3], ("6500.00", "7400.00", "7800.00"), strict=False):
        household_income_set(household=household, year=year, per_capita_net_income=Decimal(income))
    for household in pool[3:40]:
        household_income_set(
            household=household,
            year=year,
            per_capita_net_income=Decimal(rng.randrange(9000, 26000)),
        )
