"""Every write to households and people goes through these functions: the staff forms, the
building leaders' pages, the importer and seed_demo call the same code."""

import datetime
from dataclasses import dataclass, field

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


@dataclass
class RegistryBulkChange:
    """What a bulk write (the roster import) does, as model instances: new ones unsaved,
    changed ones with their new values set and the names of the changed fields."""

    new_dwellings: list = field(default_factory=list)
    new_households: list = field(default_factory=list)
    changed_households: list = field(default_factory=list)  # [(household, [field names])]
    new_people: list = field(default_factory=list)
    changed_people: list = field(default_factory=list)  # [(person, [field names])]


def registry_bulk_errors(*, households=(), people=()) -> list[tuple[object, ValidationError]]:
    """The checks of ``household_create`` / ``person_create`` / ``person_update`` on each
    object (field validation and the models' ``clean``), without a query per row: foreign
    keys and uniqueness are checked for the whole batch by the caller and by the database's
    constraints inside the write's transaction."""
    errors = []
    for obj, exclude in [(h, ["dwelling"]) for h in households] + [
        (p, ["household"]) for p in people
    ]:
        try:
            obj.clean_fields(exclude=exclude)
            obj.clean()
        except ValidationError as exc:
            errors.append((obj, exc))
    return errors


def registry_bulk_write(
    *, change: RegistryBulkChange, user=None, reason: str, checked: bool = False
) -> dict:
    """The one bulk path into the registry: validates every new and changed object as the
    per-row services do, then writes everything and its django-simple-history rows (with
    ``reason`` as the change reason) in one transaction, and tells the apps above the
    registry that it changed (``households.signals.registry_changed``). ``checked``: the
    caller has just run ``registry_bulk_errors`` on these very objects and found none (the
    roster import's check), so it is not run twice."""
    from simple_history.utils import bulk_create_with_history, bulk_update_with_history

    from buildings.services import dwellings_bulk_create

    from .signals import registry_changed

    errors = (
        []
        if checked
        else registry_bulk_errors(
            households=change.new_households + [h for h, _f in change.changed_households],
            people=change.new_people + [p for p, _f in change.changed_people],
        )
    )
    if errors:
        raise errors[0][1]
    reason = reason[:100]
    history = {"default_user": user, "default_change_reason": reason}
    with transaction.atomic():
        if change.new_dwellings:
            dwellings_bulk_create(dwellings=change.new_dwellings, user=user, reason=reason)
        if change.new_households:
            bulk_create_with_history(
                change.new_households, Household, batch_size=BULK_BATCH, **history
            )
        _bulk_update(change.changed_households, Household, history, bulk_update_with_history)
        # A head who stops being head is written first, so that the new head (new or
        # changed) never meets a second head: the database allows one at every moment.
        changed_ids = [p.pk for p, _f in change.changed_people]
        stepping_down = set()
        for start in range(0, len(changed_ids), BULK_BATCH):
            stepping_down.update(
                Person.objects.filter(
                    pk__in=changed_ids[start : start + BULK_BATCH],
                    relationship=Relationship.HEAD,
                    is_active=True,
                ).values_list("pk", flat=True)
            )
        first = [
            (p, f)
            for p, f in change.changed_people
            if p.pk in stepping_down and p.relationship != Relationship.HEAD
        ]
        first_ids = {p.pk for p, _f in first}
        rest = [(p, f) for p, f in change.changed_people if p.pk not in first_ids]
        _bulk_update(first, Person, history, bulk_update_with_history)
        if change.new_people:
            bulk_create_with_history(change.new_people, Person, batch_size=BULK_BATCH, **history)
        _bulk_update(rest, Person, history, bulk_update_with_history)
        # In the transaction: the kept rule counts mark every building in it (an import may
        # move households between buildings, and the rows it wrote send no signals).
        registry_changed.send(sender=Person, building_ids=None)
    return {
        "dwellings_created": len(change.new_dwellings),
        "households_created": len(change.new_households),
        "households_changed": len(change.changed_households),
        "people_created": len(change.new_people),
        "people_changed": len(change.changed_people),
    }


BULK_BATCH = 2000


def _bulk_update(pairs, model, history, bulk_update_with_history):
    """Group the objects by the set of fields they change: one UPDATE per group and batch,
    each changed row's version raised (so a form opened before the import is refused)."""
    groups: dict[tuple, list] = {}
    for obj, fields in pairs:
        obj.version += 1
        groups.setdefault(tuple(sorted(set(fields))), []).append(obj)
    for fields, objs in groups.items():
        bulk_update_with_history(
            objs, model, fields=[*fields, "version"], batch_size=BULK_BATCH // 4, **history
        )
