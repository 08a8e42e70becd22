"""Every write to households and people goes through these functions: the staff forms, the
building leaders' pages, the importer and seed_demo call the same code."""

import datetime
from dataclasses import dataclass, field, make_dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction
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


# --- the bulk path (the roster import) -------------------------------------------------------
#
# Rows travel as slotted objects of the models' concrete fields (no model instance, no dict
# per row: 100,000 people are checked and written in seconds and little memory). A person's
# ``household`` is the household's number (a new household has no pk before the write), a
# household's ``dwelling`` a dwelling pk, a new ``Dwelling`` of the change, or None.


def _row_fields(model, reference: str) -> list[str]:
    return [reference] + [
        f.attname for f in model._meta.concrete_fields if not f.primary_key and f.name != reference
    ]


PERSON_ROW_FIELDS = _row_fields(Person, "household")
HOUSEHOLD_ROW_FIELDS = _row_fields(Household, "dwelling")
PersonRow = make_dataclass("PersonRow", PERSON_ROW_FIELDS, slots=True)
HouseholdRow = make_dataclass("HouseholdRow", HOUSEHOLD_ROW_FIELDS, slots=True)


def _defaults(model, fields) -> dict:
    out = {}
    for name in fields:
        try:
            field = model._meta.get_field(name)
        except Exception:  # the attname of a foreign key
            field = next(f for f in model._meta.concrete_fields if f.attname == name)
        out[name] = None if field.is_relation else field.get_default()
    return out


PERSON_DEFAULTS = _defaults(Person, PERSON_ROW_FIELDS)
HOUSEHOLD_DEFAULTS = _defaults(Household, HOUSEHOLD_ROW_FIELDS)


class RegistryConflict(Exception):
    """A record the bulk write changes was changed by someone else since it was read."""


@dataclass
class RegistryBulkChange:
    """What a bulk write (the roster import) does. Changed rows carry the version they were
    read at: the write refuses (``RegistryConflict``) when a stored version differs."""

    new_dwellings: list = field(default_factory=list)  # unsaved Dwelling instances
    new_households: list = field(default_factory=list)  # [HouseholdRow]
    changed_households: list = field(default_factory=list)  # [(pk, HouseholdRow)]
    new_people: list = field(default_factory=list)  # [PersonRow]
    changed_people: list = field(default_factory=list)  # [(pk, PersonRow)]
    household_ids: dict = field(default_factory=dict)  # {number: pk} of stored households
    heads_stepping_down: set = field(default_factory=set)  # pks of heads who stop being head
    # The buildings whose households or people change, before and after (pks; None for a
    # household without a dwelling): the rule counts of only these are counted again.
    building_ids: set = field(default_factory=set)

    def __bool__(self):
        return bool(
            self.new_dwellings
            or self.new_households
            or self.changed_households
            or self.new_people
            or self.changed_people
        )


class _FieldCheck:
    """One model field's validation (``Field.clean``: type, choices, blank/null, validators),
    with the values already found valid remembered, so that an enumeration or a date seen
    100,000 times is checked once. A plain text field (no choices) takes a value at once when
    it is a string its ``clean`` would take: no NUL, not longer than ``max_length``, not
    empty unless blank is allowed, and passing the field's own other validators (a mobile
    number's); anything else goes through ``Field.clean`` itself, for its message."""

    __slots__ = ("field", "good", "limit", "text", "max_length", "blank", "validators")

    def __init__(self, field):
        from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator

        self.field = field
        self.good = set()
        self.limit = 5000  # distinct values remembered (names and ID numbers are not)
        self.text = (
            field.get_internal_type() in ("CharField", "TextField")
            and not field.choices
            and field.editable
        )
        self.max_length = field.max_length
        self.blank = field.blank
        self.validators = [
            v
            for v in field.validators
            if not isinstance(v, MaxLengthValidator | ProhibitNullCharactersValidator)
        ]

    def errors(self, value) -> list[str] | None:
        if self.text and value.__class__ is str and "\x00" not in value:
            if value:
                if self.max_length is None or len(value) <= self.max_length:
                    try:
                        for validator in self.validators:
                            validator(value)
                        return None
                    except ValidationError:
                        pass
            elif self.blank:
                return None
        try:
            if value in self.good:
                return None
        except TypeError:  # a list (JSON): checked each time
            pass
        try:
            self.field.clean(value, None)
        except ValidationError as exc:
            return exc.messages
        if len(self.good) < self.limit:
            try:
                self.good.add(value)
            except TypeError:
                pass
        return None


def _checks(model, fields) -> list:
    out = []
    for name in fields:
        field = next((f for f in model._meta.concrete_fields if f.attname == name), None)
        if field is None or field.is_relation or field.primary_key:
            continue  # references are resolved and checked by the caller and the database
        out.append((name, _FieldCheck(field)))
    return out


