"""What a report is: a code, a Chinese title, the units it serves, an optional filter form,
and its sheets, each with its columns described once as (header, accessor, type).

The reports themselves are in ``services.reports.definitions``; who may run which is in
``services.reports.selectors``; writing one is ``services.reports.export``.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import get_language, gettext

from core.excel import TEXT
from core.idnumbers import mask_id_number

BATCH_SIZE = 2000
EVERY_UNIT = "*"  # a report every unit may run (for its own rows)


@dataclass(frozen=True)
class Col:
    header: object  # str or lazy translation
    accessor: Callable  # row -> value
    type: str = TEXT


@dataclass
class Sheet:
    """One sheet: ``rows()`` yields row objects (read in primary-key batches); ``count()``
    says how many it will yield (for the progress bar and the tests); ``totals`` is None,
    ``"sum"`` (sum every number column) or a function returning the totals row."""

    name: object
    columns: list[Col]
    rows: Callable[[], Iterable]
    count: Callable[[], int] | None = None
    totals: object = None


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


def batched(queryset, *, size: int = BATCH_SIZE):
    """The queryset's rows in primary-key order, ``size`` at a time: one query per batch
    (plus one per ``prefetch_related`` lookup), however many rows."""
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
    """The display of a choice field (empty when blank), translated once per language and
    value: a report asks for the same few labels hundreds of thousands of times."""
    value = getattr(obj, field_name)
    if value in (None, ""):
        return ""
    key = (type(obj), field_name, value, get_language())
    text = _LABELS.get(key)
    if text is None:
        text = _LABELS[key] = str(getattr(obj, f"get_{field_name}_display")())
    return text


def verbose(model, field_name: str):
    """A header from the model field's own (translated) name."""
    return model._meta.get_field(field_name).verbose_name


def yes_no(value) -> str:
    if value is None:
        return ""
    return gettext("yes") if value else gettext("no")
