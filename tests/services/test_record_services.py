import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from community.models import Department
from core.models import Notification
from core.versioning import EditConflict
from households.models import HukouStatus, LabourCapacity
from services.records import services
from services.records.base import months_before
from services.records.models import (
    Allowance,
    Employment,
    HukouMigration,
    LandRightEvent,
    PensionEnrolment,
    ResidencePermit,
    SchoolEnrolment,
    Training,
)
from tests.households.factories import PersonFactory

from .record_factories import (
    AllowanceFactory,
    EmploymentFactory,
    LandHoldingFactory,
    ResidencePermitFactory,
    unit_user,
)

pytestmark = pytest.mark.django_db

TRAINING = {
    "course": "电工",
    "provider": "县职业学校",
    "started_on": datetime.date(2019, 10, 8),
    "ended_on": datetime.date(2019, 10, 28),
    "certificate": "",
    "note": "",
}


def test_unit_records_training_with_its_unit_and_user(department_user, household_a):
    person = household_a.members.get()

    training = services.record_create(
        user=department_user, record_kind="training", person=person, **TRAINING
    )

    assert training.recorded_unit.code == "human-resources"
    assert training.recorded_by == department_user
    assert training.history.get().history_user == department_user


def test_unit_cannot_record_a_kind_it_does_not_own(department_user, household_a):
    person = household_a.members.get()
    with pytest.raises(PermissionDenied):
        services.record_create(
            user=department_user,
            record_kind="schoolenrolment",
            person=person,
            school="铜锣湾小学",
            grade="",
            status="enrolled",
            started_on=datetime.date(2024, 9, 1),
            ended_on=None,
            reason="",
            note="",
        )
    assert not SchoolEnrolment.objects.exists()


def test_unit_cannot_record_for_another_unit(department_user, household_a):
    with pytest.raises(PermissionDenied):
        services.record_create(
            user=department_user,
            record_kind="training",
            unit=Department.objects.get(code="vocational-school"),
            person=household_a.members.get(),
            **TRAINING,
        )
    assert not Training.objects.exists()


def test_staff_choose_a_responsible_unit(staff_user, household_a):
    person = household_a.members.get()
    with pytest.raises(ValidationError) as missing:
        services.record_create(user=staff_user, record_kind="training", person=person, **TRAINING)
    assert "unit" in missing.value.error_dict
    with pytest.raises(ValidationError) as wrong:
        services.record_create(
            user=staff_user,
            record_kind="training",
            unit=Department.objects.get(code="education"),
            person=person,
            **TRAINING,
        )
    assert "unit" in wrong.value.error_dict
    assert not Training.objects.exists()

    training = services.record_create(
        user=staff_user,
        record_kind="training",
        unit=Department.objects.get(code="vocational-school"),
        person=person,
        **TRAINING,
    )
    assert training.recorded_unit.code == "vocational-school"
    assert training.recorded_by == staff_user


def test_outsider_records_nothing(outsider, household_a):
    with pytest.raises(PermissionDenied):
        services.record_create(
            user=outsider, record_kind="training", person=household_a.members.get(), **TRAINING
        )


def test_no_record_for_someone_who_left(department_user, household_a):
    person = PersonFactory(household=household_a, is_active=False, left_reason="moved_away")
    with pytest.raises(ValidationError) as exc:
        services.record_create(
            user=department_user, record_kind="training", person=person, **TRAINING
        )
    assert "person" in exc.value.error_dict
    assert not Training.objects.exists()


EMPLOYMENT = {
    "employer": "石城工业园区鞋业公司",
    "kind": "park",
    "started_on": datetime.date(2019, 8, 1),
    "ended_on": None,
    "monthly_income": Decimal("2800"),
    "note": "",
}


def test_employment_recorded_for_a_laborer(department_user, household_a):
    employment = services.record_create(
        user=department_user,
        record_kind="employment",
        person=household_a.members.get(),
        **EMPLOYMENT,
    )
    assert employment.kind == Employment.Kind.INDUSTRIAL_PARK


@pytest.mark.parametrize("capacity", [LabourCapacity.LOST, LabourCapacity.NONE])
def test_employment_refused_without_labour_capacity(department_user, household_a, capacity):
    person = PersonFactory(household=household_a, labour_capacity=capacity)
    with pytest.raises(ValidationError) as exc:
        services.record_create(
            user=department_user, record_kind="employment", person=person, **EMPLOYMENT
        )
    assert person.name in exc.value.message_dict["person"][0]
    assert not Employment.objects.exists()


