"""Checking every row of a roster before anything is written, and planning the write.

``check_table`` turns the rows into a ``Check``: the messages (errors and warnings, each
naming the row and the column in Chinese), what would be new, changed (field by field,
old → new) and unchanged, and the ``RegistryBulkChange`` that ``households.services``
writes. The registry is read in a few queries per 2,000 rows, never one per row.

Rules: an empty cell leaves a stored value as it is (a new record gets the default); people
are matched by ID number, households by household number; household facts come from the
head's row, and another row of the same household that says otherwise is an error.
"""

import datetime
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from buildings.models import Building, Dwelling
from core.idnumbers import (
    MOBILE_RE,
    mask_document_number,
    mask_id_number,
    normalize_id_number,
    normalize_mobile,
    parse_disability_certificate,
    parse_id_number,
)
from households.models import Household, Person, Relationship
from households.services import RegistryBulkChange, registry_bulk_errors

from .columns import BY_KEY, COLUMNS, HOUSEHOLD_FIELDS, PERSON_FIELDS, Column, enum_lookup
from .reader import Table, excel_date, is_blank

CHUNK = 2000
SAMPLE_LIMIT = 500  # rows of each kind kept for the preview page
_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_FULLWIDTH = str.maketrans("０１２３４５６７８９．－／", "0123456789.-/")
_ENUMS = {c.key: enum_lookup(c) for c in COLUMNS if c.kind == "enum"}
DWELLING_KEYS = ("building", "entrance", "floor", "room", "area")


@dataclass
class Options:
    create_dwellings: bool = False
    apply_moves: bool = False


@dataclass
class Message:
    row: int
    header: str  # the column's header in the template ("" for the row as a whole)
    text: str
    value: str = ""
    column: int | None = None  # index of the cell in the file's row

    def __str__(self):
        if self.header:
            return _("Row %(row)d, %(field)s: %(message)s") % {
                "row": self.row,
                "field": self.header,
                "message": self.text,
            }
        return _("Row %(row)d: %(message)s") % {"row": self.row, "message": self.text}


@dataclass
class Check:
    table: Table
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    change: RegistryBulkChange = field(default_factory=RegistryBulkChange)
    new_rows: list = field(default_factory=list)  # preview samples
    changed_rows: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    fingerprint: str = ""
    compared: list = field(default_factory=list)  # [(tag, pk, version)] behind the fingerprint

    @property
    def ok(self) -> bool:
        return not self.errors

    def error_rows(self) -> dict:
        rows: dict[int, list] = {}
        for message in self.errors:
            rows.setdefault(message.row, []).append(message)
        return rows

    def column_summary(self) -> list[dict]:
        """Per column: how many rows are wrong, a few of the bad values, the expected form."""
        summary: dict[str, dict] = {}
        for message in self.errors:
            key = message.header or _("whole row")
            entry = summary.setdefault(
                key, {"header": key, "rows": set(), "samples": [], "expected": ""}
            )
            entry["rows"].add(message.row)
            if (
                message.value
                and message.value not in entry["samples"]
                and len(entry["samples"]) < 3
            ):
                entry["samples"].append(message.value)
            column = next((c for c in COLUMNS if c.header == key), None)
            if column is not None:
                entry["expected"] = expected_form(column)
        return [
            {**e, "rows": len(e["rows"])}
            for e in sorted(summary.values(), key=lambda e: -len(e["rows"]))
        ]


def expected_form(column: Column) -> str:
    if column.kind == "enum":
        return "、".join(column.choices)
    return column.hint


# --- cells -------------------------------------------------------------------------


class CellError(Exception):
    pass


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()[:10]
    return str(value).strip()


def parse_date(value, text: str | None = None) -> datetime.date:
    day = excel_date(value)
    if day is not None:
        return day
    text = (_text(value) if text is None else text).translate(_FULLWIDTH).replace(" ", "")
    try:
        if re.fullmatch(r"\d{8}", text):
            return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        match = _DATE_RE.match(text)
        if match:
            return datetime.date(*(int(g) for g in match.groups()))
    except ValueError:
        raise CellError(_("the date %(value)s does not exist.") % {"value": text}) from None
    raise CellError(
        _(
            "not a date. Write it as 2019-05-25, 2019/5/25, 2019.5.25, 2019年5月25日 or "
            "20190525, or as an Excel date."
        )
    )


