"""Each obligation rule with people and households just inside and just outside its
boundaries. ``TODAY`` is pinned so the boundaries are exact."""

import datetime
from decimal import Decimal

import pytest

from services.obligations.rules import (
    HOUSEHOLD,
    INSPECTION,
    PERSON,
    RULE_LIST,
    RULES,
    rule_counts,
    rule_counts_by_building,
)
from services.records.models import Allowance, FamilyPlanningRecord, SchoolEnrolment
from tests.households.factories import DwellingFactory, HouseholdFactory, PersonFactory
from tests.services.rule_factories import (
    AllowanceFactory,
    EmploymentFactory,
    FamilyPlanningRecordFactory,
    HukouMigrationFactory,
    LandHoldingFactory,
    MedicalInsuranceFactory,
    PensionEnrolmentFactory,
    ResidencePermitFactory,
    SchoolEnrolmentFactory,
    TrainingFactory,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 15)
DAY = datetime.timedelta(days=1)


def born(age: int, *, day_later: bool = False) -> datetime.date:
    """Birth date of someone who turns ``age`` on TODAY (or, ``day_later``, tomorrow)."""
    birthday = datetime.date(TODAY.year - age, TODAY.month, TODAY.day)
    return birthday + DAY if day_later else birthday


def fails(code: str, obj, today=TODAY) -> bool:
    return RULES[code].failing(today).filter(pk=obj.pk).exists()


def laborer(**kwargs):
    kwargs.setdefault("birth_date", born(30))
    return PersonFactory(labour_capacity="ordinary", training_willingness="yes", **kwargs)


# --- 1. training within 365 days of moving in ----------------------------------------


def test_training_due_on_the_365th_day_and_overdue_on_the_366th():
    inside = laborer(household=HouseholdFactory(move_in_date=TODAY - 365 * DAY))
    outside = laborer(household=HouseholdFactory(move_in_date=TODAY - 366 * DAY))
    assert fails("training-due", inside) and not fails("training-overdue", inside)
    assert fails("training-overdue", outside) and not fails("training-due", outside)


def test_training_since_moving_in_satisfies_the_rule_but_one_before_does_not():
    household = HouseholdFactory(move_in_date=TODAY - 400 * DAY)
    trained, trained_before = laborer(household=household), laborer(household=household)
    TrainingFactory(person=trained, started_on=household.move_in_date)
    TrainingFactory(person=trained_before, started_on=household.move_in_date - DAY)
    assert not fails("training-overdue", trained)
    assert fails("training-overdue", trained_before)


def test_training_rules_ignore_the_unwilling_the_incapable_and_those_who_left():
    household = HouseholdFactory(move_in_date=TODAY - 400 * DAY)
    unwilling = PersonFactory(household=household, training_willingness="no")
    incapable = PersonFactory(
        household=household, training_willingness="yes", labour_capacity="lost"
    )
    weak = PersonFactory(household=household, training_willingness="yes", labour_capacity="weak")
    left = laborer(household=household, is_active=False, left_reason="moved_away")
    assert [fails("training-overdue", p) for p in (unwilling, incapable, weak, left)] == [
        False,
        False,
        True,
        False,
    ]


def test_unknown_willingness_is_its_own_rule_within_the_working_age_band():
    asked = laborer()
    never_asked = PersonFactory(birth_date=born(30))
    too_old = PersonFactory(birth_date=born(60))
    assert [fails("training-willingness-unknown", p) for p in (asked, never_asked, too_old)] == [
        False,
        True,
        False,
    ]


# --- 2. zero-employment households -----------------------------------------------------


@pytest.mark.parametrize(
    "sex,birth,in_band",
    [
        ("M", born(16), True),
        ("M", born(16, day_later=True), False),
        ("M", born(60, day_later=True), True),  # 59 until tomorrow
        ("M", born(60), False),
        ("F", born(50, day_later=True), True),  # 49 until tomorrow
        ("F", born(50), False),
    ],
)
def test_zero_employment_follows_the_working_age_band_by_sex(sex, birth, in_band):
    household = HouseholdFactory()
    PersonFactory(household=household, sex=sex, birth_date=birth)
    assert fails("zero-employment", household) is in_band


def test_a_current_job_clears_the_household_and_an_ended_one_does_not():
    ended, ends_today, starts_tomorrow = HouseholdFactory(), HouseholdFactory(), HouseholdFactory()
    EmploymentFactory(person=PersonFactory(household=ended), ended_on=TODAY - DAY)
    EmploymentFactory(person=PersonFactory(household=ends_today), ended_on=TODAY)
    EmploymentFactory(person=PersonFactory(household=starts_tomorrow), started_on=TODAY + DAY)
    assert [fails("zero-employment", h) for h in (ended, ends_today, starts_tomorrow)] == [
        True,
        False,
        True,
    ]


