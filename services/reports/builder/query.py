"""A table compiled into ONE queryset: the user's rows (scoped by the registry selectors),
the filters, one annotation per column (``F`` across joins, ``Subquery`` for the latest
record, ``Exists`` for a rule), the sort, read as tuples. The rows are streamed
(``iterator``: a server-side cursor on PostgreSQL), so an export sends the same queries for
ten rows and for a million, and holds one chunk in memory at a time."""

import datetime
from dataclasses import dataclass
from operator import itemgetter

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext

from core.excel import TEXT
from core.idnumbers import birth_date_bounds_for_age
from households.models import Person
from households.selectors import households_for_user, people_for_user
from services.obligations.rules import RULES
from services.reports.builder.catalogue import (
    CHOICE_DISPLAY,
    HOUSEHOLD_ROWS,
    PERSON_ROWS,
    ROW_NUMBER,
    TEXT_DISPLAY,
    BuildContext,
    CellContext,
    cell_labels,
    has_record_q,
    record_sources,
    rule_exists,
)
from services.reports.builder.selectors import fields_for_user, record_subkinds
from services.reports.builder.spec import NOT_MONITORED, table_date

CHUNK = 2000


@dataclass
class TableColumn:
    header: str
    type: str
    at: int | None  # the value's place in the queryset's row tuple (None: no value)
    display: object = None  # (value, CellContext, key) -> cell, or None: the value itself
    key: str = ""
    row_number: bool = False


@dataclass
class CompiledTable:
    spec: dict
    queryset: object  # values_list of the columns' aliases
    columns: list[TableColumn]
    today: datetime.date
    cell: CellContext = None

    def count(self) -> int:
        return self.queryset.count()

    def _cells(self, tuples):
        """Each row's cells: the values put in column order by one ``itemgetter`` (C), then
        a display function called only for the columns that have one. Per cell this is
        the work of the display alone, which an export of 30 columns over a million rows
        repeats 30 million times."""
        width = None
        # A row tuple is read with one None after it: the value of the empty columns.
        places = [c.at if c.at is not None else -1 for c in self.columns]
        cell = self.cell
        # A text is shown as it is, and a choice's label is one dict lookup (in C): only
        # the other displays are called per cell.
        labelled = [
            (j, {None: None, "": None, **cell.labels[c.key]})
            for j, c in enumerate(self.columns)
            if c.display is CHOICE_DISPLAY
        ]
        shown = [
            (j, c.display, c.key)
            for j, c in enumerate(self.columns)
            if c.display and c.display not in (CHOICE_DISPLAY, TEXT_DISPLAY)
        ]
        numbered = [j for j, c in enumerate(self.columns) if c.row_number]
        extra = (None,)
        for number, row in enumerate(tuples, start=1):
            if width is None:
                width = len(row)
                indexes = [width if at == -1 else at for at in places]
                if len(indexes) == 1:
                    only = indexes[0]

                    def pick(values, only=only):
                        return (values[only],)
                else:
                    pick = itemgetter(*indexes)
            cells = list(pick(row + extra))
            for j, labels in labelled:
                value = cells[j]
                cells[j] = labels.get(value, value)
            for j, display, key in shown:
                cells[j] = display(cells[j], cell, key)
            for j in numbered:
                cells[j] = number
            yield cells

    def rows(self):
        """Every row's cells, streamed."""
        return self._cells(self.queryset.iterator(chunk_size=CHUNK))

    def first(self, n: int) -> list[list]:
        return list(self._cells(self.queryset[:n]))

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


def _person_q(filters: dict, today: datetime.date, prefix: str = "") -> Q:
    q = Q()
    if filters.get("age_min") is not None or filters.get("age_max") is not None:
        low = int(filters.get("age_min") or 0)
        high = int(filters["age_max"]) if filters.get("age_max") is not None else 150
        earliest, latest = birth_date_bounds_for_age(low, high, today)
        q &= Q(**{f"{prefix}birth_date__gte": earliest, f"{prefix}birth_date__lte": latest})
    if filters.get("sex"):
        q &= Q(**{f"{prefix}sex": filters["sex"]})
    if filters.get("labour_capacity"):
        q &= Q(**{f"{prefix}labour_capacity": filters["labour_capacity"]})
    return q


