"""Demo data of the obligation dashboards for ``seed_demo``.

The snapshots of the past twelve weeks are DEMO DATA (``RuleSnapshot.is_demo``): they start
from each rule's real count today and go back in time along a plausible falling curve, so
the trend charts have something to show on a fresh demo. Today's snapshot is the real one.
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from community.models import Department
from services.obligations import services as obligation_services
from services.obligations.models import RuleSnapshot
from services.obligations.rules import RULE_LIST, base_queryset
from services.worktasks import services as worktask_services
from services.worktasks.models import WorkTask

DEMO_WEEKS = 12
DEMO_PREFIX = "【演示】"


def seed_rule_snapshots(*, rng, stdout=None):
    today = timezone.localdate()
    # Today's real snapshot first: it counts every rule in full, building by building (the
    # dashboards' kept counts), and the demo curve starts from those counts.
    obligation_services.snapshot_take(day=today)
    counts = dict(RuleSnapshot.objects.filter(day=today).values_list("rule_code", "count"))
    totals = {subject: base_queryset(subject).count() for subject in {r.subject for r in RULE_LIST}}
    rows = []
    for rule in RULE_LIST:
        now_count, cap = counts[rule.code], totals[rule.subject]
        weekly_fall = rng.uniform(0.02, 0.06)
        for weeks_ago in range(DEMO_WEEKS, 0, -1):
            noise = rng.randint(0, now_count // 50) if now_count else 0
            past = round(now_count * (1 + weekly_fall * weeks_ago)) + noise
            rows.append(
                RuleSnapshot(
                    rule_code=rule.code,
                    day=today - datetime.timedelta(weeks=weeks_ago),
                    count=min(cap, past),
                    is_demo=True,
                )
            )
    RuleSnapshot.objects.bulk_create(rows, ignore_conflicts=True)
    if stdout is not None:
        stdout.write(
            f"  {len(rows)} demo rule snapshots over {DEMO_WEEKS} weeks, and today's real one."
        )


# (unit code, title, rule code, measure, days to deadline, leader, liaison, final state)
DEMO_TASKS = [
    (
        "human-resources",
        "组织有培训意愿的搬迁劳动力参加职业技能培训",
        "training-overdue",
        "6.3",
        -10,
        "县人社局局长",
        "刘志强",
        "open",
    ),
    (
        "human-resources",
        "零就业家庭每户至少一人就业",
        "zero-employment",
        "6.3",
        21,
        "县人社局局长",
        "刘志强",
        "in_progress",
    ),
    (
        "education",
        "核查适龄儿童入学，确保不拒收",
        "school-not-enrolled",
        "6.1",
        14,
        "县教科体局局长",
        "陈秀英",
        "in_progress",
    ),
    (
        "civil-affairs",
        "动员符合条件的居民参加城乡居民养老保险",
        "pension-not-enrolled",
        "6.4",
        30,
        "县民政局局长",
        "黄建华",
        "open",
    ),
    (
        "medical-insurance",
        "完成本年度医疗保险参保登记",
        "medical-insurance-missing",
        "5.2",
        5,
        "县医保局局长",
        "温丽华",
        "done",
    ),
]


def seed_work_tasks(*, stdout=None):
    """A few demo work tasks, one of them overdue with an accountability record opened by
    the supervisor. Runs after the demo accounts exist; a second run adds nothing."""
    User = get_user_model()
    supervisor = User.objects.filter(username="fupin").first()
    if supervisor is None or WorkTask.objects.filter(title__startswith=DEMO_PREFIX).exists():
        return
    units = {d.code: d for d in Department.objects.filter(code__in={t[0] for t in DEMO_TASKS})}
    # A unit's own demo account writes its progress notes, where the demo has one.
    unit_users = {
        u.profile.department.code: u
        for u in User.objects.filter(profile__department__code__in=units).select_related(
            "profile__department"
        )
        if u != supervisor
    }
    today = timezone.localdate()
    for code, title, rule_code, measure, days, leader, liaison, state in DEMO_TASKS:
        task = worktask_services.task_create(
            title=DEMO_PREFIX + title,
            unit=units[code],
            deadline=today + datetime.timedelta(days=days),
            leader_name=leader,
            liaison_name=liaison,
            rule_code=rule_code,
            measure=measure,
            created_by=supervisor,
        )
        if state != "open":
            worktask_services.task_add_note(
                task=task,
                author=unit_users.get(code, supervisor),
                text="已召开专题会议部署，正在逐户核实。"
                if state == "in_progress"
                else "已全部完成，名单已报送。",
                state_to=state,
                expected_version=task.version,
            )
        if days < 0:
            worktask_services.accountability_open(
                task=task,
                opened_by=supervisor,
                reason="未在期限内完成培训任务，且未说明原因。",
                today=today,
            )
    if stdout is not None:
        stdout.write(
            f"  {len(DEMO_TASKS)} demo work tasks, one overdue with an accountability record."
        )