def _parse_cell(column: Column, value, text: str):
    if column.kind == "id":
        if isinstance(value, float | int) and not isinstance(value, bool):
            raise CellError(
                _(
                    "the ID number is stored as a number, which loses its last digits: "
                    "format the column as text and type it again."
                )
            )
        try:
            return parse_id_number(text)
        except ValidationError as exc:
            raise CellError(exc.messages[0]) from None
    if column.kind == "date":
        return parse_date(value, text)
    if column.kind == "enum":
        found = _ENUMS[column.key].get(text)
        if found is None:
            text = text.replace(" ", "").replace("\u3000", "")
            found = _ENUMS[column.key].get(text)
        if found is None:
            raise CellError(
                _("“%(value)s” is not an allowed value. Allowed: %(allowed)s.")
                % {"value": text, "allowed": "、".join(column.choices)}
            )
        return str(found)
    if column.kind == "mobile":
        text = normalize_mobile(text)
        if not MOBILE_RE.match(text):
            raise CellError(_("a mobile number is 11 digits starting with 13–19."))
        return text
    if column.kind == "int":
        text = text.translate(_FULLWIDTH)
        if not re.fullmatch(r"-?\d{1,4}", text):
            raise CellError(_("must be a whole number."))
        return int(text)
    if column.kind == "decimal":
        try:
            number = Decimal(text.translate(_FULLWIDTH))
        except InvalidOperation:
            raise CellError(_("must be a number.")) from None
        if not number.is_finite() or number <= 0 or number >= 10000:
            raise CellError(_("must be a number above 0 and below 10000."))
        return number.quantize(Decimal("0.01"))
    if column.kind == "certificate":
        return normalize_id_number(text)
    if column.max_length and len(text) > column.max_length:
        raise CellError(
            _("at most %(n)d characters; this has %(m)d.")
            % {"n": column.max_length, "m": len(text)}
        )
    return text


# --- rows ----------------------------------------------------------------------------


class RawCells:
    """The cells of a row as written, by column key, read from the file's row itself (no
    copy per row: 100,000 rows hold one index between them)."""

    __slots__ = ("cells", "index")

    def __init__(self, cells: list, index: dict):
        self.cells = cells
        self.index = index

    def get(self, key, default=""):
        i = self.index.get(key)
        if i is None or i >= len(self.cells) or is_blank(self.cells[i]):
            return default
        return _text(self.cells[i])

    def __contains__(self, key):
        return bool(self.get(key))

    def __getitem__(self, key):
        return self.get(key)


@dataclass
class Row:
    number: int
    values: dict  # column key → parsed value (only filled cells)
    raw: RawCells  # column key → the cell as written
    cells: dict  # column key → index in the file's row (one dict shared by all rows)
    id_info: object = None
    bad: bool = False


def _parse_row(number: int, cells: list, columns, check: Check, index: dict) -> Row:
    row = Row(number=number, values={}, raw=RawCells(cells, index), cells=index)
    for i, column in columns:
        value = cells[i] if i < len(cells) else ""
        if is_blank(value):
            continue
        text = _text(value)
        try:
            parsed = _parse_cell(column, value, text)
        except CellError as exc:
            _error(check, row, column.key, str(exc))
            continue
        if column.kind == "id":
            row.id_info = parsed
            parsed = parsed.number
        row.values[column.key] = parsed
    for column in COLUMNS:
        if column.required and column.level == "person" and column.key not in row.raw:
            _error(check, row, column.key, _("required; the cell is empty."))
    if not row.raw.get("number"):
        _error(check, row, "number", _("required; the cell is empty."))
    info = row.id_info
    if info is not None:
        if "birth_date" in row.values and row.values["birth_date"] != info.birth_date:
            _error(
                check,
                row,
                "birth_date",
                _("does not match the ID number, which gives %(date)s.")
                % {"date": info.birth_date.isoformat()},
            )
        if "sex" in row.values and row.values["sex"] != info.sex:
            _error(
                check,
                row,
                "sex",
                _("does not match the ID number, which gives %(sex)s.")
                % {"sex": "男" if info.sex == "M" else "女"},
            )
        certificate = row.values.get("disability_certificate")
        if certificate:
            try:
                row.values["disability_certificate"] = parse_disability_certificate(
                    certificate, id_number=info.number
                )
            except ValidationError as exc:
                _error(check, row, "disability_certificate", exc.messages[0])
    return row