def _household_q(filters: dict, prefix: str) -> Q:
    q = Q()
    if filters.get("building"):
        q &= Q(**{f"{prefix}dwelling__building__code": filters["building"]})
    if filters.get("poverty_status"):
        q &= Q(**{f"{prefix}poverty_status": filters["poverty_status"]})
    if filters.get("monitoring_category"):
        value = filters["monitoring_category"]
        q &= Q(**{f"{prefix}monitoring_category": "" if value == NOT_MONITORED else value})
    if filters.get("moved_in_from"):
        q &= Q(**{f"{prefix}move_in_date__gte": filters["moved_in_from"]})
    if filters.get("moved_in_until"):
        q &= Q(**{f"{prefix}move_in_date__lte": filters["moved_in_until"]})
    return q


def base_rows(user, rows: str):
    if rows == PERSON_ROWS:
        return people_for_user(user).filter(is_active=True, household__is_active=True)
    return households_for_user(user).filter(is_active=True)


def filtered_rows(user, spec: dict, ctx: BuildContext):
    filters = spec["filters"]
    qs = base_rows(user, spec["rows"])
    if spec["rows"] == PERSON_ROWS:
        qs = qs.filter(_household_q(filters, "household__") & _person_q(filters, ctx.today))
    else:
        qs = qs.filter(_household_q(filters, ""))
        members = _person_q(filters, ctx.today)
        if members:  # a household with a member of that age, sex, labour capacity
            qs = qs.filter(
                Exists(Person.objects.filter(members, household=OuterRef("pk"), is_active=True))
            )
    if filters.get("failing_rule"):
        qs = qs.filter(rule_exists(RULES[filters["failing_rule"]], ctx))
    if filters.get("has_record"):
        source = {s.key: s for s in record_sources()}[filters["has_record"]]
        if source.subject == PERSON_ROWS and spec["rows"] == HOUSEHOLD_ROWS:
            person_ctx = BuildContext(rows=PERSON_ROWS, today=ctx.today, subkinds=ctx.subkinds)
            qs = qs.filter(
                Exists(
                    Person.objects.filter(household=OuterRef("pk"), is_active=True).filter(
                        has_record_q(source, person_ctx)
                    )
                )
            )
        else:
            qs = qs.filter(has_record_q(source, ctx))
    return qs


def compile_table(spec: dict, user, *, full_ids: bool) -> CompiledTable:
    """``spec`` (already ``clean_spec``-ed for ``user``) as one queryset and its columns.
    ``full_ids`` False masks even the full-ID fields (an export the user asked masked)."""
    today = table_date(spec)
    fields = fields_for_user(user)
    rows = spec["rows"]
    ctx = BuildContext(rows=rows, today=today, subkinds=record_subkinds(user))
    chosen = [fields[c["key"]] for c in spec["columns"] if c["key"]]
    cell = CellContext(
        today=today,
        full_ids=full_ids,
        labels=cell_labels(chosen),
        yes=gettext("yes"),
        no=gettext("no"),
    )
    annotations, aliases = {}, {}
    for field in chosen:
        if field.expression is not None and field.key not in aliases:
            alias = f"c{len(aliases)}"
            aliases[field.key] = alias
            annotations[alias] = field.expression(ctx)
    order = []
    for item in spec["sort"]:
        field = fields[item["key"]]
        if field.key not in aliases:
            alias = f"c{len(aliases)}"
            aliases[field.key] = alias
            annotations[alias] = field.expression(ctx)
        order.append(f"-{aliases[field.key]}" if item["desc"] else aliases[field.key])
    qs = filtered_rows(user, spec, ctx).annotate(**annotations).order_by(*order, "pk")
    names = list(aliases.values())
    position = {alias: i for i, alias in enumerate(names)}
    qs = qs.values_list(*names) if names else qs.values_list("pk")
    columns = []
    for column in spec["columns"]:
        key = column["key"]
        if not key:
            columns.append(TableColumn(column["header"], TEXT, None))
            continue
        field = fields[key]
        if key == ROW_NUMBER:
            columns.append(TableColumn(column["header"], field.type, None, row_number=True))
            continue
        at = position[aliases[key]]
        columns.append(TableColumn(column["header"], field.type, at, field.display, key))
    return CompiledTable(spec=spec, queryset=qs, columns=columns, today=today, cell=cell)
