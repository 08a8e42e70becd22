"""Every write to households and people goes through these functions: the staff forms, the
building leaders' pages, the importer and seed_demo call the same code."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.idnumbers import normalize_id_number, normalize_mobile
from core.versioning import save_versioned

from .models import Household, Person, Relationship

HOUSEHOLD_EDITABLE = [
    "dwelling",
    "origin_town",
    "origin_village",
    "relocation_mode",
    "move_in_date",
    "poverty_status",
    "main_cause",
    "secondary_causes",
    "monitoring_category",
    "phone",
    "notes",
]
PERSON_EDITABLE = [
    "relationship",
    "name",
    "id_number",
    "sex",
    "birth_date",
    "ethnicity",
    "education",
    "school_status",
    "health",
    "disability_certificate",
    "labour_capacity",
    "training_willingness",
    "months_worked",
    "phone",
    "hukou_status",
]


def _normalise_person_fields(fields: dict) -> dict:
    if "id_number" in fields:
        fields["id_number"] = normalize_id_number(fields["id_number"])
    if "phone" in fields:
        fields["phone"] = normalize_mobile(fields["phone"])
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
    return fields


@transaction.atomic
def household_create(*, number: str, head: dict, **fields) -> Household:
    """Create a household together with its head (``head``: the head's person fields)."""
    if "phone" in fields:
        fields["phone"] = normalize_mobile(fields["phone"])
    household = Household(number=number.strip(), **fields)
    household.full_clean()
    household.save()
    person_create(household=household, **{**head, "relationship": Relationship.HEAD})
    return household


@transaction.atomic
def household_update(*, household: Household, expected_version: int, **fields) -> Household:
    unknown = set(fields) - set(HOUSEHOLD_EDITABLE) - {"confirmed_at"}
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if "phone" in fields:
        fields["phone"] = normalize_mobile(fields["phone"])
    for name, value in fields.items():
        setattr(household, name, value)
    household.full_clean()
    save_versioned(household, expected_version=expected_version, update_fields=list(fields))
    return household


@transaction.atomic
def person_create(*, household: Household, **fields) -> Person:
    fields = _normalise_person_fields(fields)
    if (
        fields.get("relationship") == Relationship.HEAD
        and household.members.filter(relationship=Relationship.HEAD, is_active=True).exists()
    ):
        raise ValidationError({"relationship": _("This household already has a head.")})
    person = Person(household=household, **fields)
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def person_update(*, person: Person, expected_version: int, **fields) -> Person:
    unknown = set(fields) - set(PERSON_EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    fields = _normalise_person_fields(fields)
    becomes_head = (
        fields.get("relationship") == Relationship.HEAD and person.relationship != Relationship.HEAD
    )
    if (
        person.relationship == Relationship.HEAD
        and fields.get("relationship", Relationship.HEAD) != Relationship.HEAD
    ):
        raise ValidationError(
            {"relationship": _("To change the head, make another member head of household.")}
        )
    if becomes_head:
        # The old head steps aside in the same transaction: one head at every moment.
        old = (
            Person.objects.select_for_update()
            .filter(
                household_id=person.household_id, relationship=Relationship.HEAD, is_active=True
            )
            .exclude(pk=person.pk)
            .first()
        )
        if old is not None:
            old.relationship = Relationship.OTHER
            old._change_reason = _("Head of household changed")
            old.save(update_fields=["relationship"])
    for name, value in fields.items():
        setattr(person, name, value)
    person.full_clean()
    save_versioned(person, expected_version=expected_version, update_fields=list(fields))
    return person


@transaction.atomic
def person_leave(
    *, person: Person, expected_version: int, left_on: datetime.date, reason: str
) -> Person:
    """A member leaves the household (moved away, deceased…): kept, marked inactive."""
    person.is_active = False
    person.left_on = left_on
    person.left_reason = reason
    person.full_clean()
    save_versioned(
        person,
        expected_version=expected_version,
        update_fields=["is_active", "left_on", "left_reason"],
    )
    return person


@transaction.atomic
def household_income_set(*, household: Household, year: int, per_capita_net_income):
    """Record (or correct) a household's per-capita net income for a year."""
    from .models import HouseholdIncome

    income = HouseholdIncome.objects.filter(household=household, year=year).first() or (
        HouseholdIncome(household=household, year=year)
    )
    income.per_capita_net_income = per_capita_net_income
    income.full_clean()
    income.save()
    return income