def _error(check: Check, row: Row, key: str | None, text: str, *, warning=False):
    column = BY_KEY.get(key) if key else None
    value = row.raw.get(key, "") if key else ""
    if key in ("id_number", "disability_certificate"):
        value = mask_document_number(value) if len(value) >= 18 else value
    message = Message(
        row=row.number,
        header=column.header if column else "",
        text=text,
        value=value,
        column=row.cells.get(key) if key else None,
    )
    if warning:
        check.warnings.append(message)
    else:
        check.errors.append(message)
        row.bad = True


# --- the registry, read in chunks -------------------------------------------------------


def _chunks(values):
    values = list(values)
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _existing_people(ids) -> dict:
    found = {}
    for chunk in _chunks(ids):
        for person in Person.objects.filter(id_number__in=chunk).select_related("household"):
            found[person.id_number] = person
    return found


def _existing_households(numbers) -> dict:
    found = {}
    for chunk in _chunks(numbers):
        for household in Household.objects.filter(number__in=chunk).select_related(
            "dwelling__building"
        ):
            found[household.number] = household
    return found


def _members(household_ids) -> dict:
    members: dict[int, list] = {}
    for chunk in _chunks(household_ids):
        for person in Person.objects.filter(household_id__in=chunk, is_active=True).only(
            "id", "household_id", "relationship", "id_number", "name", "version"
        ):
            members.setdefault(person.household_id, []).append(person)
    return members


def _namesakes(names) -> dict:
    found: dict[tuple, set] = {}
    for chunk in _chunks(names):
        for name, birth, number in Person.objects.filter(name__in=chunk).values_list(
            "name", "birth_date", "id_number"
        ):
            found.setdefault((name, birth), set()).add(number)
    return found


# --- the check ----------------------------------------------------------------------------


def check_table(table: Table, options: Options | None = None, progress=None) -> Check:
    options = options or Options()
    check = Check(table=table)
    rows = []
    index = {column.key: i for i, column in table.columns}
    for i, (number, cells) in enumerate(table.rows):
        rows.append(_parse_row(number, cells, table.columns, check, index))
        if progress and i % 5000 == 4999:
            progress(i + 1, len(table.rows))
    _check_duplicates(rows, check)
    by_household: dict[str, list[Row]] = {}
    for row in rows:
        if row.raw.get("number"):
            by_household.setdefault(row.values.get("number", row.raw["number"]), []).append(row)
    people = _existing_people(r.values["id_number"] for r in rows if "id_number" in r.values)
    households = _existing_households(by_household)
    members = _members(h.pk for h in households.values())
    namesakes = _namesakes({r.values["name"] for r in rows if "name" in r.values})
    dwellings = _dwellings(rows)
    new_dwellings: dict[tuple, Dwelling] = {}
    plans = []
    for number, hrows in by_household.items():
        plans.append(
            _plan_household(
                number, hrows, check, options, households, people, members, dwellings, new_dwellings
            )
        )
    for row in rows:
        key = (
            row.values.get("name"),
            row.values.get("birth_date") or getattr(row.id_info, "birth_date", None),
        )
        others = namesakes.get(key, set()) - {row.values.get("id_number")}
        if row.values.get("id_number") and others:
            _error(
                check,
                row,
                "name",
                _(
                    "a person with the same name and date of birth is already registered "
                    "with another ID number (%(ids)s): check it is not the same person."
                )
                % {"ids": "、".join(mask_id_number(n) for n in sorted(others))},
                warning=True,
            )
    if progress:
        progress(len(table.rows), len(table.rows))
    _finish(check, plans, new_dwellings, households, people, members)
    return check


