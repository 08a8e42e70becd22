"""Demo residents' requests: about 150 over the past five months, in every state, with
their timelines, some overdue and some with the resident's verdict.

Registered in ``DEMO_ACCOUNT_SEEDERS``: the requests are filed and answered by the demo
accounts (the building leaders, staff, the bureaus' users), which exist only at that point.
Idempotent: nothing is added when any request exists."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from buildings.models import Building, BuildingLeaderTerm
from community.models import Department
from community.roles import Role
from households.models import Household
from services.requests.models import (
    Category,
    RequestEvent,
    ResidentRequest,
    Satisfaction,
    State,
    Urgency,
)
from services.requests.services import (
    request_deadline,
    request_suggested_unit_code,
    requests_flag_overdue,
)

COUNT = 150
DAYS_BACK = 150

DESCRIPTIONS = {
    Category.REPAIRS: [
        "卫生间水管漏水，楼下住户天花板渗水。",
        "入户门锁损坏，无法正常关门。",
        "楼道灯不亮已经一周。",
        "厨房下水道堵塞。",
    ],
    Category.HYGIENE: [
        "楼道堆放杂物和垃圾，气味很大。",
        "垃圾桶满了没人清运。",
        "单元门口有积水，蚊虫多。",
    ],
    Category.PUBLIC_ORDER: [
        "夜间有人在楼下喧哗，影响休息。",
        "电动车在楼道内充电，存在火灾隐患。",
        "小区门口有陌生人推销。",
    ],
    Category.EMPLOYMENT: [
        "家中有两名劳动力想到扶贫车间务工。",
        "希望参加电工技能培训。",
        "外出务工返乡，想了解公益性岗位。",
    ],
    Category.SCHOOLING: [
        "孩子转学到城区学校还没有落实学位。",
        "孩子上学路远，想了解校车安排。",
        "申请学生资助，不知道要交哪些材料。",
    ],
    Category.MEDICAL: [
        "医保关系还在原籍，想转到琴江镇。",
        "老人慢性病门诊报销怎么办理。",
        "今年医保缴费没有查到记录。",
    ],
    Category.ASSISTANCE: [
        "家中老人生病，申请临时救助。",
        "低保待遇变更后还没有到账。",
        "残疾人两项补贴想咨询申请。",
    ],
    Category.HUKOU: ["想把户口迁到安置点，需要什么手续。", "办理居住证。", "孩子出生后上户口。"],
    Category.LAND: [
        "原籍承包地想流转给合作社。",
        "老家林地确权证书有误。",
        "宅基地复垦补助什么时候发放。",
    ],
    Category.PROPERTY: ["物业维修响应太慢。", "电梯经常停运。", "小区绿化带无人打理。"],
    Category.OTHER: ["想了解社区活动室开放时间。", "建议在小区增设快递柜。"],
}
CATEGORY_WEIGHTS = {
    Category.REPAIRS: 24,
    Category.HYGIENE: 12,
    Category.PUBLIC_ORDER: 8,
    Category.EMPLOYMENT: 14,
    Category.SCHOOLING: 9,
    Category.MEDICAL: 9,
    Category.ASSISTANCE: 8,
    Category.HUKOU: 6,
    Category.LAND: 4,
    Category.PROPERTY: 10,
    Category.OTHER: 3,
}
RESOLUTIONS = [
    "已上门处理完毕。",
    "已协调相关单位办理完成。",
    "已电话回复并指导办理。",
    "已安排人员跟进并解决。",
]


def _hours(rng, low, high):
    return datetime.timedelta(hours=rng.uniform(low, high))


@transaction.atomic
def seed_requests(*, stdout=None, rng: random.Random | None = None) -> int:
    if ResidentRequest.objects.exists():
        return 0
    rng = rng or random.Random(2019)
    User = get_user_model()
    staff = User.objects.filter(groups__name=Role.STAFF.value).order_by("pk").first()
    if staff is None:
        return 0
    leaders = dict(BuildingLeaderTerm.objects.current().values_list("building_id", "user_id"))
    unit_users = dict(
        User.objects.filter(profile__department__isnull=False)
        .values_list("profile__department", "pk")
        .order_by("pk")
    )
    units = {d.code: d for d in Department.objects.all()}
    # Two out of three requests come from the buildings with a demo leader.
    building_ids = list(Building.objects.order_by("code").values_list("pk", flat=True)[:6])
    weights = [6 if b in leaders else 1 for b in building_ids]
    households: dict[int, list[int]] = {}
    for pk, building_id in Household.objects.filter(
        is_active=True, dwelling__building_id__in=building_ids
    ).values_list("pk", "dwelling__building_id"):
        households.setdefault(building_id, []).append(pk)

    now = timezone.now()
    categories = list(CATEGORY_WEIGHTS)
    rows, timelines = [], []
    for _ in range(COUNT):
        building_id = rng.choices(building_ids, weights)[0]
        category = rng.choices(categories, [CATEGORY_WEIGHTS[c] for c in categories])[0]
        urgency = rng.choices([Urgency.URGENT, Urgency.NORMAL, Urgency.LOW], [2, 6, 2])[0]
        # One in eight was filed in the last few days, so the queue has fresh requests too.
        recent = rng.random() < 0.125
        filed_at = now - datetime.timedelta(
            days=rng.uniform(0.05, 3) if recent else rng.uniform(3, DAYS_BACK)
        )
        filer = leaders.get(building_id, staff.pk)
        in_building = households.get(building_id) or []
        req = ResidentRequest(
            building_id=building_id,
            household_id=rng.choice(in_building) if in_building and rng.random() < 0.85 else None,
            category=category,
            description=rng.choice(DESCRIPTIONS[category]),
            urgency=urgency,
            filed_by_id=filer,
            filed_at=filed_at,
            deadline=request_deadline(filed_at=filed_at, urgency=urgency),
        )
        events = [
            RequestEvent(from_state="", to_state=State.SUBMITTED, actor_id=filer, at=filed_at)
        ]
        unit = units[request_suggested_unit_code(category)]
        span = req.deadline - filed_at
        late = rng.random() < 0.2
        steps = [
            (State.ACCEPTED, staff.pk, _hours(rng, 1, 30), ""),
            (
                State.IN_PROGRESS,
                unit_users.get(unit.pk, staff.pk),
                _hours(rng, 2, 48),
                "已安排人员处理。",
            ),
            (
                State.RESOLVED,
                unit_users.get(unit.pk, staff.pk),
                span * (rng.uniform(1.05, 2.0) if late else rng.uniform(0.1, 0.6)),
                rng.choice(RESOLUTIONS),
            ),
            (State.CLOSED, filer, _hours(rng, 4, 72), ""),
        ]
        at, state = filed_at, State.SUBMITTED
        reject = rng.random() < 0.06
        stuck_at = rng.choice([State.IN_PROGRESS, State.RESOLVED]) if rng.random() < 0.12 else None
        for to_state, actor, delay, note in steps:
            if reject and to_state == State.ACCEPTED:
                at += _hours(rng, 2, 24)
                if at < now:
                    req.rejection_reason = note = "不属于社区和责任单位受理范围，已向居民解释。"
                    events.append(
                        RequestEvent(
                            from_state=state,
                            to_state=State.REJECTED,
                            actor_id=staff.pk,
                            at=at,
                            note=note,
                        )
                    )
                    req.state, req.closed_at = State.REJECTED, at
                break
            at = at + delay
            if at >= now or to_state == stuck_at:
                break
            event = RequestEvent(
                from_state=state, to_state=to_state, actor_id=actor, at=at, note=note
            )
            if to_state == State.ACCEPTED:
                req.unit, event.unit = unit, unit
            elif to_state == State.RESOLVED:
                req.resolution, req.resolved_at = note, at
            elif to_state == State.CLOSED:
                req.satisfaction = rng.choices(
                    [Satisfaction.SATISFIED, Satisfaction.FAIRLY, Satisfaction.UNSATISFIED],
                    [6, 3, 3 if late else 1],
                )[0]
                req.closed_at = at
            events.append(event)
            state = req.state = to_state
        rows.append(req)
        timelines.append(events)

    created = bulk_create_with_history(rows, ResidentRequest, default_user=staff)
    if created and created[0].pk is None:  # databases that do not return ids from bulk inserts
        created = list(ResidentRequest.objects.order_by("pk"))
    events = []
    for req, timeline in zip(created, timelines, strict=True):
        for event in timeline:
            event.request_id = req.pk
            events.append(event)
    RequestEvent.objects.bulk_create(events)
    flagged = requests_flag_overdue(now=now)
    if stdout is not None:
        stdout.write(f"Created {len(created)} residents' requests ({flagged} overdue).")
    return len(created)
