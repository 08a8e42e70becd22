import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.versioning import EditConflict
from households import services
from households.models import Person
from tests.households.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db

HEAD = {
    "name": "温建华",
    "id_number": "360735198506150011",
    "labour_capacity": "ordinary",
}


def _heads(household):
    return list(household.members.filter(relationship="01", is_active=True))


def test_household_create_makes_the_head_with_derived_sex_and_birth_date():
    household = services.household_create(
        number=" TLW1 ",
        head=HEAD,
        origin_town="小松镇",
        origin_village="丹溪村",
        poverty_status="general",
    )

    (head,) = _heads(household)
    assert household.number == "TLW1"
    assert (head.sex, head.birth_date) == ("M", datetime.date(1985, 6, 15))


def test_database_refuses_a_second_active_head():
    household = HouseholdFactory()
    PersonFactory(household=household, relationship="01")

    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(household=household, relationship="01")


def test_a_head_who_left_does_not_block_a_new_head_at_the_database():
    household = HouseholdFactory()
    PersonFactory(household=household, relationship="01", is_active=False, left_reason="deceased")

    PersonFactory(household=household, relationship="01")

    assert len(_heads(household)) == 1


def test_person_create_refuses_a_second_head():
    household = HouseholdFactory()
    PersonFactory(household=household, relationship="01")

    with pytest.raises(ValidationError) as exc:
        services.person_create(
            household=household, relationship="01", **{**HEAD, "id_number": "36073519850615002X"}
        )

    assert "relationship" in exc.value.error_dict
    assert household.members.count() == 1


def test_making_another_member_head_keeps_exactly_one_head():
    household = HouseholdFactory()
    old = PersonFactory(household=household, relationship="01")
    spouse = PersonFactory(household=household, relationship="10", sex="F")

    services.person_update(person=spouse, expected_version=spouse.version, relationship="01")

    assert _heads(household) == [spouse]
    old.refresh_from_db()
    assert old.relationship == "99"


def test_the_head_cannot_simply_stop_being_head():
    household = HouseholdFactory()
    head = PersonFactory(household=household, relationship="01")

    with pytest.raises(ValidationError):
        services.person_update(person=head, expected_version=head.version, relationship="20")

    assert _heads(household) == [head]


def test_a_stale_edit_raises_edit_conflict_and_overwrites_nothing():
    person = PersonFactory(name="原名")
    first = Person.objects.get(pk=person.pk)
    second = Person.objects.get(pk=person.pk)
    services.person_update(person=first, expected_version=1, name="第一次")

    with pytest.raises(EditConflict):
        services.person_update(person=second, expected_version=1, name="第二次")

    person.refresh_from_db()
    assert (person.name, person.version) == ("第一次", 2)


def test_id_number_is_normalised_and_unique_among_people():
    PersonFactory(id_number="36073519850615002X", sex="F")
    household = HouseholdFactory()

    with pytest.raises(ValidationError) as exc:
        services.person_create(
            household=household,
            relationship="10",
            name="刘秀英",
            id_number="36073519850615002x",
            labour_capacity="ordinary",
        )

    assert "id_number" in exc.value.error_dict


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"sex": "F"}, "sex"),
        ({"birth_date": datetime.date(1985, 6, 16)}, "birth_date"),
        ({"id_number": "360735198506150012"}, "id_number"),
    ],
)
def test_birth_date_and_sex_must_agree_with_the_id_number(fields, error_field):
    household = HouseholdFactory()

    with pytest.raises(ValidationError) as exc:
        services.person_create(household=household, relationship="20", **{**HEAD, **fields})

    assert error_field in exc.value.error_dict
    assert not household.members.exists()


def test_no_labour_capacity_means_no_months_worked():
    household = HouseholdFactory()

    with pytest.raises(ValidationError) as exc:
        services.person_create(
            household=household,
            relationship="20",
            **{**HEAD, "labour_capacity": "none", "months_worked": 3},
        )

    assert "months_worked" in exc.value.error_dict


def test_person_leave_keeps_the_row_and_says_why():
    person = PersonFactory()

    services.person_leave(
        person=person, expected_version=1, left_on=datetime.date(2020, 5, 1), reason="married_out"
    )

    person.refresh_from_db()
    assert (person.is_active, person.left_reason, person.version) == (False, "married_out", 2)


@pytest.mark.parametrize(
    "certificate, message",
    [
        ("36073519850615001181", "1–7"),  # category 8
        ("36073519850615001101", "1–7"),  # category 0
        ("36073519850615001145", "1–4"),  # grade 5
        ("36073519850615001140", "1–4"),  # grade 0
        ("3607351985061500114", "20"),  # 19 characters
        ("36073519900101002X41", "holder"),  # built on another person's ID number
    ],
)
def test_a_disability_certificate_is_checked_against_the_holders_id(
    household_a, certificate, message
):
    from django.core.exceptions import ValidationError

    from households.models import Person

    person = Person(
        household=household_a,
        relationship="20",
        name="残疾证测试",
        id_number="360735198506150011",
        labour_capacity="ordinary",
        disability_certificate=certificate,
    )
    with pytest.raises(ValidationError) as exc:
        person.full_clean(exclude=["household"])
    assert "disability_certificate" in exc.value.message_dict
    if message != "holder":
        assert message in " ".join(exc.value.message_dict["disability_certificate"])


def test_a_valid_certificate_is_normalised_and_shown_in_words(client_for, staff_user, household_a):
    from households.models import Person

    person = Person(
        household=household_a,
        relationship="20",
        name="残疾证测试",
        id_number="360735198506150011",
        labour_capacity="ordinary",
        disability_certificate="３６０７３５１９８５０６１５００１１ 42",
    )
    person.full_clean(exclude=["household"])
    assert person.disability_certificate == "36073519850615001142"
    person.save()
    page = client_for(staff_user).get(person.get_absolute_url()).content.decode()
    assert "肢体残疾 二级" in page


def test_bulk_errors_are_those_full_clean_gives_each_row_field_by_field():
    """The bulk check (column by column) reports, for each bad row, the fields and messages
    the row's own ``full_clean`` reports, in the same order: the length-only shortcut for
    texts lets no text too long or empty through."""
    from households.services import PERSON_DEFAULTS, PersonRow

    household = HouseholdFactory()
    good = {
        **PERSON_DEFAULTS,
        "household": household.pk,
        "relationship": "10",
        "name": "温秀英",
        "id_number": "360735198703120022",
        "sex": "F",
        "birth_date": datetime.date(1987, 3, 12),
        "labour_capacity": "ordinary",
    }
    cases = [
        {},
        {"name": "温" * 51},
        {"name": ""},
        {"name": "温\x00英"},
        {"phone": "12345"},
        {"birth_date": datetime.date(1987, 3, 13), "labour_capacity": "nonsense"},
        {"id_number": "360735198703120023", "name": "温" * 60},
    ]
    rows = [PersonRow(**{**good, **case}) for case in cases]
    expected = []
    for index, case in enumerate(cases):
        person = Person(**{**good, **case, "household": household})
        try:
            person.full_clean(exclude=["household"], validate_unique=False)
        except ValidationError as exc:
            expected.append(("person", index, exc.message_dict))

    found = services.registry_bulk_errors(people=rows)

    assert [(k, i, list(e)) for k, i, e in found] == [(k, i, list(e)) for k, i, e in expected]
    assert found == expected
    assert [i for _k, i, _e in found] == [1, 2, 4, 5, 6]
