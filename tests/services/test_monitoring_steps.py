"""The identification and clearing steps of monitoring (DOMAIN.md §3)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from community.roles import Role
from core.versioning import EditConflict
from households.models import LabourCapacity
from services.monitoring import services
from services.monitoring.models import CaseStatus, CaseStep, MonitoringCase
from services.monitoring.selectors import is_overdue, open_cases_flagged, overview_counts
from tests.households.factories import HouseholdFactory, PersonFactory
from tests.services.monitoring_helpers import BASE, day, lead, photo, threshold, through, unit_user


@pytest.fixture
def town(db):
    return unit_user("qinjiang", "qinjiang-town")


@pytest.fixture
def county(db):
    return unit_user("fupin2", "poverty-office")


@pytest.fixture
def household(household_a):
    threshold()
    return household_a


def test_full_identification_sets_the_registry_category(household, staff_user, town, county):
    case = through(
        lead(household, staff_user),
        staff=staff_user,
        town=town,
        county=county,
        upto="county_decision",
    )
    assert case.status == CaseStatus.MONITORED
    assert (case.category, case.risk_types, case.decided_on) == ("marginal", ["illness"], day(10))
    household.refresh_from_db()
    assert household.monitoring_category == "marginal"
    assert list(case.steps.values_list("step", "actor__username")) == [
        ("home_check", "staff"),
        ("review", "staff"),
        ("notice", "staff"),
        ("town_review", "qinjiang"),
        ("county_decision", "fupin2"),
    ]


def test_home_check_needs_the_signed_authorisation(household, staff_user):
    case = lead(household, staff_user)
    with pytest.raises(ValidationError) as exc:
        services.home_check_record(
            case=case,
            actor=staff_user,
            done_on=day(1),
            expected_version=case.version,
            income_12m=Decimal("5000"),
        )
    assert "authorisation" in exc.value.message_dict
    assert not CaseStep.objects.exists()


def test_review_is_refused_before_the_authorised_home_check(household, staff_user):
    case = lead(household, staff_user)
    with pytest.raises(ValidationError, match="当前不在“民主评议”环节"):
        services.review_record(
            case=case,
            actor=staff_user,
            done_on=day(2),
            expected_version=case.version,
            category="marginal",
            risk_types=["illness"],
        )
    assert not CaseStep.objects.exists()


def test_a_pdf_scan_is_accepted_as_authorisation(household, staff_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = lead(household, staff_user)
    scan = SimpleUploadedFile("scan.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    services.home_check_record(
        case=case,
        actor=staff_user,
        done_on=day(1),
        expected_version=case.version,
        authorisation=scan,
        income_12m=Decimal("5000"),
    )
    case.refresh_from_db()
    assert case.authorisation.name.endswith(".pdf")


def test_a_file_that_is_neither_photo_nor_pdf_is_refused(household, staff_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = lead(household, staff_user)
    with pytest.raises(ValidationError) as exc:
        services.home_check_record(
            case=case,
            actor=staff_user,
            done_on=day(1),
            expected_version=case.version,
            authorisation=SimpleUploadedFile("x.txt", b"hello"),
            income_12m=Decimal("5000"),
        )
    assert "authorisation" in exc.value.message_dict


def test_unstable_work_needs_a_member_with_labour_capacity(staff_user, building_a):
    threshold()
    household = HouseholdFactory()
    PersonFactory(household=household, relationship="01", labour_capacity=LabourCapacity.NONE)
    case = through(
        lead(household, staff_user), staff=staff_user, town=None, county=None, upto="home_check"
    )
    with pytest.raises(ValidationError) as exc:
        services.review_record(
            case=case,
            actor=staff_user,
            done_on=day(2),
            expected_version=case.version,
            category="marginal",
            risk_types=["unstable_work"],
        )
    assert "有劳动能力" in exc.value.message_dict["risk_types"][0]
    # With a member able to work the same review passes.
    PersonFactory(household=household, relationship="20", labour_capacity=LabourCapacity.WEAK)
    services.review_record(
        case=case,
        actor=staff_user,
        done_on=day(2),
        expected_version=case.version,
        category="marginal",
        risk_types=["unstable_work"],
    )


def test_in_range_categories_need_income_below_the_threshold(household, staff_user):
    case = through(
        lead(household, staff_user),
        staff=staff_user,
        town=None,
        county=None,
        upto="home_check",
        income="7500",
    )
    with pytest.raises(ValidationError) as exc:
        services.review_record(
            case=case,
            actor=staff_user,
            done_on=day(2),
            expected_version=case.version,
            category="unstable",
            risk_types=["illness"],
        )
    assert "7500" in exc.value.message_dict["category"][0]
    # A sudden severe hardship applies above the range.
    services.review_record(
        case=case,
        actor=staff_user,
        done_on=day(2),
        expected_version=case.version,
        category="shock",
        risk_types=["illness"],
    )


def test_a_missing_threshold_is_named(staff_user, household_a):
    case = through(
        lead(household_a, staff_user), staff=staff_user, town=None, county=None, upto="home_check"
    )
    with pytest.raises(ValidationError, match=f"江西省 {BASE.year} 年尚无监测标准"):
        services.review_record(
            case=case,
            actor=staff_user,
            done_on=day(2),
            expected_version=case.version,
            category="marginal",
            risk_types=["illness"],
        )


@pytest.mark.parametrize(("until_day", "ok"), [(6, False), (7, True)])
def test_the_notice_hangs_at_least_five_days(household, staff_user, until_day, ok):
    case = through(
        lead(household, staff_user), staff=staff_user, town=None, county=None, upto="review"
    )
    call = lambda: services.notice_record(  # noqa: E731
        case=case,
        actor=staff_user,
        done_on=day(3),
        notice_until=day(until_day),
        expected_version=case.version,
    )
    if ok:  # 3 … 7 is five days counting both
        call()
    else:
        with pytest.raises(ValidationError) as exc:
            call()
        assert "notice_until" in exc.value.message_dict


@pytest.mark.parametrize(("town_day", "ok"), [(7, False), (8, True)])
def test_the_town_reviews_after_the_notice_came_down(household, staff_user, town, town_day, ok):
    case = through(
        lead(household, staff_user), staff=staff_user, town=town, county=None, upto="notice"
    )
    call = lambda: services.town_review_record(  # noqa: E731
        case=case, actor=town, done_on=day(town_day), expected_version=case.version
    )
    if ok:
        call()
    else:
        with pytest.raises(ValidationError, match="公示截至"):
            call()


def test_only_the_town_and_the_county_record_their_steps(household, staff_user, town, county):
    case = through(
        lead(household, staff_user), staff=staff_user, town=town, county=county, upto="notice"
    )
    with pytest.raises(PermissionDenied):
        services.town_review_record(
            case=case, actor=staff_user, done_on=day(8), expected_version=case.version
        )
    with pytest.raises(PermissionDenied):
        services.town_review_record(
            case=case, actor=county, done_on=day(8), expected_version=case.version
        )
    services.town_review_record(
        case=case, actor=town, done_on=day(8), expected_version=case.version
    )
    case.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.county_decision_record(
            case=case, actor=town, done_on=day(9), expected_version=case.version
        )


def test_a_stale_page_is_refused(household, staff_user):
    case = lead(household, staff_user)
    with pytest.raises(EditConflict):
        services.home_check_record(
            case=case,
            actor=staff_user,
            done_on=day(1),
            expected_version=case.version + 1,
            authorisation=photo(),
            income_12m=Decimal("5000"),
        )


def test_a_review_that_does_not_agree_ends_the_case(household, staff_user):
    case = through(
        lead(household, staff_user), staff=staff_user, town=None, county=None, upto="home_check"
    )
    services.review_record(
        case=case,
        actor=staff_user,
        done_on=day(2),
        expected_version=case.version,
        approved=False,
        note="收入稳定",
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.NOT_INCLUDED
    assert services.next_step(case) is None


def test_leaders_cannot_run_steps(household, staff_user, leader_a):
    case = lead(household, leader_a)
    with pytest.raises(PermissionDenied):
        services.home_check_record(
            case=case,
            actor=leader_a,
            done_on=day(1),
            expected_version=case.version,
            authorisation=photo(),
            income_12m=Decimal("5000"),
        )


def test_fifteen_day_boundary(household, staff_user):
    case = lead(household, staff_user, on=BASE)
    assert case.deadline() == BASE + datetime.timedelta(days=15)
    assert not is_overdue(case, BASE + datetime.timedelta(days=15))
    assert is_overdue(case, BASE + datetime.timedelta(days=16))
    # Flagged from three days before the limit: near on day 12, overdue on day 16.
    assert open_cases_flagged(today=BASE + datetime.timedelta(days=11)) == []
    near = open_cases_flagged(today=BASE + datetime.timedelta(days=12))
    assert [(c.pk, c.flag) for c in near] == [(case.pk, "near")]
    on_limit = open_cases_flagged(today=BASE + datetime.timedelta(days=15))
    assert [c.flag for c in on_limit] == ["near"]
    past = open_cases_flagged(today=BASE + datetime.timedelta(days=16))
    assert [c.flag for c in past] == ["overdue"]
    assert overview_counts(today=BASE + datetime.timedelta(days=15))["overdue"] == 0
    assert overview_counts(today=BASE + datetime.timedelta(days=16))["overdue"] == 1


def test_a_decided_case_is_not_flagged(household, staff_user, town, county):
    through(
        lead(household, staff_user),
        staff=staff_user,
        town=town,
        county=county,
        upto="county_decision",
    )
    assert open_cases_flagged(today=BASE + datetime.timedelta(days=40)) == []


def _clearing(household, staff_user, town, county):
    case = through(
        lead(household, staff_user),
        staff=staff_user,
        town=town,
        county=county,
        upto="county_decision",
    )
    return case, services.clearing_start(
        case=case, actor=staff_user, lead_on=day(40), fact="务工收入稳定"
    )


def _clearing_home_check(clearing, staff_user, since, secure=True):
    return services.home_check_record(
        case=clearing,
        actor=staff_user,
        done_on=day(41),
        expected_version=clearing.version,
        authorisation=photo(),
        income_12m=Decimal("9000"),
        stable_income_since=since,
        schooling_secure=secure,
        medical_secure=secure,
        housing_secure=secure,
        water_secure=True,
    )


def test_clearing_is_refused_before_six_months_of_stable_income(
    household, staff_user, town, county
):
    from services.records.base import months_before

    _case, clearing = _clearing(household, staff_user, town, county)
    too_late = months_before(day(41), 6) + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        _clearing_home_check(clearing, staff_user, too_late)
    assert "stable_income_since" in exc.value.message_dict
    _clearing_home_check(clearing, staff_user, months_before(day(41), 6))


def test_clearing_needs_the_three_guarantees_and_water(household, staff_user, town, county):
    _case, clearing = _clearing(household, staff_user, town, county)
    with pytest.raises(ValidationError) as exc:
        _clearing_home_check(clearing, staff_user, day(-400), secure=False)
    assert "义务教育有保障" in exc.value.message_dict["schooling_secure"][0]


def test_clearing_through_the_county_keeps_the_record(household, staff_user, town, county):
    case, clearing = _clearing(household, staff_user, town, county)
    _clearing_home_check(clearing, staff_user, day(-400))
    clearing.refresh_from_db()
    services.review_record(
        case=clearing, actor=staff_user, done_on=day(42), expected_version=clearing.version
    )
    clearing.refresh_from_db()
    services.notice_record(
        case=clearing,
        actor=staff_user,
        done_on=day(43),
        notice_until=day(47),
        expected_version=clearing.version,
    )
    clearing.refresh_from_db()
    services.town_review_record(
        case=clearing, actor=town, done_on=day(48), expected_version=clearing.version
    )
    clearing.refresh_from_db()
    services.county_decision_record(
        case=clearing, actor=county, done_on=day(50), expected_version=clearing.version
    )
    case.refresh_from_db()
    clearing.refresh_from_db()
    household.refresh_from_db()
    assert (case.status, clearing.status) == (CaseStatus.CLEARED, CaseStatus.CLEARED)
    assert household.monitoring_category == ""
    assert MonitoringCase.objects.filter(household=household).count() == 2
    assert CaseStep.objects.filter(case__household=household).count() == 10


def test_risk_level_needs_a_reason_and_a_monitored_case(household, staff_user, town, county):
    open_case = lead(household, staff_user)
    with pytest.raises(ValidationError):
        services.risk_level_set(
            case=open_case,
            actor=staff_user,
            level="red",
            reason="x",
            expected_version=open_case.version,
        )
    case = through(
        lead(household, staff_user, fact="另一线索"),
        staff=staff_user,
        town=town,
        county=county,
        upto="county_decision",
    )
    with pytest.raises(ValidationError) as exc:
        services.risk_level_set(
            case=case, actor=staff_user, level="red", reason=" ", expected_version=case.version
        )
    assert "risk_reason" in exc.value.message_dict
    services.risk_level_set(
        case=case, actor=staff_user, level="red", reason="大病住院", expected_version=case.version
    )
    case.refresh_from_db()
    assert (case.risk_level, case.risk_reason) == ("red", "大病住院")


def test_measures_are_done_by_their_unit(
    household, staff_user, town, county, department_user, department
):
    from community.models import Department

    case = through(
        lead(household, staff_user),
        staff=staff_user,
        town=town,
        county=county,
        upto="county_decision",
    )
    measure = services.measure_create(
        case=case,
        actor=staff_user,
        kind="employment",
        description="推荐到工业园就业",
        unit=department,
        deadline=day(30),
    )
    other = unit_user("jiaoyu", "education", role=Role.DEPARTMENT)
    with pytest.raises(PermissionDenied):
        services.measure_complete(
            measure=measure,
            actor=other,
            done_on=day(20),
            result="x",
            expected_version=measure.version,
        )
    services.measure_complete(
        measure=measure,
        actor=department_user,
        done_on=day(20),
        result="已上岗",
        expected_version=measure.version,
    )
    measure.refresh_from_db()
    assert measure.done_on == day(20)
    assert Department.objects.get(code="human-resources").monitoring_measures.count() == 1


def test_a_lead_is_closed_with_a_reason_and_kept(household, staff_user):
    case = lead(household, staff_user)
    with pytest.raises(ValidationError):
        services.lead_close(case=case, actor=staff_user, reason="", expected_version=case.version)
    services.lead_close(
        case=case, actor=staff_user, reason="重复线索", expected_version=case.version
    )
    case.refresh_from_db()
    assert (case.status, case.closed_reason) == (CaseStatus.CLOSED, "重复线索")


def test_a_leader_records_leads_for_their_own_building_only(household_a, household_b, leader_a):
    services.lead_create(
        household=household_a, source="self_report", fact="申报", lead_on=BASE, reported_by=leader_a
    )
    with pytest.raises(PermissionDenied):
        services.lead_create(
            household=household_b,
            source="self_report",
            fact="申报",
            lead_on=BASE,
            reported_by=leader_a,
        )
    assert MonitoringCase.objects.count() == 1


def test_the_same_fact_key_never_raises_two_leads(household_a):
    kwargs = dict(
        household=household_a,
        source="alert",
        alert_kind="school_refusal",
        fact="拒收",
        lead_on=BASE,
        fact_key="school_refusal:1",
    )
    services.lead_create(**kwargs)
    with pytest.raises(ValidationError, match="已经产生过线索"):
        services.lead_create(**kwargs)
    assert MonitoringCase.objects.count() == 1
