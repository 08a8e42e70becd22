"""Writes of the community's organisation. Each validates (``full_clean``) and writes
inside a transaction; the database constraints stay the last word under concurrency."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from core.idnumbers import age_on, parse_id_number

from .models import (
    Applicant,
    ApplicantResult,
    Organisation,
    OrganisationMember,
    OrganisationTerm,
    PartyMember,
    Post,
    PostHolding,
    RecruitmentRound,
    ResidentGroup,
    ResidentGroupMembership,
    add_years,
)


@transaction.atomic
def organisation_term_create(
    *,
    organisation: Organisation,
    number: int,
    member_count: int,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
) -> OrganisationTerm:
    """A new term; without ``ends_on`` it runs the configured number of years."""
    rules = settings.ORGANISATION_RULES.get(organisation.kind)
    if ends_on is None:
        years = rules["TERM_YEARS"] if rules else 5
        ends_on = add_years(starts_on, years) - datetime.timedelta(days=1)
    term = OrganisationTerm(
        organisation=organisation,
        number=number,
        member_count=member_count,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    term.full_clean()
    term.save()
    return term


def _overlap_q(started_on, ended_on) -> Q:
    q = Q(ended_on__isnull=True) | Q(ended_on__gte=started_on)
    if ended_on is not None:
        q &= Q(started_on__lte=ended_on)
    return q


@transaction.atomic
def post_holding_start(
    *,
    post: Post,
    started_on: datetime.date,
    person=None,
    name: str = "",
    phone: str = "",
    term: OrganisationTerm | None = None,
    ended_on: datetime.date | None = None,
    recruited_as: Applicant | None = None,
) -> PostHolding:
    """Someone takes a post. A single-holder post refuses a second holder whose dates
    overlap; one person may hold posts of two organisations (书记、主任"一肩挑")."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    if person is not None:
        name = name or person.name
        phone = phone or person.phone
    if term is not None and term.organisation_id != post.organisation_id:
        raise ValidationError({"term": _("The term is not one of this post's organisation.")})
    if post.single_holder:
        clash = (
            PostHolding.objects.filter(post=post).filter(_overlap_q(started_on, ended_on)).first()
        )
        if clash is not None:
            raise ValidationError(
                {
                    "started_on": _(
                        "%(post)s has one holder at a time, and %(name)s holds it from %(start)s."
                    )
                    % {"post": post.title, "name": clash.name, "start": clash.started_on}
                }
            )
    if term is not None:
        current = PostHolding.objects.filter(term=term).filter(_overlap_q(started_on, ended_on))
        holders = {h.person_id or f"n:{h.name}" for h in current}
        holders.add(person.pk if person is not None else f"n:{name}")
        if len(holders) > term.member_count:
            raise ValidationError(
                {
                    "term": _("The term has %(n)d members elected; all their places are taken.")
                    % {"n": term.member_count}
                }
            )
    holding = PostHolding(
        post=post,
        term=term,
        person=person,
        name=name.strip(),
        phone=phone.strip(),
        started_on=started_on,
        ended_on=ended_on,
        single_holder=post.single_holder,
        recruited_as=recruited_as,
    )
    holding.full_clean()
    try:
        with transaction.atomic():
            holding.save()
    except IntegrityError:
        raise ValidationError({"post": _("This post already has a current holder.")}) from None
    return holding


def post_holding_end(*, holding: PostHolding, ended_on: datetime.date) -> PostHolding:
    holding.ended_on = ended_on
    holding.full_clean()
    holding.save(update_fields=["ended_on"])
    return holding


# --- recruitment --------------------------------------------------------------------------


@transaction.atomic
def recruitment_round_create(
    *,
    title: str,
    announced_on: datetime.date,
    recruitment_date: datetime.date,
    posts,
    places: int,
    age_limit: int | None = None,
) -> RecruitmentRound:
    rnd = RecruitmentRound(
        title=title.strip(),
        announced_on=announced_on,
        recruitment_date=recruitment_date,
        places=places,
    )
    if age_limit is not None:
        rnd.age_limit = age_limit
    rnd.full_clean()
    rnd.save()
    rnd.posts.set(posts)
    return rnd


def applicant_is_eligible(*, birth_date: datetime.date, on: datetime.date, age_limit: int) -> bool:
    """ "年龄40周岁以下": 以下 includes the number (Civil Code Art. 1259), so an applicant
    aged ``age_limit`` in whole years on the recruitment date is eligible, up to the day
    before the next birthday (``core.idnumbers.age_on``, 29 February counted from 28)."""
    return age_on(birth_date, on) <= age_limit