def test_employment_end_before_start_is_refused(department_user, household_a):
    with pytest.raises(ValidationError) as exc:
        services.record_create(
            user=department_user,
            record_kind="employment",
            person=household_a.members.get(),
            **{**EMPLOYMENT, "ended_on": datetime.date(2019, 7, 1)},
        )
    assert list(exc.value.error_dict) == ["ended_on"]


PENSION = {"scheme": "resident", "place": "qinjiang", "ended_on": None, "note": ""}


def test_pension_for_an_adult(household_a):
    civil = unit_user("civil-affairs")
    person = household_a.members.get()
    enrolment = services.record_create(
        user=civil,
        record_kind="pensionenrolment",
        person=person,
        enrolled_on=datetime.date(2020, 1, 1),
        **PENSION,
    )
    assert enrolment.recorded_unit.code == "civil-affairs"


def test_pension_refused_under_16_and_for_students(household_a):
    civil = unit_user("civil-affairs")
    young = PersonFactory(
        household=household_a, birth_date=datetime.date(2005, 6, 1), labour_capacity="none"
    )
    with pytest.raises(ValidationError) as exc:
        services.record_create(
            user=civil,
            record_kind="pensionenrolment",
            person=young,
            enrolled_on=datetime.date(2021, 5, 31),
            **PENSION,
        )
    assert "enrolled_on" in exc.value.error_dict
    student = PersonFactory(
        household=household_a, birth_date=datetime.date(2004, 1, 1), school_status="college"
    )
    with pytest.raises(ValidationError) as exc:
        services.record_create(
            user=civil,
            record_kind="pensionenrolment",
            person=student,
            enrolled_on=datetime.date(2024, 1, 1),
            **PENSION,
        )
    assert "person" in exc.value.error_dict
    assert not PensionEnrolment.objects.exists()
    # The day of the 16th birthday is allowed.
    services.record_create(
        user=civil,
        record_kind="pensionenrolment",
        person=young,
        enrolled_on=datetime.date(2021, 6, 1),
        **PENSION,
    )


REFUSAL = {
    "school": "琴江镇中心小学",
    "grade": "2年级",
    "status": "refused",
    "started_on": datetime.date(2025, 9, 1),
    "ended_on": None,
    "reason": "非本校学区",
    "note": "",
}


def test_refusal_is_escalated_and_notifies_education_and_supervisors(
    household_a, supervisor_user, department_user
):
    education = unit_user("education")
    colleague = unit_user("education", "education-2")
    child = PersonFactory(
        household=household_a, birth_date=datetime.date(2018, 3, 1), labour_capacity="none"
    )

    enrolment = services.record_create(
        user=education, record_kind="schoolenrolment", person=child, **REFUSAL
    )

    assert enrolment.escalated_at is not None
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert told == {education.username, colleague.username, supervisor_user.username}
    note = Notification.objects.get(user=supervisor_user)
    assert note.url == f"/services/records/schoolenrolment/{enrolment.pk}/"
    assert child.name in note.text


def test_refusal_without_reason_is_refused(household_a, supervisor_user):
    education = unit_user("education")
    child = PersonFactory(
        household=household_a, birth_date=datetime.date(2018, 3, 1), labour_capacity="none"
    )
    with pytest.raises(ValidationError) as exc:
        services.record_create(
            user=education,
            record_kind="schoolenrolment",
            person=child,
            **{**REFUSAL, "reason": " "},
        )
    assert "reason" in exc.value.error_dict
    assert not SchoolEnrolment.objects.exists()
    assert not Notification.objects.exists()


def test_changing_a_wait_into_a_refusal_escalates(household_a, supervisor_user):
    education = unit_user("education")
    child = PersonFactory(
        household=household_a, birth_date=datetime.date(2018, 3, 1), labour_capacity="none"
    )
    enrolment = services.record_create(
        user=education,
        record_kind="schoolenrolment",
        person=child,
        **{**REFUSAL, "status": "waiting", "reason": "学位已满"},
    )
    assert enrolment.escalated_at is None and not Notification.objects.exists()

    services.record_update(user=education, record=enrolment, expected_version=1, status="refused")

    enrolment.refresh_from_db()
    assert enrolment.escalated_at is not None
    assert Notification.objects.filter(user=supervisor_user).count() == 1