def _check_duplicates(rows, check):
    first: dict[str, int] = {}
    for row in rows:
        number = row.values.get("id_number")
        if number is None:
            continue
        if number in first:
            _error(
                check,
                row,
                "id_number",
                _("the same ID number is already on row %(row)d.") % {"row": first[number]},
            )
        else:
            first[number] = row.number


def _dwellings(rows) -> dict:
    """Buildings by code and dwellings by (building code, entrance, room)."""
    codes = {r.values["building"] for r in rows if r.values.get("building")}
    buildings = {b.code: b for b in Building.objects.filter(code__in=codes)}
    found = {}
    for chunk in _chunks(b.pk for b in buildings.values()):
        for dwelling in Dwelling.objects.filter(building_id__in=chunk).select_related("building"):
            found[(dwelling.building.code, dwelling.entrance, dwelling.room)] = dwelling
    return {"buildings": buildings, "dwellings": found}


@dataclass
class _Plan:
    number: str
    household: Household | None = None
    new: bool = False
    changes: dict = field(default_factory=dict)
    people: list = field(default_factory=list)  # [(row, person, new, changes)]
    size: int = 0
    head: Row | None = None


def _head_row(number, hrows, check) -> Row:
    heads = [r for r in hrows if r.values.get("relationship") == Relationship.HEAD]
    if not heads:
        if not any(r.raw.get("relationship") and "relationship" not in r.values for r in hrows):
            _error(
                check,
                hrows[0],
                "relationship",
                _("household %(number)s has no head: exactly one member must be 户主.")
                % {"number": number},
            )
        return hrows[0]
    for extra in heads[1:]:
        _error(
            check,
            extra,
            "relationship",
            _("household %(number)s already has a head on row %(row)d: exactly one member is 户主.")
            % {"number": number, "row": heads[0].number},
        )
    return heads[0]


def _plan_household(
    number, hrows, check, options, households, people, members, dwellings, new_dwellings
) -> _Plan:
    head = _head_row(number, hrows, check)
    plan = _Plan(number=number, head=head)
    facts = {k: head.values[k] for k in HOUSEHOLD_FIELDS if k in head.values}
    for row in hrows:
        if row is head:
            continue
        for key in HOUSEHOLD_FIELDS + list(DWELLING_KEYS):
            if key in row.values and key in head.values and row.values[key] != head.values[key]:
                _error(
                    check,
                    row,
                    key,
                    _("differs from the head's row %(row)d (%(value)s) of the same household.")
                    % {"row": head.number, "value": head.raw.get(key, "")},
                )
            elif key in row.values and key not in head.values and key in HOUSEHOLD_FIELDS:
                facts.setdefault(key, row.values[key])
    household = households.get(number)
    dwelling = _dwelling_for(head, check, options, dwellings, new_dwellings)
    if dwelling is not None:
        facts["dwelling"] = dwelling
    if household is None:
        for key in ("origin_town", "origin_village", "poverty_status"):
            if key not in facts and not head.bad:
                _error(check, head, key, _("required for a new household; the cell is empty."))
        household = Household(number=number, **facts)
        plan.new = True
    else:
        for key, value in facts.items():
            old = getattr(household, key)
            if key == "dwelling":
                if household.dwelling_id != getattr(value, "pk", None) or value.pk is None:
                    plan.changes[key] = (str(household.dwelling or ""), str(value))
                    household.dwelling = value
            elif old != value:
                plan.changes[key] = (old, value)
                setattr(household, key, value)
    plan.household = household
    in_file = set()
    for row in hrows:
        if "id_number" not in row.values:
            continue
        in_file.add(row.values["id_number"])
        plan.people.append(_plan_person(row, household, plan, check, options, people, members))
    if not plan.new:
        for member in members.get(household.pk, []):
            if (
                member.id_number not in in_file
                and member.relationship == Relationship.HEAD
                and (head.values.get("relationship") == Relationship.HEAD)
            ):
                _error(
                    check,
                    head,
                    "relationship",
                    _(
                        "household %(number)s is registered with another head, %(name)s "
                        "(%(id)s), who is not in the file: list that person with their new "
                        "relationship, or change the head in the registry first."
                    )
                    % {
                        "number": number,
                        "name": member.name,
                        "id": mask_id_number(member.id_number),
                    },
                )
    staying = (
        [m for m in members.get(household.pk, []) if m.id_number not in in_file]
        if not plan.new
        else []
    )
    plan.size = len(in_file) + len(staying)
    dwelling = household.dwelling
    area = dwelling.area if dwelling is not None else None
    limit = settings.OBLIGATIONS["HOUSING_M2_PER_PERSON"]
    if area is not None and plan.size and area > limit * plan.size:
        _error(
            check,
            head,
            "number",
            _(
                "the dwelling has %(area)s m² for %(size)d people, above the red line of "
                "%(limit)d m² per person."
            )
            % {"area": area, "size": plan.size, "limit": limit},
            warning=True,
        )
    return plan


