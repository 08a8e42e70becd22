"""Demo field work of the building leaders for ``seed_demo`` (``DEMO_ACCOUNT_SEEDERS``:
runs after the demo accounts exist; does nothing when it ran before)."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from buildings.hygiene.services import hygiene_check_create, hygiene_check_fix
from buildings.models import BuildingLeaderTerm, HygieneCheck
from households.fieldlogs.services import publicity_create, visit_create
from households.models import Household
from households.proposals.models import MemberChangeProposal
from households.proposals.services import proposal_create_change

AREAS = ["1单元楼道", "2单元楼道", "3单元楼道", "楼前空地", "车棚", "垃圾投放点"]
PROBLEMS = ["楼道堆放杂物", "垃圾桶满溢", "墙面小广告", "电动车在楼道充电"]


@transaction.atomic
def seed_field_work(*, stdout=None):
    terms = list(BuildingLeaderTerm.objects.current().select_related("building", "user"))
    if not terms or HygieneCheck.objects.filter(building__in=[t.building for t in terms]).exists():
        return
    rng = random.Random(2019)
    today = timezone.localdate()
    for term in terms:
        households = list(
            Household.objects.filter(dwelling__building=term.building, is_active=True)
            .select_related("dwelling")
            .prefetch_related("members")
            .order_by("number")
        )
        # Most households were checked recently; some long ago, some never.
        confirmed = []
        for h in households:
            roll = rng.random()
            if roll < 0.65:
                h.confirmed_at = timezone.now() - datetime.timedelta(days=rng.randint(1, 80))
            elif roll < 0.85:
                h.confirmed_at = timezone.now() - datetime.timedelta(days=rng.randint(100, 300))
            else:
                continue
            confirmed.append(h)
        Household.objects.bulk_update(confirmed, ["confirmed_at"])
        for i in range(4):
            problem = rng.choice(PROBLEMS) if i % 2 == 0 else ""
            check = hygiene_check_create(
                building=term.building,
                checked_by=term.user,
                area=rng.choice(AREAS),
                checked_on=today - datetime.timedelta(days=3 + i * 9),
                score=rng.randint(60, 78) if problem else rng.randint(85, 98),
                problems=problem,
            )
            if problem and i > 1:
                hygiene_check_fix(
                    check=check,
                    fixed_by=term.user,
                    fixed_on=min(today, check.checked_on + datetime.timedelta(days=2)),
                    fix_note="已督促住户清理",
                )
        for h in rng.sample(households, k=min(3, len(households))):
            visit_create(
                household=h,
                visited_by=term.user,
                visited_on=today - datetime.timedelta(days=rng.randint(1, 20)),
                reason=rng.choice(["routine", "hardship", "fact_check"]),
                note="了解家庭近况",
            )
        publicity_create(
            building=term.building,
            households=households[: max(1, len(households) // 2)],
            recorded_by=term.user,
            topic="medical",
            title="2027年度城乡居民医保集中缴费",
            held_on=today - datetime.timedelta(days=5),
        )
        member = next(
            (p for p in households[0].members.all() if p.is_active and not p.is_head), None
        )
        if member is not None and not MemberChangeProposal.objects.filter(person=member).exists():
            proposal_create_change(
                person=member,
                proposed_by=term.user,
                fields={"name": member.name + "华"},
                note="户口簿上名字多一个字",
            )
    if stdout is not None:
        stdout.write(f"Leaders' field work added for {len(terms)} buildings.")