def test_unit_edits_only_its_own_records(household_a, department_user):
    other = EmploymentFactory(
        person=household_a.members.get(), recorded_unit=Department.objects.get(code="townships")
    )
    with pytest.raises(PermissionDenied):
        services.record_update(
            user=department_user, record=other, expected_version=1, employer="别家"
        )
    other.refresh_from_db()
    assert other.employer == "石城工业园区鞋业公司" and other.version == 1

    own = EmploymentFactory(person=household_a.members.get())
    services.record_update(
        user=department_user, record=own, expected_version=1, monthly_income=Decimal("3100")
    )
    own.refresh_from_db()
    assert own.monthly_income == Decimal("3100.00") and own.version == 2


def test_stale_edit_is_refused(household_a, department_user):
    record = EmploymentFactory(person=household_a.members.get())
    services.record_update(user=department_user, record=record, expected_version=1, employer="甲")
    stale = Employment.objects.get(pk=record.pk)
    stale.version = 1
    with pytest.raises(EditConflict):
        services.record_update(
            user=department_user, record=stale, expected_version=1, employer="乙"
        )
    assert Employment.objects.get(pk=record.pk).employer == "甲"


def test_hukou_migration_updates_the_persons_hukou_status(household_a):
    police = unit_user("qinjiang-police")
    person = household_a.members.get()
    assert person.hukou_status == HukouStatus.ORIGIN

    services.record_create(
        user=police,
        record_kind="hukoumigration",
        person=person,
        status="moved",
        applied_on=datetime.date(2019, 5, 1),
        completed_on=datetime.date(2019, 5, 20),
        note="",
    )

    person.refresh_from_db()
    assert person.hukou_status == HukouStatus.MOVED


def test_moved_hukou_needs_completion_date(household_a):
    police = unit_user("qinjiang-police")
    with pytest.raises(ValidationError) as exc:
        services.record_create(
            user=police,
            record_kind="hukoumigration",
            person=household_a.members.get(),
            status="moved",
            applied_on=datetime.date(2019, 5, 1),
            completed_on=None,
            note="",
        )
    assert "completed_on" in exc.value.error_dict
    assert not HukouMigration.objects.exists()


def test_permit_valid_until_defaults_to_a_year(household_a):
    police = unit_user("public-security")
    permit = services.record_create(
        user=police,
        record_kind="residencepermit",
        person=household_a.members.get(),
        number="JZ1",
        issued_on=datetime.date(2020, 2, 29),
        valid_until=None,
        last_endorsed_on=None,
        note="",
    )
    assert permit.valid_until == datetime.date(2021, 2, 28)


def test_permit_endorsed_in_the_month_before_moves_a_year_on(household_a):
    police = unit_user("public-security")
    permit = ResidencePermitFactory(person=household_a.members.get())

    services.residence_permit_endorse(
        user=police, permit=permit, endorsed_on=datetime.date(2021, 2, 20), expected_version=1
    )

    permit.refresh_from_db()
    assert permit.valid_until == datetime.date(2022, 3, 10)
    assert permit.last_endorsed_on == datetime.date(2021, 2, 20)
    assert not permit.is_suspended_on(datetime.date(2021, 3, 11))


def test_permit_endorsement_too_early_is_refused(household_a):
    police = unit_user("public-security")
    permit = ResidencePermitFactory(person=household_a.members.get())
    with pytest.raises(ValidationError) as exc:
        services.residence_permit_endorse(
            user=police, permit=permit, endorsed_on=datetime.date(2021, 2, 9), expected_version=1
        )
    assert "endorsed_on" in exc.value.error_dict
    permit.refresh_from_db()
    assert permit.valid_until == datetime.date(2021, 3, 10) and permit.last_endorsed_on is None


def test_late_endorsement_ends_the_suspension_and_restarts_the_year(household_a):
    police = unit_user("public-security")
    permit = ResidencePermitFactory(person=household_a.members.get())
    assert permit.is_suspended_on(datetime.date(2021, 5, 1))

    services.residence_permit_endorse(
        user=police, permit=permit, endorsed_on=datetime.date(2021, 5, 1), expected_version=1
    )

    permit.refresh_from_db()
    assert permit.valid_until == datetime.date(2022, 5, 1)
    assert "2021-03-11" in permit.history.first().history_change_reason


