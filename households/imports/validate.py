"""Checking every row of a roster before anything is written, and planning the write.

``check_table`` turns the rows into a ``Check``: the messages (errors and warnings, each
naming the row and the column in Chinese), what would be new, changed (field by field,
old → new) and unchanged, and the ``RegistryBulkChange`` that ``households.services``
writes. The registry is read in one query per table on PostgreSQL (a few per 900 rows
elsewhere), never one per row; the rows are checked in plain Python, each cell's value
parsed once per distinct value, and kept as slotted objects and lists, not model instances.

Rules: an empty cell leaves a stored value as it is (a new record gets the default); people
are matched by ID number, households by household number; household facts come from the
head's row, and another row of the same household that says otherwise is an error.
"""

import contextlib
import contextvars
import datetime
import functools
import hashlib
import itertools
import queue
import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from operator import itemgetter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.utils.translation import gettext as _

from buildings.models import Building, Dwelling
from core.idnumbers import (
    MOBILE_RE,
    id_number_facts,
    mask_document_number,
    mask_id_number,
    normalize_id_number,
    normalize_mobile,
    parse_disability_certificate,
    remembering,
)
from households.models import Household, Person, Relationship
from households.services import (
    HOUSEHOLD_DEFAULTS,
    HOUSEHOLD_ROW_FIELDS,
    PERSON_DEFAULTS,
    PERSON_ROW_FIELDS,
    HouseholdRow,
    PersonRow,
    RegistryBulkChange,
    registry_bulk_errors,
)

from .columns import BY_KEY, COLUMNS, HOUSEHOLD_FIELDS, PERSON_FIELDS, Column, enum_lookup
from .reader import Table, excel_date, is_blank

CHUNK = 900  # values per ``IN (…)`` where the database takes few parameters (SQLite)
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
    fingerprint: str = ""  # the versions of every stored record the file was compared with
    # ``check_table(defer_models=True)``: the models' validation of the rows to be written,
    # still to run (the write runs it beside the database's work); returns ``ok``.
    validate_models: Callable[[], bool] | None = None

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
            return id_number_facts(text)
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

KEYS = [c.key for c in COLUMNS]
AT = {key: i for i, key in enumerate(KEYS)}  # a key's place in ``Row.values``
ID, NUMBER, BIRTH, SEX, CERTIFICATE, RELATIONSHIP, NAME = (
    AT[k]
    for k in (
        "id_number", "number", "birth_date", "sex", "disability_certificate", "relationship",
        "name",
    )
)  # fmt: skip
REQUIRED_PERSON = [c.key for c in COLUMNS if c.required and c.level == "person"]
UNCACHED = {"name", "id_number", "disability_certificate"}  # a different value on every row


class Row:
    """A row of the file: its number, the parsed value of each column (``values``, in the
    order of ``KEYS``; None for an empty or wrong cell) and the cells as written."""

    __slots__ = ("number", "values", "cells", "bad")

    def __init__(self, number, values, cells):
        self.number = number
        self.values = values
        self.cells = cells
        self.bad = False

    def get(self, key):
        return self.values[AT[key]]


class _Context:
    """What one check knows: the file's column of each key and the registry's records."""

    def __init__(self, check, table, options):
        self.check = check
        self.options = options
        self.index = {column.key: i for i, column in table.columns}
        self.people = {}  # id number → _Stored
        self.households = {}  # number → stored household values (a tuple, see _read)
        self.staying = {}  # household pk → active members not in the file
        self.registered_head = {}  # household pk → (name, id number) of a head not in the file
        self.buildings = {}  # code → pk
        self.dwellings = {}  # (code, entrance, room) → (pk, label, area, building pk)
        self.new_dwellings = {}  # the same key → (Dwelling, label, area, building pk)
        self.versions = []  # (tag, pk, version) of every stored record compared

    def raw(self, row, key) -> str:
        i = self.index.get(key)
        cells = row.cells
        if i is None or i >= len(cells) or is_blank(cells[i]):
            return ""
        return _text(cells[i])


def _error(ctx, row, key, text, *, warning=False):
    column = BY_KEY.get(key) if key else None
    value = ctx.raw(row, key) if key else ""
    if key in ("id_number", "disability_certificate"):
        value = mask_document_number(value) if len(value) >= 18 else value
    message = Message(
        row=row.number,
        header=column.header if column else "",
        text=text,
        value=value,
        column=ctx.index.get(key) if key else None,
    )
    if warning:
        ctx.check.warnings.append(message)
    else:
        ctx.check.errors.append(message)
        row.bad = True


