"""What a report is: a code, a Chinese title, the units it serves, an optional filter form,
and its sheets, each with its columns described once as (header, accessor, type).

The reports themselves are in ``services.reports.definitions``; who may run which is in
``services.reports.selectors``; writing one is ``services.reports.export``.
"""

import datetime
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import itemgetter

from django.utils.functional import Promise
from django.utils.translation import get_language, gettext

from core.excel import TEXT
from core.idnumbers import mask_id_number

CHUNK_SIZE = 2000  # rows fetched from a cursor at a time (and between progress reports)
EVERY_UNIT = "*"  # a report every unit may run (for its own rows)


@dataclass(frozen=True)
class Col:
    header: object  # str or lazy translation
    accessor: Callable  # row -> value
    type: str = TEXT


@dataclass
class Sheet:
    """One sheet: ``rows()`` yields row objects (value dicts from ``stream``); ``count()``
    says how many it will yield (for the progress bar and the tests); ``totals`` is None,
    ``"sum"`` (sum every number column) or a function returning the totals row."""

    name: object
    columns: list[Col]
    rows: Callable[[], Iterable]
    count: Callable[[], int] | None = None
    totals: object = None
    cells: bool = False  # rows() yields each row's cells already in column order


@dataclass
class ReportContext:
    user: object
    params: dict
    full_ids: bool
    today: datetime.date
    unit: object = None  # the user's unit (a department user), else None

    def id_number(self, value: str) -> str:
        if not value:
            return ""
        return value if self.full_ids else mask_id_number(value)

    def certificate(self, value: str) -> str:
        """A disability certificate is the ID number and two digits: masked as the ID is."""
        if not value:
            return ""
        return value if self.full_ids else mask_id_number(value[:18]) + value[18:]

    def phone(self, value: str) -> str:
        """Phones are the contact data the units need to do their work: in full, as text."""
        return value or ""

    @property
    def building(self) -> str:
        return (self.params.get("building") or "").strip()


@dataclass
class Report:
    code: str
    title: Promise
    units: tuple[str, ...]  # unit codes, or (EVERY_UNIT,)
    sheets: Callable[[ReportContext], list[Sheet]]
    description: Promise = ""
    form_class: object = None  # a form of its filters (None: the building filter)
    rule: object = None  # the obligation rule of a ``rule:<code>`` report
    # Who may run it, when the report's app decides that itself (a report registered by an
    # app that services may not import, ``register_reports``): ``can_run(user)`` then
    # alone decides, for staff as for anyone; ``readers`` names them on the title rows.
    can_run: Callable | None = None
    readers: object = ""
    log_detail: dict | None = None  # more for the export log (a table's column list)


@dataclass(frozen=True)
class Related:
    """Records of another table attached to each row of a ``stream``: ``row[name]`` is the
    list of their value dicts (``first=True``: the first one, or None), in ``order`` within
    the row. ``key`` is the field of ``queryset`` holding the row's primary key
    (``"person_id"``)."""

    name: str
    queryset: object
    key: str
    fields: tuple
    order: tuple = ("pk",)
    first: bool = False


def _dicts(queryset, names):
    """The queryset's ``names`` as dicts, read through one cursor: tuples zipped into dicts
    (in C), cheaper than ``values()``'s per-field comprehension."""
    rows = queryset.values_list(*names).iterator(chunk_size=CHUNK_SIZE)
    return map(dict, map(zip, itertools.repeat(names), rows))


def _groups(queryset, key: str, fields):
    """``(key value, [value dicts])`` in key order, read through one cursor."""
    return itertools.groupby(_dicts(queryset, (key, *fields)), itemgetter(key))


def stream(queryset, fields, *related: Related, order=None):
    """The queryset's rows as value dicts (``fields``, plus ``"pk"``), read through one
    server-side cursor (PostgreSQL; SQLite reads its one cursor in chunks too), in primary-key
    order (or ``order`` when nothing is related). Each ``Related`` is one more query read
    alongside in the same key order and merged in, so a sheet sends the same number of
    queries whatever its number of rows, and holds one chunk of each at a time."""
    if order is not None and related:
        raise ValueError("related records are merged in primary-key order")
    rows = _dicts(queryset.order_by(*(order or ("pk",))), ("pk", *fields))
    if not related:
        yield from rows
        return
    ids = queryset.order_by().values("pk")
    sources = []
    for rel in related:
        qs = rel.queryset.filter(**{f"{rel.key}__in": ids})
        groups = _groups(qs.order_by(rel.key, *rel.order), rel.key, rel.fields)
        sources.append([rel.name, rel.first, groups, next(groups, None)])
    for row in rows:
        pk = row["pk"]
        for source in sources:
            name, first, groups, current = source
            while current is not None and current[0] < pk:
                current = next(groups, None)
            if current is not None and current[0] == pk:
                items = list(current[1])
                row[name] = items[0] if first else items
                current = next(groups, None)
            else:
                row[name] = None if first else []
            source[3] = current
        yield row


def batched(queryset, *, size: int = CHUNK_SIZE):
    """The queryset's model instances in primary-key order, ``size`` at a time: one query
    per batch (plus one per ``prefetch_related`` lookup). For the sheets whose rows are few
    (a community's monitoring cases, its owners' bills and ballots) and whose accessors
    read model instances; the large registry sheets use ``stream``, whose queries do not
    grow with the rows."""
    last = None
    while True:
        qs = queryset.order_by("pk")
        if last is not None:
            qs = qs.filter(pk__gt=last)
        batch = list(qs[:size])
        yield from batch
        if len(batch) < size:
            return
        last = batch[-1].pk


_LABELS: dict = {}


def label(obj, field_name: str) -> str:
    """The display of a model instance's choice field (empty when blank), translated once
    per language and value."""
    value = getattr(obj, field_name)
    if value in (None, ""):
        return ""
    key_ = (type(obj), field_name, value, get_language())
    text = _LABELS.get(key_)
    if text is None:
        text = _LABELS[key_] = str(getattr(obj, f"get_{field_name}_display")())
    return text


def choice(model, field_name: str):
    """``value -> label`` of a choice field, translated once when the sheet is built (the
    report is built in Chinese): a dict lookup per cell. Blank is empty; an unknown value is
    shown as it is (as ``get_FOO_display`` does)."""
    table = {value: str(text) for value, text in model._meta.get_field(field_name).flatchoices}
    table[None] = table[""] = ""

    def show(value):
        text = table.get(value)
        return text if text is not None else str(value)

    return show


def key(name: str):
    """The accessor of a value dict's field (C-level ``itemgetter``)."""
    return itemgetter(name)


def verbose(model, field_name: str):
    """A header from the model field's own (translated) name."""
    return model._meta.get_field(field_name).verbose_name


_YES_NO: dict = {}


def yes_no(value) -> str:
    """是 / 否 (empty for None), translated once per language, not once per cell."""
    if value is None:
        return ""
    language = get_language()
    pair = _YES_NO.get(language)
    if pair is None:
        pair = _YES_NO[language] = (gettext("yes"), gettext("no"))
    return pair[0] if value else pair[1]