def test_other_unit_cannot_endorse(household_a, department_user):
    permit = ResidencePermitFactory(person=household_a.members.get())
    with pytest.raises(PermissionDenied):
        services.residence_permit_endorse(
            user=department_user,
            permit=permit,
            endorsed_on=datetime.date(2021, 3, 1),
            expected_version=1,
        )
    permit.refresh_from_db()
    assert permit.last_endorsed_on is None


def test_rural_dibao_converts_to_urban_after_hukou_moved(household_a):
    civil = unit_user("civil-affairs")
    head = household_a.members.get()
    head.hukou_status = HukouStatus.MOVED
    head.save(update_fields=["hukou_status"])
    rural = AllowanceFactory(
        household=household_a, recorded_unit=Department.objects.get(code="townships")
    )

    urban = services.allowance_convert(
        user=civil,
        allowance=rural,
        converted_on=datetime.date(2020, 1, 1),
        monthly_amount=Decimal("720"),
        expected_version=1,
    )

    rural.refresh_from_db()
    assert rural.ended_on == datetime.date(2019, 12, 31)
    assert urban.kind == Allowance.Kind.DIBAO_URBAN
    assert urban.converted_from == rural
    assert urban.started_on == datetime.date(2020, 1, 1)
    assert urban.recorded_unit.code == "civil-affairs"


def test_urban_dibao_needs_moved_hukou_or_permit(household_a):
    civil = unit_user("civil-affairs")
    rural = AllowanceFactory(household=household_a)
    with pytest.raises(ValidationError) as exc:
        services.allowance_convert(
            user=civil,
            allowance=rural,
            converted_on=datetime.date(2020, 1, 1),
            monthly_amount=Decimal("720"),
            expected_version=1,
        )
    assert "converted_on" in exc.value.error_dict
    rural.refresh_from_db()
    assert rural.ended_on is None and Allowance.objects.count() == 1

    # A residence permit valid that day is enough.
    ResidencePermitFactory(
        person=household_a.members.get(),
        issued_on=datetime.date(2019, 6, 1),
        valid_until=datetime.date(2020, 6, 1),
    )
    services.allowance_convert(
        user=civil,
        allowance=rural,
        converted_on=datetime.date(2020, 1, 1),
        monthly_amount=Decimal("720"),
        expected_version=1,
    )
    assert Allowance.objects.count() == 2


def test_conversion_refused_twice_and_for_other_kinds(household_a):
    civil = unit_user("civil-affairs")
    head = household_a.members.get()
    head.hukou_status = HukouStatus.MOVED
    head.save(update_fields=["hukou_status"])
    rural = AllowanceFactory(household=household_a)
    services.allowance_convert(
        user=civil,
        allowance=rural,
        converted_on=datetime.date(2020, 1, 1),
        monthly_amount=Decimal("720"),
        expected_version=1,
    )
    with pytest.raises(ValidationError):
        services.allowance_convert(
            user=civil,
            allowance=rural,
            converted_on=datetime.date(2020, 2, 1),
            monthly_amount=Decimal("720"),
            expected_version=2,
        )
    tekun = AllowanceFactory(household=household_a, kind="tekun")
    with pytest.raises(ValidationError) as exc:
        services.allowance_convert(
            user=civil,
            allowance=tekun,
            converted_on=datetime.date(2020, 1, 1),
            monthly_amount=Decimal("720"),
            expected_version=1,
        )
    assert "kind" in exc.value.error_dict
    assert Allowance.objects.count() == 3


def test_womens_federation_records_only_womens_assistance(household_a):
    women = unit_user("womens-federation")
    head = household_a.members.get()
    fields = {
        "started_on": datetime.date(2020, 1, 1),
        "ended_on": None,
        "monthly_amount": Decimal("150"),
        "note": "",
    }
    with pytest.raises(ValidationError) as exc:
        services.record_create(
            user=women, record_kind="allowance", household=household_a, kind="dibao_rural", **fields
        )
    assert "kind" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:  # the head of household_a is a man
        services.record_create(
            user=women,
            record_kind="allowance",
            household=household_a,
            person=head,
            kind="women",
            **fields,
        )
    assert "person" in exc.value.error_dict
    assert not Allowance.objects.exists()

    woman = PersonFactory(household=household_a, sex="F")
    allowance = services.record_create(
        user=women,
        record_kind="allowance",
        household=household_a,
        person=woman,
        kind="women",
        **fields,
    )
    assert allowance.recorded_unit.code == "womens-federation"