def _dwelling_for(head, check, options, dwellings, new_dwellings):
    values = head.values
    if not any(k in head.raw for k in ("building", "entrance", "room")):
        return None
    code = values.get("building")
    room = values.get("room")
    if not code:
        _error(check, head, "building", _("required when an entrance or room is given."))
        return None
    if not room:
        _error(check, head, "room", _("required when a building is given."))
        return None
    building = dwellings["buildings"].get(code)
    if building is None:
        _error(
            check,
            head,
            "building",
            _("there is no building %(code)s in the registry.") % {"code": code},
        )
        return None
    entrance = values.get("entrance", 1)
    key = (code, entrance, room)
    found = dwellings["dwellings"].get(key) or new_dwellings.get(key)
    if found is not None:
        return found
    if not options.create_dwellings:
        _error(
            check,
            head,
            "room",
            _(
                "building %(code)s has no room %(room)s in entrance %(entrance)d. Add the "
                "dwelling first, or choose to create missing dwellings."
            )
            % {"code": code, "room": room, "entrance": entrance},
        )
        return None
    missing = [k for k in ("floor", "area") if k not in values]
    for k in missing:
        _error(check, head, k, _("required to create the dwelling; the cell is empty."))
    if missing:
        return None
    dwelling = Dwelling(
        building=building,
        entrance=entrance,
        floor=values["floor"],
        room=room,
        area=values["area"],
        allocation_state=Dwelling.AllocationState.OCCUPIED,
    )
    new_dwellings[key] = dwelling
    return dwelling


def _plan_person(row, household, plan, check, options, people, members):
    values = {k: row.values[k] for k in PERSON_FIELDS if k in row.values}
    if row.id_info is not None:
        values.setdefault("sex", row.id_info.sex)
        values.setdefault("birth_date", row.id_info.birth_date)
    person = people.get(values["id_number"])
    changes = {}
    if person is None:
        person = Person(household=household, **values)
        return (row, person, True, changes)
    if person.household.number != plan.number:
        old = person.household
        if not options.apply_moves:
            _error(
                check,
                row,
                "id_number",
                _(
                    "this person is registered in household %(old)s: moving them to "
                    "%(new)s needs the option to move people between households."
                )
                % {"old": old.number, "new": plan.number},
            )
        elif person.relationship == Relationship.HEAD and person.is_active:
            _error(
                check,
                row,
                "id_number",
                _(
                    "this person is the head of household %(old)s and cannot move out: "
                    "change that household's head first."
                )
                % {"old": old.number},
            )
        changes["household"] = (old.number, plan.number)
        person.household = household
    for key, value in values.items():
        old = getattr(person, key)
        if old != value:
            changes[key] = (old, value)
            setattr(person, key, value)
    return (row, person, False, changes)


# --- the plan ---------------------------------------------------------------------------


def _display(key, value) -> str:
    column = BY_KEY.get(key)
    if value in (None, ""):
        return ""
    if key == "disability_certificate":
        return mask_document_number(value)
    if column is not None and column.kind == "enum":
        for label, code in column.choices.items():
            if str(code) == str(value):
                return label
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _header(key) -> str:
    if key == "dwelling":
        return _("dwelling")
    if key == "household":
        return _("household number")
    return BY_KEY[key].header


