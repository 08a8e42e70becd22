"""Demo data of the community's organisation for ``seed_demo``: the residents' committee
and the party branch with their posts and holders (the secretary is also the director,
一肩挑), the 2019 open recruitment of five cadres aged 40 or under, resident groups of the
demo households, the youth league and women's federation, party members.

It lives with the registry's demo (households sits above community): the holders,
applicants and members are demo residents. Idempotent: nothing is added when any
organisation exists."""

import datetime
from decimal import Decimal

from django.db import transaction

from community.organisation import services
from community.organisation.models import (
    Organisation,
    OrganisationKind,
    Post,
    PostBudget,
    PostKind,
    RecruitmentRound,
    ResidentGroup,
    ResidentGroupMembership,
)
from core.idnumbers import age_on
from households.models import Household, Person, Relationship

D = datetime.date
RECRUITED_ON = D(2019, 7, 1)
TERM_START = D(2019, 6, 1)
CADRE_PAY = Decimal("36000.00")  # a year per cadre post in the demo budget
GROUPS = 6


@transaction.atomic
def seed_organisation(*, rng, stdout=None):
    if Organisation.objects.exists():
        return
    committee = Organisation.objects.create(
        name="铜锣湾社区居民委员会",
        kind=OrganisationKind.RESIDENTS_COMMITTEE,
        established_on=TERM_START,
        phone="0797-5701001",
        sort_order=1,
    )
    party = Organisation.objects.create(
        name="中共铜锣湾社区支部委员会",
        kind=OrganisationKind.PARTY_BRANCH,
        established_on=TERM_START,
        phone="0797-5701002",
        sort_order=2,
    )
    youth = Organisation.objects.create(
        name="共青团铜锣湾社区支部", kind=OrganisationKind.YOUTH_LEAGUE, sort_order=3
    )
    women = Organisation.objects.create(
        name="铜锣湾社区妇女联合会", kind=OrganisationKind.WOMEN, sort_order=4
    )
    term = services.organisation_term_create(
        organisation=committee, number=1, member_count=7, starts_on=TERM_START
    )
    secretary = Post.objects.create(
        organisation=party, kind=PostKind.SECRETARY, title="党支部书记", sort_order=1
    )
    director = Post.objects.create(
        organisation=committee, kind=PostKind.DIRECTOR, title="社区主任", sort_order=1
    )
    deputy = Post.objects.create(
        organisation=committee, kind=PostKind.DEPUTY_DIRECTOR, title="副主任", sort_order=2
    )
    cadre = Post.objects.create(
        organisation=committee,
        kind=PostKind.CADRE,
        title="社区干部",
        single_holder=False,
        sort_order=3,
    )
    for post in (director, deputy, cadre):
        for year in (2025, 2026):
            PostBudget.objects.create(post=post, year=year, amount=CADRE_PAY)

    adults = list(
        Person.objects.filter(is_active=True, birth_date__lte=D(1990, 1, 1))
        .exclude(phone="")
        .order_by("pk")[:40]
    )
    young = [
        p
        for p in Person.objects.filter(is_active=True).order_by("pk")[:2000]
        if 22 <= age_on(p.birth_date, RECRUITED_ON) <= 40
    ]
    leader = adults[0]
    services.post_holding_start(post=secretary, person=leader, started_on=TERM_START)
    services.post_holding_start(post=director, person=leader, started_on=TERM_START, term=term)

    rnd = RecruitmentRound.objects.create(
        title="2019年铜锣湾社区干部公开招聘",
        announced_on=D(2019, 5, 28),
        recruitment_date=RECRUITED_ON,
        places=5,
    )
    rnd.posts.add(deputy, cadre)
    applicants = [
        services.applicant_add(round=rnd, person=p, education=rng.choice(["大专", "本科", "高中"]))
        for p in young[:8]
    ]
    for i, applicant in enumerate(applicants):
        hired = i < 5
        services.applicant_decide(
            applicant=applicant,
            hired=hired,
            decided_on=D(2019, 7, 10),
            post=(deputy if i == 0 else cadre) if hired else None,
            started_on=D(2019, 7, 15),
        )
    for p in adults[1:3]:
        services.post_holding_start(post=cadre, person=p, started_on=TERM_START, term=term)

    households = list(Household.objects.filter(is_active=True).order_by("number")[:600])
    size = max(1, len(households) // GROUPS)
    for n in range(GROUPS):
        chunk = households[n * size : (n + 1) * size]
        if not chunk:
            break
        head = chunk[0].members.filter(relationship=Relationship.HEAD).first()
        group = ResidentGroup.objects.create(
            number=n + 1,
            name=f"第{'一二三四五六'[n]}居民小组",
            leader=head,
            area=f"{n * 2 + 1}–{n * 2 + 2}栋",
        )
        # 100 households a group: one insert, not a service call each (its only check, one
        # group per household, holds by construction here and in the database's constraint).
        ResidentGroupMembership.objects.bulk_create(
            ResidentGroupMembership(group=group, household=household, joined_on=D(2019, 9, 1))
            for household in chunk
        )
    for p in young[8:20]:
        services.organisation_member_add(organisation=youth, person=p, joined_on=D(2020, 5, 4))
    for p in [p for p in adults if p.sex == "F"][:10]:
        services.organisation_member_add(organisation=women, person=p, joined_on=D(2020, 3, 8))
    for i, p in enumerate(adults[:12]):
        services.party_member_register(
            person=p,
            joined_on=D(2000 + i, 7, 1),
            branch=party,
            transferred_in=i % 3 != 0,
            transferred_on=D(2019, 8, 1) if i % 3 != 0 else None,
        )
    if stdout is not None:
        stdout.write(
            f"  Organisation: 2 governing bodies, 2 mass organisations, {len(applicants)} "
            f"applicants (5 hired), {GROUPS} resident groups."
        )