def test_withdrawal_needs_written_notice_six_months_ahead(household_a):
    land = unit_user("natural-resources")
    holding = LandHoldingFactory(household=household_a)
    day = datetime.date(2021, 8, 31)
    fields = {
        "kind": "withdrawal",
        "happened_on": day,
        "counterparty": "村集体",
        "income": Decimal("5000"),
        "note": "",
    }

    for notice in (None, datetime.date(2021, 3, 1)):
        with pytest.raises(ValidationError) as exc:
            services.land_right_event_create(
                user=land, holding=holding, notice_given_on=notice, **fields
            )
        assert "notice_given_on" in exc.value.error_dict
    assert not LandRightEvent.objects.exists()

    assert months_before(day, 6) == datetime.date(2021, 2, 28)
    event = services.land_right_event_create(
        user=land, holding=holding, notice_given_on=datetime.date(2021, 2, 28), **fields
    )
    assert event.recorded_unit.code == "natural-resources"


def test_land_events_follow_the_holding_kind(household_a, department_user):
    forestry = unit_user("forestry")
    holding = LandHoldingFactory(household=household_a)  # farmland
    fields = {
        "kind": "lease",
        "happened_on": datetime.date(2021, 3, 1),
        "counterparty": "合作社",
        "income": Decimal("600"),
        "notice_given_on": None,
        "note": "",
    }
    with pytest.raises(ValidationError):
        services.land_right_event_create(user=forestry, holding=holding, **fields)
    with pytest.raises(PermissionDenied):
        services.land_right_event_create(user=department_user, holding=holding, **fields)
    assert not LandRightEvent.objects.exists()


def test_training_willingness_set_by_a_training_unit(household_a, department_user):
    person = household_a.members.get()
    services.training_willingness_set(
        user=department_user, person=person, willingness="yes", expected_version=person.version
    )
    person.refresh_from_db()
    assert person.training_willingness == "yes"

    education = unit_user("education")
    with pytest.raises(PermissionDenied):
        services.training_willingness_set(
            user=education, person=person, willingness="no", expected_version=person.version
        )
    person.refresh_from_db()
    assert person.training_willingness == "yes"


def test_record_at_is_aware(department_user, household_a):
    training = services.record_create(
        user=department_user, record_kind="training", person=household_a.members.get(), **TRAINING
    )
    assert timezone.is_aware(training.recorded_at)


def test_invalid_update_changes_nothing(household_a, department_user):
    record = EmploymentFactory(person=household_a.members.get())
    with pytest.raises(ValidationError) as exc:
        services.record_update(
            user=department_user,
            record=record,
            expected_version=1,
            ended_on=datetime.date(2019, 1, 1),
        )
    assert list(exc.value.error_dict) == ["ended_on"]
    record.refresh_from_db()
    assert record.ended_on is None and record.version == 1


def test_unit_cannot_change_a_subkind_it_does_not_record(household_a):
    women = unit_user("womens-federation")
    woman = PersonFactory(household=household_a, sex="F")
    allowance = AllowanceFactory(
        household=household_a,
        person=woman,
        kind="women",
        recorded_unit=Department.objects.get(code="womens-federation"),
    )
    with pytest.raises(ValidationError):
        services.record_update(user=women, record=allowance, expected_version=1, kind="dibao_rural")
    allowance.refresh_from_db()
    assert allowance.kind == "women" and allowance.version == 1


def test_unknown_willingness_is_refused(household_a, department_user):
    person = household_a.members.get()
    with pytest.raises(ValidationError):
        services.training_willingness_set(
            user=department_user,
            person=person,
            willingness="maybe",
            expected_version=person.version,
        )
    person.refresh_from_db()
    assert person.training_willingness == ""


def test_permit_needs_six_months_residence(household_a):
    police = unit_user("public-security")  # household_a moved in on 2019-03-01
    fields = {
        "person": household_a.members.get(),
        "valid_until": None,
        "last_endorsed_on": None,
        "note": "",
    }
    with pytest.raises(ValidationError) as exc:
        services.record_create(
            user=police,
            record_kind="residencepermit",
            number="JZ2",
            issued_on=datetime.date(2019, 8, 31),
            **fields,
        )
    assert "2019-09-01" in exc.value.message_dict["issued_on"][0]
    assert not ResidencePermit.objects.exists()
    services.record_create(
        user=police,
        record_kind="residencepermit",
        number="JZ2",
        issued_on=datetime.date(2019, 9, 1),
        **fields,
    )
