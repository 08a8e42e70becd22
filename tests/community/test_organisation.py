"""The organisation, cadre recruitment and resident groups (community/organisation)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from community.organisation import services
from community.organisation.models import (
    ApplicantResult,
    Organisation,
    OrganisationKind,
    Post,
    PostHolding,
    PostKind,
    RecruitmentRound,
    ResidentGroup,
)
from core.idnumbers import make_id_number
from tests.households.factories import HouseholdFactory, PersonFactory

D = datetime.date
RECRUITMENT_DAY = D(2019, 7, 1)


@pytest.fixture
def committee(db):
    return Organisation.objects.create(name="铜锣湾社区居民委员会", kind="committee")


@pytest.fixture
def party(db):
    return Organisation.objects.create(name="铜锣湾社区党支部", kind="party")


@pytest.fixture
def director(committee):
    return Post.objects.create(organisation=committee, kind=PostKind.DIRECTOR, title="社区主任")


@pytest.fixture
def cadre_post(committee):
    return Post.objects.create(
        organisation=committee, kind=PostKind.CADRE, title="社区干部", single_holder=False
    )


@pytest.fixture
def recruitment(cadre_post):
    rnd = RecruitmentRound.objects.create(
        title="2019年社区干部公开招聘",
        announced_on=D(2019, 6, 1),
        recruitment_date=RECRUITMENT_DAY,
        places=5,
    )
    rnd.posts.add(cadre_post)
    return rnd


# --- terms: member counts and length from settings -----------------------------------


@pytest.mark.parametrize("count", [4, 10])
def test_committee_member_count_outside_the_legal_range_is_refused(committee, count):
    with pytest.raises(ValidationError) as exc:
        services.organisation_term_create(
            organisation=committee, number=1, member_count=count, starts_on=D(2019, 6, 1)
        )
    assert "5" in exc.value.message_dict["member_count"][0]
    assert "9" in exc.value.message_dict["member_count"][0]


@pytest.mark.parametrize("count", [5, 9])
def test_committee_member_counts_at_the_bounds_are_accepted(committee, count):
    term = services.organisation_term_create(
        organisation=committee, number=1, member_count=count, starts_on=D(2019, 6, 1)
    )
    assert term.ends_on == D(2024, 5, 31)


def test_the_member_range_comes_from_settings(committee, settings):
    settings.ORGANISATION_RULES = {"committee": {"MEMBERS": (3, 4), "TERM_YEARS": 3}}
    with pytest.raises(ValidationError):
        services.organisation_term_create(
            organisation=committee, number=1, member_count=5, starts_on=D(2019, 6, 1)
        )
    term = services.organisation_term_create(
        organisation=committee, number=1, member_count=3, starts_on=D(2019, 6, 1)
    )
    assert term.ends_on == D(2022, 5, 31)


def test_a_term_longer_than_the_law_allows_is_refused(committee):
    with pytest.raises(ValidationError) as exc:
        services.organisation_term_create(
            organisation=committee,
            number=1,
            member_count=7,
            starts_on=D(2019, 6, 1),
            ends_on=D(2024, 6, 2),
        )
    assert "ends_on" in exc.value.message_dict


def test_a_term_holds_no_more_holders_than_members_elected(committee, cadre_post):
    term = services.organisation_term_create(
        organisation=committee, number=1, member_count=5, starts_on=D(2019, 6, 1)
    )
    for i in range(5):
        services.post_holding_start(
            post=cadre_post, term=term, name=f"干部{i}", started_on=D(2019, 7, 1)
        )
    with pytest.raises(ValidationError) as exc:
        services.post_holding_start(
            post=cadre_post, term=term, name="干部5", started_on=D(2019, 7, 1)
        )
    assert "term" in exc.value.message_dict


# --- single-holder posts --------------------------------------------------------------


def test_overlapping_holders_of_a_single_holder_post_are_refused(director):
    services.post_holding_start(post=director, name="张三", started_on=D(2019, 7, 1))
    with pytest.raises(ValidationError) as exc:
        services.post_holding_start(post=director, name="李四", started_on=D(2020, 1, 1))
    assert "张三" in exc.value.message_dict["started_on"][0]
    assert PostHolding.objects.filter(post=director).count() == 1


def test_a_past_holding_overlapping_the_new_one_is_refused(director):
    services.post_holding_start(
        post=director, name="张三", started_on=D(2019, 7, 1), ended_on=D(2020, 6, 30)
    )
    with pytest.raises(ValidationError):
        services.post_holding_start(post=director, name="李四", started_on=D(2020, 6, 30))
    held = services.post_holding_start(post=director, name="李四", started_on=D(2020, 7, 1))
    assert held.name == "李四"


def test_the_database_refuses_two_current_holders_of_a_single_holder_post(director):
    PostHolding.objects.create(post=director, name="张三", started_on=D(2019, 7, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        PostHolding.objects.create(post=director, name="李四", started_on=D(2020, 1, 1))


def test_a_post_open_to_several_holders_takes_them_at_once(cadre_post):
    services.post_holding_start(post=cadre_post, name="甲", started_on=D(2019, 7, 1))
    services.post_holding_start(post=cadre_post, name="乙", started_on=D(2019, 7, 1))
    assert PostHolding.objects.filter(post=cadre_post, ended_on__isnull=True).count() == 2


def test_one_person_may_be_secretary_and_director(party, director):
    """书记、主任"一肩挑"."""
    secretary = Post.objects.create(organisation=party, kind=PostKind.SECRETARY, title="党支部书记")
    person = PersonFactory()
    services.post_holding_start(post=secretary, person=person, started_on=D(2019, 7, 1))
    services.post_holding_start(post=director, person=person, started_on=D(2019, 7, 1))
    assert set(person.post_holdings.values_list("post__title", flat=True)) == {
        "党支部书记",
        "社区主任",
    }


# --- recruitment: the age rule -----------------------------------------------------------


def _outsider_id(birth):
    return make_id_number("360735", birth, 11)


def test_an_applicant_aged_40_is_eligible_on_the_day_before_the_41st_birthday(recruitment):
    birth = D(1978, 7, 2)  # 41 on 2019-07-02: still 40 on the recruitment date
    applicant = services.applicant_add(
        round=recruitment, name="王五", id_number=_outsider_id(birth)
    )
    assert applicant.birth_date == birth
    assert applicant.person is None


def test_an_applicant_is_not_eligible_on_the_41st_birthday(recruitment):
    birth = D(1978, 7, 1)  # 41 on the recruitment date
    with pytest.raises(ValidationError) as exc:
        services.applicant_add(round=recruitment, name="王五", id_number=_outsider_id(birth))
    assert "41" in exc.value.message_dict["id_number"][0]
    assert not recruitment.applicants.exists()


def test_a_29_february_birthday_turns_41_on_28_february(cadre_post):
    """Born 1976-02-29: in 2017 (not a leap year) the 41st birthday counts from 28 February."""
    rnd = RecruitmentRound.objects.create(
        title="2017", announced_on=D(2017, 1, 1), recruitment_date=D(2017, 2, 27), places=1
    )
    born = D(1976, 2, 29)
    applicant = services.applicant_add(round=rnd, name="甲", id_number=_outsider_id(born))
    assert applicant.birth_date == born
    rnd.recruitment_date = D(2017, 2, 28)
    rnd.save()
    with pytest.raises(ValidationError):
        services.applicant_add(round=rnd, name="乙", id_number=make_id_number("360735", born, 13))
    assert rnd.applicants.count() == 1


def test_the_age_rule_around_a_29_february_birthday():
    eligible = services.applicant_is_eligible
    born = D(1979, 2, 28)  # not a leap-day birthday: 41 on 2020-02-28
    assert eligible(birth_date=born, on=D(2020, 2, 27), age_limit=40)
    assert not eligible(birth_date=born, on=D(2020, 2, 28), age_limit=40)
    born = D(1980, 2, 29)  # 41 in 2021, not a leap year: from 28 February
    assert eligible(birth_date=born, on=D(2021, 2, 27), age_limit=40)
    assert not eligible(birth_date=born, on=D(2021, 2, 28), age_limit=40)
    born = D(1964, 2, 29)  # 41 in 2005 (not leap) and the 29th in a leap year counts itself
    assert eligible(birth_date=born, on=D(2004, 2, 28), age_limit=40)
    assert eligible(birth_date=born, on=D(2005, 2, 27), age_limit=40)
    assert not eligible(birth_date=born, on=D(2005, 2, 28), age_limit=40)


def test_a_bad_id_number_is_refused_naming_the_field(recruitment):
    with pytest.raises(ValidationError) as exc:
        services.applicant_add(round=recruitment, name="王五", id_number="36073519800101001")
    assert "id_number" in exc.value.message_dict


def test_a_resident_applies_with_the_registry_id_number(recruitment):
    person = PersonFactory(birth_date=D(1990, 3, 3))
    applicant = services.applicant_add(round=recruitment, name="", id_number=person.id_number)
    assert applicant.person == person
    assert applicant.id_number == ""
    assert applicant.name == person.name


def test_a_hired_applicant_takes_the_post_from_the_start_date(recruitment, cadre_post):
    applicant = services.applicant_add(
        round=recruitment, name="王五", id_number=_outsider_id(D(1990, 1, 1))
    )
    services.applicant_decide(
        applicant=applicant,
        hired=True,
        post=cadre_post,
        decided_on=D(2019, 7, 10),
        started_on=D(2019, 8, 1),
    )
    applicant.refresh_from_db()
    assert applicant.result == ApplicantResult.HIRED
    assert applicant.holding.started_on == D(2019, 8, 1)
    assert applicant.holding.post == cadre_post


def test_a_round_hires_no_more_than_its_places(recruitment, cadre_post):
    recruitment.places = 1
    recruitment.save()
    first = services.applicant_add(
        round=recruitment, name="甲", id_number=_outsider_id(D(1990, 1, 1))
    )
    second = services.applicant_add(
        round=recruitment, name="乙", id_number=_outsider_id(D(1991, 1, 1))
    )
    services.applicant_decide(
        applicant=first, hired=True, post=cadre_post, decided_on=D(2019, 7, 10)
    )
    with pytest.raises(ValidationError):
        services.applicant_decide(
            applicant=second, hired=True, post=cadre_post, decided_on=D(2019, 7, 10)
        )
    second.refresh_from_db()
    assert second.result == ApplicantResult.PENDING


# --- resident groups -------------------------------------------------------------------------


def test_a_household_in_two_resident_groups_is_refused(db):
    one = ResidentGroup.objects.create(number=1, name="第一居民小组")
    two = ResidentGroup.objects.create(number=2, name="第二居民小组")
    household = HouseholdFactory()
    services.resident_group_add_household(group=one, household=household)
    with pytest.raises(ValidationError) as exc:
        services.resident_group_add_household(group=two, household=household)
    assert "第一居民小组" in exc.value.message_dict["household"][0]
    assert household.group_memberships.get().group == one


def test_the_database_refuses_a_household_in_two_groups(db):
    from community.organisation.models import ResidentGroupMembership

    one = ResidentGroup.objects.create(number=1, name="一组")
    two = ResidentGroup.objects.create(number=2, name="二组")
    household = HouseholdFactory()
    ResidentGroupMembership.objects.create(group=one, household=household)
    with pytest.raises(IntegrityError), transaction.atomic():
        ResidentGroupMembership.objects.create(group=two, household=household)


def test_members_are_for_mass_organisations_only(committee):
    youth = Organisation.objects.create(name="社区团支部", kind=OrganisationKind.YOUTH_LEAGUE)
    person = PersonFactory()
    services.organisation_member_add(organisation=youth, person=person, joined_on=D(2020, 5, 4))
    with pytest.raises(ValidationError):
        services.organisation_member_add(
            organisation=committee, person=person, joined_on=D(2020, 5, 4)
        )


def test_party_member_transfer_date_needs_the_transfer(party):
    person = PersonFactory()
    with pytest.raises(ValidationError):
        services.party_member_register(
            person=person, joined_on=D(2000, 7, 1), transferred_on=D(2019, 8, 1)
        )
    member = services.party_member_register(
        person=person,
        joined_on=D(2000, 7, 1),
        branch=party,
        transferred_in=True,
        transferred_on=D(2019, 8, 1),
    )
    assert member.branch == party