def test_a_household_without_labour_capacity_is_not_a_zero_employment_household():
    household = HouseholdFactory()
    PersonFactory(household=household, labour_capacity="none", birth_date=born(40))
    PersonFactory(household=household, labour_capacity="ordinary", birth_date=born(70))
    assert not fails("zero-employment", household)


def test_working_age_bands_are_configuration(settings):
    household = HouseholdFactory()
    PersonFactory(household=household, sex="F", birth_date=born(52))
    assert not fails("zero-employment", household)
    settings.OBLIGATIONS = {**settings.OBLIGATIONS, "WORKING_AGE_WOMEN": (16, 54)}
    assert fails("zero-employment", household)


def test_employment_recorded_for_someone_without_labour_capacity():
    person = PersonFactory(labour_capacity="lost")
    assert not fails("employed-without-capacity", person)
    EmploymentFactory(person=person)
    assert fails("employed-without-capacity", person)


# --- 3. compulsory schooling -----------------------------------------------------------


@pytest.mark.parametrize(
    "birth,in_band",
    [
        (born(6), True),
        (born(6, day_later=True), False),
        (born(16, day_later=True), True),
        (born(16), False),
    ],
)
def test_school_age_band_edges(birth, in_band):
    child = PersonFactory(birth_date=birth, labour_capacity="none")
    assert fails("school-not-enrolled", child) is in_band


def test_a_current_enrolment_clears_the_child_and_an_ended_one_does_not():
    enrolled, ended = PersonFactory(birth_date=born(10)), PersonFactory(birth_date=born(10))
    SchoolEnrolmentFactory(person=enrolled, ended_on=TODAY)
    SchoolEnrolmentFactory(person=ended, ended_on=TODAY - DAY)
    assert not fails("school-not-enrolled", enrolled)
    assert fails("school-not-enrolled", ended)


def test_a_current_refusal_or_wait_is_listed_until_the_child_is_enrolled():
    refused, waiting = PersonFactory(birth_date=born(8)), PersonFactory(birth_date=born(8))
    SchoolEnrolmentFactory(person=refused, status=SchoolEnrolment.Status.REFUSED, reason="学位已满")
    SchoolEnrolmentFactory(person=waiting, status=SchoolEnrolment.Status.WAITING)
    assert fails("school-refused", refused) and fails("school-refused", waiting)
    SchoolEnrolmentFactory(person=refused, school="琴江二小", started_on=TODAY)
    assert not fails("school-refused", refused)
    assert not fails("school-not-enrolled", refused)


# --- 4. medical insurance for the current year ------------------------------------------


def test_medical_insurance_counts_for_the_calendar_year_only():
    person = PersonFactory()
    MedicalInsuranceFactory(person=person, year=2025)
    assert not fails("medical-insurance-missing", person, today=datetime.date(2025, 12, 31))
    assert fails("medical-insurance-missing", person, today=datetime.date(2026, 1, 1))
    MedicalInsuranceFactory(person=person, year=2026)
    assert not fails("medical-insurance-missing", person, today=datetime.date(2026, 1, 1))


# --- 5. pension --------------------------------------------------------------------------


def test_pension_rule_starts_at_16_and_skips_students():
    sixteen = PersonFactory(birth_date=born(16))
    fifteen = PersonFactory(birth_date=born(16, day_later=True))
    student = PersonFactory(birth_date=born(18), school_status="college")
    assert [fails("pension-not-enrolled", p) for p in (sixteen, fifteen, student)] == [
        True,
        False,
        False,
    ]


def test_a_current_pension_enrolment_clears_the_adult():
    enrolled, ended = PersonFactory(), PersonFactory()
    PensionEnrolmentFactory(person=enrolled)
    PensionEnrolmentFactory(person=ended, ended_on=TODAY - DAY)
    assert not fails("pension-not-enrolled", enrolled)
    assert fails("pension-not-enrolled", ended)


# --- 6. residence permits ----------------------------------------------------------------


def test_a_permit_valid_until_today_is_valid_and_one_until_yesterday_is_overdue():
    valid, lapsed, none = PersonFactory(), PersonFactory(), PersonFactory()
    ResidencePermitFactory(person=valid, valid_until=TODAY)
    ResidencePermitFactory(person=lapsed, valid_until=TODAY - DAY)
    assert [fails("residence-permit-missing", p) for p in (valid, lapsed, none)] == [
        False,
        True,
        True,
    ]


def test_people_whose_hukou_moved_need_no_permit():
    registry_moved = PersonFactory(hukou_status="moved")
    migrated = PersonFactory()
    HukouMigrationFactory(person=migrated, completed_on=TODAY)
    assert not fails("residence-permit-missing", registry_moved)
    assert not fails("residence-permit-missing", migrated)


# --- 7. 低保 conversion ----------------------------------------------------------------------