def _parse_one(column: Column, value):
    """One cell parsed: None when empty, else its value or the ``CellError`` saying why not."""
    if value is None or (value.__class__ is str and (not value or value.isspace())):
        return None
    try:
        return _parse_cell(column, value, _text(value))
    except CellError as exc:
        return exc


def _parse_id_text(value):
    """``_parse_one`` of an ID-number cell holding text (the usual case), in one call."""
    if value is None or not value or value.isspace():
        return None
    try:
        return id_number_facts(value.strip())
    except ValidationError as exc:
        return CellError(exc.messages[0])


def _parse_column(ctx, rows, column: Column, cells) -> list:
    """A column of the file parsed, one value per row. A column whose cells repeat (an
    enumeration, a township, a date) is parsed once per distinct value and mapped back in C
    (``map``); the names and numbers, different on every row, cell by cell. A cell in error
    is None in the result, and its message is given for its row."""
    types = set(map(type, cells))
    if column.kind == "id" and types <= {str, type(None)}:
        parsed = list(map(_parse_id_text, cells))
    elif column.key in UNCACHED or bool in types:  # True == 1 == 1.0: not one dict key
        parsed = [_parse_one(column, value) for value in cells]
    else:
        parsed = None
    if parsed is not None:
        if CellError in set(map(type, parsed)):
            for index, value in enumerate(parsed):
                if value.__class__ is CellError:
                    _error(ctx, rows[index], column.key, str(value))
                    parsed[index] = None
        return parsed
    table = {value: _parse_one(column, value) for value in set(cells)}
    parsed = list(map(table.__getitem__, cells))
    bad = {value for value, result in table.items() if result.__class__ is CellError}
    if bad:
        for index, value in enumerate(cells):
            if value in bad:
                _error(ctx, rows[index], column.key, str(table[value]))
                parsed[index] = None
    return parsed


