"""A building leader's household check: contact facts and members' school, work and health
status apply at once (through ``households.services``) and mark the household confirmed."""

from django.db import transaction
from django.utils import timezone

from households import services
from households.models import Household, Person

HOUSEHOLD_CONTACT_FIELDS = ["phone", "notes"]
PERSON_STATUS_FIELDS = [
    "phone",
    "school_status",
    "health",
    "labour_capacity",
    "training_willingness",
    "months_worked",
]


@transaction.atomic
def household_confirm(*, household: Household, expected_version: int, **fields) -> Household:
    """Record that the household's facts were checked now, with any contact facts updated."""
    unknown = set(fields) - set(HOUSEHOLD_CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"not a contact fact: {sorted(unknown)}")
    return services.household_update(
        household=household,
        expected_version=expected_version,
        confirmed_at=timezone.now(),
        **fields,
    )


@transaction.atomic
def person_status_update(*, person: Person, expected_version: int, **fields) -> Person:
    """Update a member's contact and status facts and mark the household confirmed."""
    unknown = set(fields) - set(PERSON_STATUS_FIELDS)
    if unknown:
        raise ValueError(f"not a status fact: {sorted(unknown)}")
    person = services.person_update(person=person, expected_version=expected_version, **fields)
    household = Household.objects.select_for_update().get(pk=person.household_id)
    services.household_update(
        household=household, expected_version=household.version, confirmed_at=timezone.now()
    )
    return person