def registry_bulk_errors(*, households=(), people=()) -> list[tuple[str, int, dict]]:
    """The checks of ``household_create`` / ``person_create`` / ``person_update`` on each
    row: every field's validation and the models' ``clean`` (``Person.clean`` run on the
    row itself), without a query: foreign keys and uniqueness are checked for the whole
    batch by the caller and by the database's constraints inside the write's transaction.
    Returns ``[("household" | "person", index in its list, {field: [messages]})]``."""
    from operator import attrgetter

    found = []
    for kind, rows, model, fields in (
        ("household", households, Household, HOUSEHOLD_ROW_FIELDS),
        ("person", people, Person, PERSON_ROW_FIELDS),
    ):
        # Column by column: one pass over a field's values, the values already found good
        # skipped by one set lookup, a text without validators by its length alone (the
        # names and ID numbers, different on every row); each row's messages in field
        # order, then those of ``clean``, as ``full_clean`` gives them.
        by_row: dict[int, dict] = {}
        for name, check in _checks(model, fields):
            good = check.good
            plain_text = check.text and not check.validators and check.max_length is not None
            longest = check.max_length or 0
            for index, value in enumerate(map(attrgetter(name), rows)):
                if (
                    plain_text
                    and value.__class__ is str
                    and 0 < len(value) <= longest
                    and "\x00" not in value
                ):
                    continue
                try:
                    if value in good:
                        continue
                except TypeError:
                    pass
                messages = check.errors(value)
                if messages:
                    by_row.setdefault(index, {})[name] = messages
        clean = model.clean if model.clean is not models.Model.clean else None
        if clean is not None:
            for index, row in enumerate(rows):
                try:
                    clean(row)
                except ValidationError as exc:
                    errors = by_row.setdefault(index, {})
                    for name, messages in exc.message_dict.items():
                        errors.setdefault(name, []).extend(messages)
        found.extend((kind, index, by_row[index]) for index in sorted(by_row))
    return found


def registry_bulk_write(
    *, change: RegistryBulkChange, user=None, reason: str, checked: bool = False
) -> dict:
    """The one bulk path into the registry: validates every new and changed row as the
    per-row services do (unless ``checked``: the caller has just run
    ``registry_bulk_errors`` on these very rows and found none), then, in one transaction,
    writes them with their django-simple-history rows (``reason`` as the change reason) and
    tells the apps above the registry which buildings changed
    (``households.signals.registry_changed``). On PostgreSQL new rows go in with ``COPY``
    and changed rows with one ``UPDATE … FROM (VALUES …)`` per batch, the history rows with
    one ``INSERT … SELECT`` from the rows written; elsewhere through ``bulk_create`` and
    ``bulk_update``. A change with nothing in it writes nothing."""
    written = {
        "dwellings_created": len(change.new_dwellings),
        "households_created": len(change.new_households),
        "households_changed": len(change.changed_households),
        "people_created": len(change.new_people),
        "people_changed": len(change.changed_people),
    }
    if not change:
        return written
    if not checked:
        errors = registry_bulk_errors(
            households=change.new_households + [r for _pk, r in change.changed_households],
            people=change.new_people + [r for _pk, r in change.changed_people],
        )
        if errors:
            raise ValidationError(errors[0][2])
    from buildings.services import dwellings_bulk_create

    from . import bulkwrite
    from .signals import registry_changed

    reason = reason[:100]
    with transaction.atomic():
        bulkwrite.lock_versions(Household, change.changed_households)
        bulkwrite.lock_versions(Person, change.changed_people)
        if change.new_dwellings:
            dwellings_bulk_create(dwellings=change.new_dwellings, user=user, reason=reason)
        writer = bulkwrite.writer(user=user, reason=reason)
        numbers = dict(change.household_ids)
        numbers.update(writer.create(Household, change.new_households, key="number"))
        writer.update(Household, change.changed_households)
        # A head who stops being head is written first, so that the new head (new or
        # changed) never meets a second head: the database allows one at every moment.
        first = [(pk, r) for pk, r in change.changed_people if pk in change.heads_stepping_down]
        rest = [(pk, r) for pk, r in change.changed_people if pk not in change.heads_stepping_down]
        writer.update(Person, first, households=numbers)
        writer.create(Person, change.new_people, households=numbers)
        writer.update(Person, rest, households=numbers)
        writer.history()
        # In the transaction: the kept rule counts mark the buildings touched (the rows
        # written send no signals).
        registry_changed.send(sender=Person, building_ids=sorted(change.building_ids, key=str))
    return written