@transaction.atomic
def applicant_add(
    *,
    round: RecruitmentRound,
    person=None,
    name: str = "",
    id_number: str = "",
    phone: str = "",
    education: str = "",
) -> Applicant:
    """A resident (``person``, whose ID number is in the registry) or an outsider with an
    ID number; the birth date comes from the number and the age rule is checked on the
    round's recruitment date."""
    if person is not None:
        number, name = person.id_number, name or person.name
        phone = phone or person.phone
        id_number = ""
    else:
        number = id_number
        if not number:
            raise ValidationError({"id_number": _("Give the applicant's ID number.")})
    try:
        info = parse_id_number(number)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from None
    if person is None:
        # A resident's number links the application to the registry (a lazy reference:
        # community never imports households).
        person_model = Applicant._meta.get_field("person").related_model
        person = person_model.objects.filter(id_number=info.number, is_active=True).first()
        id_number = "" if person is not None else info.number
        if person is not None:
            name, phone = name or person.name, phone or person.phone
    if not applicant_is_eligible(
        birth_date=info.birth_date, on=round.recruitment_date, age_limit=round.age_limit
    ):
        raise ValidationError(
            {
                "id_number": _(
                    "Born on %(birth)s, the applicant is %(age)d on the recruitment date "
                    "%(day)s: the limit is %(limit)d周岁 (inclusive)."
                )
                % {
                    "birth": info.birth_date.isoformat(),
                    "age": age_on(info.birth_date, round.recruitment_date),
                    "day": round.recruitment_date.isoformat(),
                    "limit": round.age_limit,
                }
            }
        )
    applicant = Applicant(
        round=round,
        person=person,
        name=name.strip(),
        id_number=id_number,
        birth_date=info.birth_date,
        phone=phone,
        education=education,
    )
    applicant.full_clean()
    applicant.save()
    return applicant


@transaction.atomic
def applicant_decide(
    *,
    applicant: Applicant,
    hired: bool,
    decided_on: datetime.date,
    post: Post | None = None,
    started_on: datetime.date | None = None,
) -> Applicant:
    """The result. A hired applicant takes ``post`` (one of the round's) from
    ``started_on``; a round hires no more than its places."""
    applicant = Applicant.objects.select_for_update().select_related("round").get(pk=applicant.pk)
    if applicant.result != ApplicantResult.PENDING:
        raise ValidationError(_("The result of this applicant is already recorded."))
    rnd = applicant.round
    if hired:
        if post is None or not rnd.posts.filter(pk=post.pk).exists():
            raise ValidationError({"post": _("Choose one of the posts of this round.")})
        taken = rnd.applicants.filter(result=ApplicantResult.HIRED).count()
        if taken >= rnd.places:
            raise ValidationError(
                {"post": _("All %(n)d places of this round are filled.") % {"n": rnd.places}}
            )
        applicant.hired_post = post
    applicant.result = ApplicantResult.HIRED if hired else ApplicantResult.NOT_HIRED
    applicant.decided_on = decided_on
    applicant.full_clean()
    applicant.save(update_fields=["result", "decided_on", "hired_post"])
    if hired:
        post_holding_start(
            post=post,
            started_on=started_on or decided_on,
            person=applicant.person,
            name=applicant.name,
            phone=applicant.phone,
            recruited_as=applicant,
        )
    return applicant


# --- groups, mass organisations, party members --------------------------------------------


def resident_group_add_household(
    *, group: ResidentGroup, household, joined_on: datetime.date | None = None
) -> ResidentGroupMembership:
    """A household joins a group; it may belong to one group only."""
    other = ResidentGroupMembership.objects.filter(household=household).select_related("group")
    existing = other.first()
    if existing is not None:
        raise ValidationError(
            {
                "household": _("Household %(number)s already belongs to %(group)s.")
                % {"number": household.number, "group": existing.group.name}
            }
        )
    membership = ResidentGroupMembership(group=group, household=household)
    if joined_on is not None:
        membership.joined_on = joined_on
    membership.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError:
        raise ValidationError(
            {"household": _("This household already belongs to a resident group.")}
        ) from None
    return membership


def resident_group_add_household_by_number(
    *, group: ResidentGroup, number: str, joined_on: datetime.date | None = None
) -> ResidentGroupMembership:
    """The same, naming the household by its number (户编号) as staff type it."""
    household_model = ResidentGroupMembership._meta.get_field("household").related_model
    household = household_model.objects.filter(
        number=(number or "").strip(), is_active=True
    ).first()
    if household is None:
        raise ValidationError(
            {"household": _("No household numbered %(numbers)s.") % {"numbers": number}}
        )
    return resident_group_add_household(group=group, household=household, joined_on=joined_on)


def organisation_member_add(
    *, organisation: Organisation, person, joined_on: datetime.date, role: str = ""
) -> OrganisationMember:
    if not organisation.is_mass_organisation:
        raise ValidationError(
            {"organisation": _("Members are recorded for mass organisations only.")}
        )
    member = OrganisationMember(
        organisation=organisation, person=person, joined_on=joined_on, role=role
    )
    member.full_clean()
    member.save()
    return member


def party_member_register(
    *,
    person,
    joined_on: datetime.date,
    branch: Organisation | None = None,
    transferred_in: bool = False,
    transferred_on: datetime.date | None = None,
) -> PartyMember:
    if transferred_on is not None and not transferred_in:
        raise ValidationError(
            {"transferred_on": _("A transfer date needs the relationship transferred in.")}
        )
    member = PartyMember(
        person=person,
        joined_on=joined_on,
        branch=branch,
        transferred_in=transferred_in,
        transferred_on=transferred_on,
    )
    member.full_clean()
    member.save()
    return member


def resident_by_id_number(id_number: str):
    """The active resident with this ID number (a lazy reference to the registry)."""
    try:
        number = parse_id_number(id_number).number
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from None
    person_model = PartyMember._meta.get_field("person").related_model
    person = person_model.objects.filter(id_number=number, is_active=True).first()
    if person is None:
        raise ValidationError({"id_number": _("No resident has this ID number.")})
    return person