def test_rural_dibao_after_a_hukou_move_needs_a_conversion():
    member = PersonFactory()
    household = member.household
    rural = AllowanceFactory(household=household, started_on=datetime.date(2025, 1, 1))
    assert not fails("dibao-not-converted", household)
    HukouMigrationFactory(person=member, completed_on=datetime.date(2025, 1, 1))
    assert fails("dibao-not-converted", household)
    rural.ended_on = datetime.date(2025, 6, 30)
    rural.save()
    AllowanceFactory(
        household=household,
        kind=Allowance.Kind.DIBAO_URBAN,
        started_on=datetime.date(2025, 7, 1),
        converted_from=rural,
    )
    assert not fails("dibao-not-converted", household)


def test_a_move_before_the_allowance_started_needs_no_conversion_but_a_later_permit_does():
    member = PersonFactory()
    household = member.household
    HukouMigrationFactory(person=member, completed_on=datetime.date(2024, 12, 31))
    AllowanceFactory(household=household, started_on=datetime.date(2025, 1, 1))
    assert not fails("dibao-not-converted", household)
    ResidencePermitFactory(
        person=PersonFactory(household=household), issued_on=datetime.date(2025, 2, 1)
    )
    assert fails("dibao-not-converted", household)


# --- 8. housing red line and dwellings ----------------------------------------------------


def test_housing_red_line_is_25_square_metres_per_active_member():
    at_line = HouseholdFactory(dwelling=DwellingFactory(area=Decimal("75.00")))
    over = HouseholdFactory(dwelling=DwellingFactory(area=Decimal("75.01")))
    for household in (at_line, over):
        PersonFactory.create_batch(3, household=household)
    PersonFactory(household=over, is_active=False, left_reason="moved_away")
    assert not fails("housing-over-red-line", at_line)
    assert fails("housing-over-red-line", over)


def test_household_without_a_dwelling():
    homeless, housed = HouseholdFactory(dwelling=None), HouseholdFactory()
    assert fails("no-dwelling", homeless) and not fails("no-dwelling", housed)
    assert not fails("housing-over-red-line", homeless)


# --- rules the plan implies ----------------------------------------------------------------


def test_disability_certificate_without_assistance():
    person = PersonFactory(birth_date=born(40))
    person.disability_certificate = person.id_number + "41"
    person.save()
    assert fails("disability-assistance-missing", person)
    AllowanceFactory(person=person, kind=Allowance.Kind.DISABILITY, monthly_amount=Decimal("100"))
    assert not fails("disability-assistance-missing", person)
    assert not fails("disability-assistance-missing", PersonFactory())


def test_family_planning_archive_kept_unless_a_later_check_found_it_missing():
    household = HouseholdFactory()
    assert fails("family-planning-missing", household)
    FamilyPlanningRecordFactory(household=household, checked_on=datetime.date(2025, 1, 1))
    assert not fails("family-planning-missing", household)
    FamilyPlanningRecordFactory(
        household=household,
        status=FamilyPlanningRecord.Status.MISSING,
        checked_on=datetime.date(2025, 6, 1),
    )
    assert fails("family-planning-missing", household)


def test_household_without_land_holding():
    household = HouseholdFactory()
    assert fails("land-holding-missing", household)
    LandHoldingFactory(household=household)
    assert not fails("land-holding-missing", household)


# --- counts --------------------------------------------------------------------------------


def test_counts_and_per_building_breakdown_agree_with_the_lists(django_assert_num_queries):
    for i in range(3):
        household = HouseholdFactory(move_in_date=TODAY - (300 + 40 * i) * DAY)
        laborer(household=household)
        PersonFactory(household=household, birth_date=born(9), labour_capacity="none")
    HouseholdFactory(dwelling=None)
    # One COUNT per rule (a rule's Exists as a join, not a subplan per row).
    with django_assert_num_queries(len(RULE_LIST)):
        counts = rule_counts(today=TODAY)
    assert counts == {r.code: r.failing(TODAY).count() for r in RULE_LIST}
    assert counts["training-due"] == 2 and counts["training-overdue"] == 1
    with django_assert_num_queries(len(RULE_LIST)):  # one grouped query per rule
        by_building = rule_counts_by_building(RULE_LIST, today=TODAY)
    for rule in RULE_LIST:
        assert sum(row.get(rule.code, 0) for row in by_building.values()) == counts[rule.code]


def test_every_rule_names_units_of_the_plan_and_a_subject():
    from community.departments import DEPARTMENTS

    codes = {d[0] for d in DEPARTMENTS}
    for rule in RULE_LIST:
        assert rule.units and set(rule.units) <= codes, rule.code
        assert rule.subject in (PERSON, HOUSEHOLD, INSPECTION)
    assert len(RULES) == len(RULE_LIST)


def test_a_29_february_birthday_counts_from_28_february_in_other_years():
    child = PersonFactory(birth_date=datetime.date(2020, 2, 29), labour_capacity="none")
    assert not fails("school-not-enrolled", child, today=datetime.date(2026, 2, 27))
    assert fails("school-not-enrolled", child, today=datetime.date(2026, 2, 28))