def _parse_rows(ctx, table, progress) -> list:
    """Every row parsed, column by column (``_parse_column``), then the checks within each
    row. Column by column, 100,000 rows of 27 cells took 0.8 s against 1.1 s row by row:
    most of the work is then a few C-level passes over each column."""
    rows = [Row(number, None, cells) for number, cells in table.rows]
    total = len(rows)
    # The file's columns, transposed once; a short CSV row's missing cells are None.
    columns = list(itertools.zip_longest(*(cells for _number, cells in table.rows)))
    values = [itertools.repeat(None)] * len(KEYS)
    for done, (i, column) in enumerate(table.columns, start=1):
        cells = columns[i] if i < len(columns) else (None,) * total
        values[AT[column.key]] = _parse_column(ctx, rows, column, cells)
        if progress:
            progress(total * done // (len(table.columns) + 1), total)
    # The columns not in the file are an endless repeat(None): the inner zip stops with
    # the file's columns.
    for row, row_values in zip(rows, map(list, zip(*values, strict=False)), strict=True):
        row.values = row_values
        _check_row(ctx, row)
    return rows


def _check_row(ctx, row):
    values = row.values
    for key in REQUIRED_PERSON:
        if values[AT[key]] is None and not ctx.raw(row, key):
            _error(ctx, row, key, _("required; the cell is empty."))
    if values[NUMBER] is None and not ctx.raw(row, "number"):
        _error(ctx, row, "number", _("required; the cell is empty."))
    facts = values[ID]
    if facts is None:
        return
    number, birth, sex = facts
    values[ID] = number
    if values[BIRTH] is None:
        values[BIRTH] = birth
    elif values[BIRTH] != birth:
        _error(
            ctx,
            row,
            "birth_date",
            _("does not match the ID number, which gives %(date)s.") % {"date": birth.isoformat()},
        )
    if values[SEX] is None:
        values[SEX] = sex
    elif values[SEX] != sex:
        _error(
            ctx,
            row,
            "sex",
            _("does not match the ID number, which gives %(sex)s.")
            % {"sex": "男" if sex == "M" else "女"},
        )
    certificate = values[CERTIFICATE]
    if certificate:
        try:
            values[CERTIFICATE] = parse_disability_certificate(certificate, id_number=number)
        except ValidationError as exc:
            _error(ctx, row, "disability_certificate", exc.messages[0])


def _check_duplicates(ctx, rows):
    first: dict[str, int] = {}
    for row in rows:
        number = row.values[ID]
        if number is None:
            continue
        if number in first:
            _error(
                ctx,
                row,
                "id_number",
                _("the same ID number is already on row %(row)d.") % {"row": first[number]},
            )
        else:
            first[number] = row.number


# --- the registry: one query per table on PostgreSQL ------------------------------------------


def _chunks(values):
    """The values in as few lists as the database takes in one ``IN (…)``: all of them on
    PostgreSQL, ``CHUNK`` elsewhere."""
    values = list(values)
    if not values:
        return
    if connection.vendor == "postgresql":
        yield values
        return
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


_SEPARATOR = "\x1f"  # the unit separator: in no ID number, household number or name


def _any(column: str, values: list, *, negate: bool = False) -> tuple[str, list]:
    """``column = ANY(…)`` on PostgreSQL with the values sent as one text that the server
    splits (``string_to_array``): for 100,000 ID numbers 0.06 s against 0.17 s for the
    driver to quote each into an array. Values that hold the separator, or are not all
    texts or all whole numbers, go as an array."""
    sql = f"NOT ({column} = ANY(%s))" if negate else f"{column} = ANY(%s)"
    kinds = set(map(type, values))
    if kinds == {str} and "" not in values:  # string_to_array('') is no element at all
        joined = _SEPARATOR.join(values)
        if joined.count(_SEPARATOR) == len(values) - 1:
            return sql.replace("%s", "string_to_array(%s, E'\\x1f')"), [joined]
    elif kinds == {int}:
        return sql.replace("%s", "string_to_array(%s, ',')::bigint[]"), [",".join(map(str, values))]
    return sql, [values]


def _rows(queryset, field, values, *columns):
    """``values_list(*columns)`` of the records whose ``field`` is one of ``values``: on
    PostgreSQL one query with the values as one array (``= ANY(…)``, see ``_any``),
    elsewhere one ``IN (…)`` per ``CHUNK``. In no order (``order_by()``): every caller
    keys what it reads, and the models' default orders cost the database a sort of every
    row it sends (the 100,000 people of a re-import: 225–257 ms to run the query sorted,
    144–172 ms unsorted)."""
    if connection.vendor == "postgresql":
        values = list(values)
        if not values:
            return
        model = queryset.model
        column = model._meta.get_field(field).column
        where, params = _any(f'"{model._meta.db_table}"."{column}"', values)
        yield from _fetched_ahead(
            queryset.order_by().extra(where=[where], params=params).values_list(*columns)
        )
        return
    for chunk in _chunks(values):
        yield from (
            queryset.order_by()
            .filter(**{f"{field}__in": chunk})
            .values_list(*columns)
            .iterator(chunk_size=5000)
        )


FETCH_ROWS = 5000


def _fetched_ahead(queryset):
    """The rows of a ``values_list`` queryset on PostgreSQL, as ``iterator()`` gives them
    (a server-side cursor read ``FETCH_ROWS`` at a time, the fields' converters applied),
    but each chunk fetched by a thread while the caller works on the one before: the
    server's time on each ``FETCH`` (16 ms in 50 for the people of a re-import) is then
    spent beside the caller's, not before it. The thread uses the caller's connection
    (psycopg2 connections may be shared between threads) and only while the caller does
    not: the caller does no query until this iterator is finished or closed."""
    db = connections[queryset.db]  # this thread's connection, also in the fetching one
    if not db.in_atomic_block:  # a cursor without a transaction: Django's own
        yield from queryset.iterator(chunk_size=FETCH_ROWS)
        return
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    cursor = db.connection.cursor(name=f"roster_{uuid.uuid4().hex}")
    with db.wrap_database_errors:  # the driver's errors as Django's
        cursor.execute(sql, params)
    chunks: queue.Queue = queue.Queue(maxsize=1)
    stop = threading.Event()

    def fetch():
        try:
            while not stop.is_set():
                with db.wrap_database_errors:
                    rows = cursor.fetchmany(FETCH_ROWS)
                chunks.put(rows)
                if not rows:
                    return
        except BaseException as exc:  # noqa: BLE001 — raised again in the caller
            chunks.put(exc)

    def received():
        while True:
            rows = chunks.get()
            if isinstance(rows, BaseException):
                raise rows
            if not rows:
                return
            yield rows

    fetcher = threading.Thread(target=fetch, name="roster-fetch", daemon=True)
    fetcher.start()
    try:
        yield from compiler.results_iter(results=received(), tuple_expected=True)
    finally:
        stop.set()
        while fetcher.is_alive():  # a chunk waiting to be taken: taken, so the thread ends
            with contextlib.suppress(queue.Empty):
                chunks.get(timeout=0.05)
        fetcher.join()
        cursor.close()


def _person_fields():
    """The stored person's columns read for the comparison (in ``PersonRow`` order, the
    household as its pk)."""
    return ["household_id" if f == "household" else f for f in PERSON_ROW_FIELDS]


def _household_fields():
    return ["dwelling_id" if f == "dwelling" else f for f in HOUSEHOLD_ROW_FIELDS]


PERSON_KEYS = [k for k in PERSON_FIELDS if k in PERSON_ROW_FIELDS]
HOUSEHOLD_KEYS = [k for k in HOUSEHOLD_FIELDS if k in HOUSEHOLD_ROW_FIELDS]


class _Stored:
    """A registered person the file names: what the plan needs of them."""

    __slots__ = (
        "pk",
        "version",
        "household",
        "building",
        "relationship",
        "active",
        "changes",
        "row",
    )

    def __init__(self, pk, version, household, building, relationship, active):
        self.pk = pk
        self.version = version
        self.household = household  # the household's number
        self.building = building
        self.relationship = relationship
        self.active = active
        self.changes = None  # {key: (old, new)} when the file changes them
        self.row = None  # the PersonRow to write then


def _read_people(ctx, by_id):
    """The registered people with the file's ID numbers, compared with their rows as they
    are read (one query; only what the plan needs is kept)."""
    fields = _person_fields()
    at = {name: i for i, name in enumerate(fields)}
    # The keys the file can change: its columns, and the birth date and sex its ID numbers
    # give. A row equal to the stored person on all of them (one C-level tuple comparison)
    # changes nothing; only the others are compared key by key.
    compare = [
        (AT[k], at[k], k) for k in PERSON_KEYS if k in ctx.index or k in ("birth_date", "sex")
    ]
    file_get = itemgetter(*(c[0] for c in compare)) if compare else (lambda values: ())
    stored_get = itemgetter(*(c[1] for c in compare)) if compare else (lambda values: ())
    household_at, version_at = at["household_id"], at["version"]
    rel_at, active_at = at["relationship"], at["is_active"]
    for record in _rows(
        Person.objects.all(),
        "id_number",
        by_id,
        "pk",
        *fields,
        "household__number",
        "household__dwelling__building_id",
    ):
        pk, stored, number, building = record[0], record[1:-2], record[-2], record[-1]
        row = by_id[stored[at["id_number"]]]
        person = _Stored(
            pk, stored[version_at], number, building, stored[rel_at], stored[active_at]
        )
        ctx.versions.append((1, pk, person.version))
        ctx.people[stored[at["id_number"]]] = person
        values = row.values
        changes = {}
        if file_get(values) != stored_get(stored):
            for file_at, stored_at, key in compare:
                new = values[file_at]
                if new is not None and new != stored[stored_at]:
                    changes[key] = (stored[stored_at], new)
        target = values[NUMBER] if values[NUMBER] is not None else ctx.raw(row, "number")
        if number != target:
            changes["household"] = (number, target)
        if changes:
            merged = list(stored)
            for key, (_old, new) in changes.items():
                if key != "household":
                    merged[at[key]] = new
            merged[household_at] = target
            person.changes = changes
            person.row = PersonRow(*merged)


def _read_households(ctx, numbers):
    fields = _household_fields()
    for record in _rows(
        Household.objects.all(),
        "number",
        numbers,
        "pk",
        *fields,
        "dwelling__building_id",
        "dwelling__building__code",
        "dwelling__entrance",
        "dwelling__room",
        "dwelling__area",
    ):
        pk, stored = record[0], record[1 : 1 + len(fields)]
        building, code, entrance, room, area = record[1 + len(fields) :]
        label = f"{code}-{entrance}-{room}" if code is not None else ""
        number = stored[fields.index("number")]
        ctx.households[number] = (pk, stored, building, label, area)
        ctx.versions.append((0, pk, stored[fields.index("version")]))


def _read_members(ctx, ids_in_file):
    """The active members of the file's registered households who are not in the file."""
    pks = [h[0] for h in ctx.households.values()]
    members = Person.objects.filter(is_active=True)
    if connection.vendor == "postgresql" and ids_in_file:
        # Left out by the database: a re-imported roster names every member, and the
        # 100,000 rows it would send back are all skipped (0.45 s of a re-import's 6 s).
        where, params = _any(
            f'"{Person._meta.db_table}"."id_number"', list(ids_in_file), negate=True
        )
        members = members.extra(where=[where], params=params)
    for household, number, relationship, name, pk, version in _rows(
        members,
        "household_id",
        pks,
        "household_id",
        "id_number",
        "relationship",
        "name",
        "pk",
        "version",
    ):
        if number in ids_in_file:
            continue
        ctx.versions.append((2, pk, version))
        ctx.staying[household] = ctx.staying.get(household, 0) + 1
        if relationship == Relationship.HEAD:
            ctx.registered_head[household] = (name, number)


def _read_dwellings(ctx, rows):
    """Buildings by code and dwellings by (building code, entrance, room)."""
    at = AT["building"]
    codes = {r.values[at] for r in rows if r.values[at]}
    for pk, code in _rows(Building.objects.all(), "code", codes, "pk", "code"):
        ctx.buildings[code] = pk
    code_of = {pk: code for code, pk in ctx.buildings.items()}
    for pk, building, entrance, room, area in _rows(
        Dwelling.objects.all(),
        "building_id",
        code_of,
        "pk",
        "building_id",
        "entrance",
        "room",
        "area",
    ):
        code = code_of[building]
        ctx.dwellings[(code, entrance, room)] = (pk, f"{code}-{entrance}-{room}", area, building)


def _namesakes(ctx, rows):
    """Warnings: the same name and birth date as a registered person with another ID."""
    mine: dict[tuple, object] = {}  # (name, birth date) → the row, or a list of rows
    people = ctx.people
    for row in rows:
        values = row.values
        if values[ID] is None or values[NAME] is None:
            continue
        # A person registered under this number with this name and birth date: the file
        # brings no new namesake (any other was there, and warned of, before).
        stored = people.get(values[ID])
        if stored is not None and not (
            stored.changes and ("name" in stored.changes or "birth_date" in stored.changes)
        ):
            continue
        key = (values[NAME], values[BIRTH])
        found = mine.get(key)
        if found is None:
            mine[key] = row
        elif isinstance(found, list):
            found.append(row)
        else:
            mine[key] = [found, row]
    others: dict[int, set] = {}
    for name, birth, number in _rows(
        Person.objects.all(), "name", {k[0] for k in mine}, "name", "birth_date", "id_number"
    ):
        found = mine.get((name, birth))
        if found is None:
            continue
        for row in found if isinstance(found, list) else (found,):
            if row.values[ID] != number:
                others.setdefault(id(row), (row, set()))[1].add(number)
    for row, numbers in sorted(others.values(), key=lambda item: item[0].number):
        _error(
            ctx,
            row,
            "name",
            _(
                "a person with the same name and date of birth is already registered "
                "with another ID number (%(ids)s): check it is not the same person."
            )
            % {"ids": "、".join(mask_id_number(n) for n in sorted(numbers))},
            warning=True,
        )


# --- the check ----------------------------------------------------------------------------


def check_table(
    table: Table, options: Options | None = None, progress=None, *, defer_models: bool = False
) -> Check:
    """Every row checked against the file and the registry. ``defer_models``: the models'
    validation of the rows to be written is left to ``check.validate_models()`` (the write
    runs it while the database writes); until then ``check.ok`` knows every other error."""
    # Each ID number parsed once: for its cell, and again by ``Person.clean`` in the models'
    # validation of the rows to be written.
    with remembering():
        check = _check_table(table, options, progress, defer_models)
        if check.validate_models is not None:  # with the ID numbers remembered, later
            check.validate_models = functools.partial(
                contextvars.copy_context().run, check.validate_models
            )
    return check


def _check_table(table: Table, options: Options | None, progress, defer_models=False) -> Check:
    options = options or Options()
    check = Check(table=table)
    ctx = _Context(check, table, options)
    rows = _parse_rows(ctx, table, progress)
    _check_duplicates(ctx, rows)
    by_household: dict[str, list[Row]] = {}
    for row in rows:
        number = row.values[NUMBER]
        if number is None:
            number = ctx.raw(row, "number")
        if number:
            by_household.setdefault(number, []).append(row)
    by_id = {r.values[ID]: r for r in rows if r.values[ID] is not None}
    # The registry read in one transaction: the reads see one state, and the server-side
    # cursors need not be kept (``WITH HOLD``: materialised) past it.
    with transaction.atomic():
        _read_people(ctx, by_id)
        _read_households(ctx, by_household)
        _read_members(ctx, by_id)
        _read_dwellings(ctx, rows)
        plans = [_plan_household(ctx, number, hrows) for number, hrows in by_household.items()]
        _namesakes(ctx, rows)
    if progress:
        progress(len(table.rows), len(table.rows))
    _finish(ctx, plans, defer_models)
    return check


class _Plan:
    __slots__ = ("number", "head", "new", "pk", "version", "row", "changes", "people")

    def __init__(self, number, head):
        self.number = number
        self.head = head
        self.new = False
        self.pk = None
        self.version = None
        self.row = None  # the HouseholdRow written (new or changed)
        self.changes = {}
        self.people = []  # [(row, _Stored or None, PersonRow or None)]


def _head_row(ctx, number, hrows) -> Row:
    heads = [r for r in hrows if r.values[RELATIONSHIP] == Relationship.HEAD]
    if not heads:
        if not any(ctx.raw(r, "relationship") and r.values[RELATIONSHIP] is None for r in hrows):
            _error(
                ctx,
                hrows[0],
                "relationship",
                _("household %(number)s has no head: exactly one member must be 户主.")
                % {"number": number},
            )
        return hrows[0]
    for extra in heads[1:]:
        _error(
            ctx,
            extra,
            "relationship",
            _("household %(number)s already has a head on row %(row)d: exactly one member is 户主.")
            % {"number": number, "row": heads[0].number},
        )
    return heads[0]


_FACT_KEYS = [(k, AT[k]) for k in HOUSEHOLD_FIELDS]
_AGREE_KEYS = [(k, AT[k], k in HOUSEHOLD_FIELDS) for k in HOUSEHOLD_FIELDS + list(DWELLING_KEYS)]
# A member's household cells as one tuple: equal to the head's, or all empty, they agree
# (one C-level comparison; only other rows are compared cell by cell).
_agreeing = itemgetter(*(at for _k, at, _h in _AGREE_KEYS))
_NO_FACTS = (None,) * len(_AGREE_KEYS)


def _plan_household(ctx, number, hrows) -> _Plan:
    options, change = ctx.options, ctx.check.change
    head = _head_row(ctx, number, hrows)
    plan = _Plan(number, head)
    head_values = head.values
    facts = {k: head_values[at] for k, at in _FACT_KEYS if head_values[at] is not None}
    head_facts = _agreeing(head_values)
    for row in hrows:
        if row is head:
            continue
        values = row.values
        mine = _agreeing(values)
        if mine == head_facts or mine == _NO_FACTS:
            continue
        for key, at, household_fact in _AGREE_KEYS:
            value = values[at]
            if value is None:
                continue
            if head_values[at] is not None:
                if value != head_values[at]:
                    _error(
                        ctx,
                        row,
                        key,
                        _("differs from the head's row %(row)d (%(value)s) of the same household.")
                        % {"row": head.number, "value": ctx.raw(head, key)},
                    )
            elif household_fact:
                facts.setdefault(key, value)
    stored = ctx.households.get(number)
    dwelling = _dwelling_for(ctx, head)
    if stored is None:
        for key in ("origin_town", "origin_village", "poverty_status"):
            if key not in facts and not head.bad:
                _error(ctx, head, key, _("required for a new household; the cell is empty."))
        values = dict(HOUSEHOLD_DEFAULTS)
        values.update(facts)
        values["number"] = number
        values["dwelling"] = dwelling[0] if dwelling else None
        plan.row = HouseholdRow(**values)
        plan.new = True
        building = dwelling[3] if dwelling else None
        area = dwelling[2] if dwelling else None
        change.building_ids.add(building)
    else:
        pk, stored_values, building, label, area = stored
        plan.pk = pk
        fields = _household_fields()
        merged = list(stored_values)
        for key, value in facts.items():
            i = fields.index(key)
            if merged[i] != value:
                plan.changes[key] = (merged[i], value)
                merged[i] = value
        dwelling_at = fields.index("dwelling_id")
        if dwelling is not None and (
            not isinstance(dwelling[0], int) or dwelling[0] != merged[dwelling_at]
        ):
            plan.changes["dwelling"] = (label, dwelling[1])
            merged[dwelling_at] = dwelling[0]
        if plan.changes:
            plan.version = merged[fields.index("version")]
            plan.row = HouseholdRow(*merged)
            change.building_ids.add(building)
            if dwelling is not None:
                building, area = dwelling[3], dwelling[2]
                change.building_ids.add(building)
        change.household_ids[number] = pk
    in_file = 0
    for row in hrows:
        values = row.values
        if values[ID] is None:
            continue
        in_file += 1
        person = ctx.people.get(values[ID])
        if person is None:
            fields = dict(PERSON_DEFAULTS)
            for key in PERSON_KEYS:
                if values[AT[key]] is not None:
                    fields[key] = values[AT[key]]
            fields["household"] = number
            plan.people.append((row, None, PersonRow(**fields)))
            change.building_ids.add(building)
            continue
        if person.changes and "household" in person.changes:
            if not options.apply_moves:
                _error(
                    ctx,
                    row,
                    "id_number",
                    _(
                        "this person is registered in household %(old)s: moving them to "
                        "%(new)s needs the option to move people between households."
                    )
                    % {"old": person.household, "new": number},
                )
            elif person.relationship == Relationship.HEAD and person.active:
                _error(
                    ctx,
                    row,
                    "id_number",
                    _(
                        "this person is the head of household %(old)s and cannot move out: "
                        "change that household's head first."
                    )
                    % {"old": person.household},
                )
        if person.changes:
            change.building_ids.add(person.building)
            change.building_ids.add(building)
        plan.people.append((row, person, person.row))
    if not plan.new:
        registered = ctx.registered_head.get(plan.pk)
        if registered is not None and head_values[RELATIONSHIP] == Relationship.HEAD:
            name, id_number = registered
            _error(
                ctx,
                head,
                "relationship",
                _(
                    "household %(number)s is registered with another head, %(name)s "
                    "(%(id)s), who is not in the file: list that person with their new "
                    "relationship, or change the head in the registry first."
                )
                % {"number": number, "name": name, "id": mask_id_number(id_number)},
            )
    size = in_file + (ctx.staying.get(plan.pk, 0) if not plan.new else 0)
    limit = settings.OBLIGATIONS["HOUSING_M2_PER_PERSON"]
    if area is not None and size and area > limit * size:
        _error(
            ctx,
            head,
            "number",
            _(
                "the dwelling has %(area)s m² for %(size)d people, above the red line of "
                "%(limit)d m² per person."
            )
            % {"area": area, "size": size, "limit": limit},
            warning=True,
        )
    return plan


def _dwelling_for(ctx, head):
    """(pk or new Dwelling, label, area, building pk) of the head's row, or None when the
    row names no dwelling."""
    values = head.values
    if not any(ctx.raw(head, k) for k in ("building", "entrance", "room")):
        return None
    code = values[AT["building"]]
    room = values[AT["room"]]
    if not code:
        _error(ctx, head, "building", _("required when an entrance or room is given."))
        return None
    if not room:
        _error(ctx, head, "room", _("required when a building is given."))
        return None
    building = ctx.buildings.get(code)
    if building is None:
        _error(
            ctx,
            head,
            "building",
            _("there is no building %(code)s in the registry.") % {"code": code},
        )
        return None
    entrance = values[AT["entrance"]]
    entrance = 1 if entrance is None else entrance
    key = (code, entrance, room)
    found = ctx.dwellings.get(key) or ctx.new_dwellings.get(key)
    if found is not None:
        return found
    if not ctx.options.create_dwellings:
        _error(
            ctx,
            head,
            "room",
            _(
                "building %(code)s has no room %(room)s in entrance %(entrance)d. Add the "
                "dwelling first, or choose to create missing dwellings."
            )
            % {"code": code, "room": room, "entrance": entrance},
        )
        return None
    missing = [k for k in ("floor", "area") if values[AT[k]] is None]
    for k in missing:
        _error(ctx, head, k, _("required to create the dwelling; the cell is empty."))
    if missing:
        return None
    dwelling = Dwelling(
        building_id=building,
        entrance=entrance,
        floor=values[AT["floor"]],
        room=room,
        area=values[AT["area"]],
        allocation_state=Dwelling.AllocationState.OCCUPIED,
    )
    found = (dwelling, f"{code}-{entrance}-{room}", dwelling.area, building)
    ctx.new_dwellings[key] = found
    return found


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


def _finish(ctx, plans, defer_models=False):
    check = ctx.check
    change = check.change
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
    households, household_rows, people, people_rows = [], [], [], []
    for plan in plans:
        if plan.new:
            counts["households_new"] += 1
            change.new_households.append(plan.row)
            households.append(plan.row)
            household_rows.append(plan.head)
            _sample(check.new_rows, plan.head.number, plan.number, "")
        elif plan.changes:
            counts["households_changed"] += 1
            change.changed_households.append((plan.pk, plan.row))
            households.append(plan.row)
            household_rows.append(plan.head)
            _changed(check, plan.head.number, plan.number, plan.changes)
        else:
            counts["households_unchanged"] += 1
        for row, person, person_row in plan.people:
            if person is None:
                counts["people_new"] += 1
                change.new_people.append(person_row)
                people.append(person_row)
                people_rows.append(row)
                label = f"{person_row.name} {mask_id_number(person_row.id_number)}"
                _sample(check.new_rows, row.number, plan.number, label)
            elif person.changes:
                counts["people_changed"] += 1
                counts["people_moved"] += "household" in person.changes
                change.changed_people.append((person.pk, person_row))
                people.append(person_row)
                people_rows.append(row)
                if (
                    person.relationship == Relationship.HEAD
                    and person.active
                    and person_row.relationship != Relationship.HEAD
                ):
                    change.heads_stepping_down.add(person.pk)
                label = f"{person_row.name} {mask_id_number(person_row.id_number)}"
                _changed(check, row.number, label, person.changes)
            else:
                counts["people_unchanged"] += 1
    change.new_dwellings = [d[0] for d in ctx.new_dwellings.values()]
    counts["dwellings_new"] = len(change.new_dwellings)
    for found in ctx.new_dwellings.values():
        change.building_ids.add(found[3])
    check.counts = counts
    check.changed_rows.sort(key=lambda item: item["row"])
    check.new_rows.sort(key=lambda item: item["row"])
    check.fingerprint = fingerprint(ctx.versions)
    # The models' own validation, as the per-row services run it, on what would be written
    # (rows that already have an error are left out: their message is given).
    keep_h = [i for i, row in enumerate(household_rows) if not row.bad]
    keep_p = [i for i, row in enumerate(people_rows) if not row.bad]

    def validate_models() -> bool:
        check.validate_models = None
        for kind, index, errors in registry_bulk_errors(
            households=[households[i] for i in keep_h], people=[people[i] for i in keep_p]
        ):
            row = (
                household_rows[keep_h[index]] if kind == "household" else people_rows[keep_p[index]]
            )
            for key, messages in errors.items():
                column_key = key if key in BY_KEY else None
                for text in messages:
                    _error(ctx, row, column_key, text)
        _count_messages(check)
        return check.ok

    if defer_models:
        check.validate_models = validate_models
        _count_messages(check)
    else:
        validate_models()


def _count_messages(check):
    check.counts["errors"] = len(check.errors)
    check.counts["error_rows"] = len({m.row for m in check.errors})
    check.counts["warnings"] = len(check.warnings)
    check.errors.sort(key=lambda m: (m.row, m.column if m.column is not None else -1))
    check.warnings.sort(key=lambda m: m.row)


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
    """The versions of every stored record the file was compared with: (kind, pk,
    version) in any order."""
    digest = hashlib.sha256()
    for item in sorted(items):
        digest.update(b"%d:%d:%d;" % item)
    return digest.hexdigest()