def _finish(check, plans, new_dwellings, households, people, members):
    change = check.change
    bad_rows = {m.row for m in check.errors}
    counts = dict.fromkeys(
        [
            "rows",
            "households_new",
            "households_changed",
            "households_unchanged",
            "people_new",
            "people_changed",
            "people_unchanged",
            "people_moved",
            "dwellings_new",
        ],
        0,
    )
    counts["rows"] = len(check.table.rows)
    model_checks = []
    for plan in plans:
        if plan.new:
            counts["households_new"] += 1
            change.new_households.append(plan.household)
            model_checks.append((plan.household, plan.head))
            _sample(check.new_rows, plan.head.number, plan.number, "")
        elif plan.changes:
            counts["households_changed"] += 1
            change.changed_households.append((plan.household, list(plan.changes)))
            model_checks.append((plan.household, plan.head))
            _changed(check, plan.head.number, plan.number, plan.changes)
        else:
            counts["households_unchanged"] += 1
        for row, person, new, changes in plan.people:
            label = f"{person.name} {mask_id_number(person.id_number)}"
            if new:
                counts["people_new"] += 1
                change.new_people.append(person)
                model_checks.append((person, row))
                _sample(check.new_rows, row.number, plan.number, label)
            elif changes:
                counts["people_changed"] += 1
                counts["people_moved"] += "household" in changes
                change.changed_people.append((person, list(changes)))
                model_checks.append((person, row))
                _changed(check, row.number, label, changes)
            else:
                counts["people_unchanged"] += 1
    change.new_dwellings = list(new_dwellings.values())
    counts["dwellings_new"] = len(change.new_dwellings)
    # The models' own validation, as the per-row services run it, on what would be written.
    rows_of = {id(obj): row for obj, row in model_checks}
    objs = [obj for obj, row in model_checks if row is None or row.number not in bad_rows]
    for obj, exc in registry_bulk_errors(
        households=[o for o in objs if isinstance(o, Household)],
        people=[o for o in objs if isinstance(o, Person)],
    ):
        row = rows_of[id(obj)]
        for key, messages in exc.message_dict.items():
            column_key = key if key in BY_KEY else None
            for text in messages:
                if row is not None:
                    _error(check, row, column_key, text)
    counts["errors"] = len(check.errors)
    counts["error_rows"] = len({m.row for m in check.errors})
    counts["warnings"] = len(check.warnings)
    check.counts = counts
    check.errors.sort(key=lambda m: (m.row, m.column if m.column is not None else -1))
    check.warnings.sort(key=lambda m: m.row)
    check.compared = sorted(
        [("h", h.pk, h.version) for h in households.values()]
        + [("p", p.pk, p.version) for p in people.values()]
        + [("m", m.pk, m.version) for ms in members.values() for m in ms]
    )
    check.fingerprint = fingerprint(check.compared)


def _sample(target, row, number, label):
    if len(target) < SAMPLE_LIMIT:
        target.append({"row": row, "household": number, "person": label})


def _changed(check, row, label, changes):
    if len(check.changed_rows) < SAMPLE_LIMIT:
        check.changed_rows.append(
            {
                "row": row,
                "what": label,
                "changes": [
                    [_header(k), _display(k, old), _display(k, new)]
                    for k, (old, new) in changes.items()
                ],
            }
        )


def fingerprint(items) -> str:
    """The versions of every stored record the file was compared with."""
    digest = hashlib.sha256()
    for item in items:
        digest.update(repr(tuple(item)).encode())
    return digest.hexdigest()


def locked_fingerprint(check: Check) -> str:
    """The same fingerprint from the rows locked (``SELECT … FOR UPDATE``) inside the write's
    transaction: no hand edit can slip in between this comparison and the write."""
    household_ids = [pk for tag, pk, _v in check.compared if tag == "h"]
    person_ids = sorted({pk for tag, pk, _v in check.compared if tag != "h"})
    versions = {}
    for model, tag, ids in ((Household, "h", household_ids), (Person, "p", person_ids)):
        for chunk in _chunks(ids):
            for pk, version in (
                model.objects.select_for_update().filter(pk__in=chunk).values_list("pk", "version")
            ):
                versions[(tag, pk)] = version
    return fingerprint(
        (tag, pk, versions.get(("h" if tag == "h" else "p", pk))) for tag, pk, _v in check.compared
    )
