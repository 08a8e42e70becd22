"""Bulk loading of generated rows, for seeding very large data sets (``seed_demo``).

A ``BulkWriter`` takes the rows of one model as keyword values, hands out their primary
keys at once (so a child row can name its parent before either is written), and writes
them in batches: with PostgreSQL's ``COPY … FROM STDIN`` (CSV from an in-memory buffer per
batch), elsewhere with ``bulk_create`` of model instances built from the same values. The
same values go into the table on either backend; fields not given take the model's default.

Primary keys: on PostgreSQL they are drawn from the table's sequence (``nextval`` over a
``generate_series`` per batch, so concurrent inserts never collide); elsewhere they continue
from the table's largest key and SQLite's ``AUTOINCREMENT`` counter. Only one writer of a
model may be open at a time on SQLite.

With ``history_reason`` every written row also gets a "created" row in its
django-simple-history table (``INSERT … SELECT`` from the rows just written), as
``bulk_create_with_history`` would write it.

No model ``save()``, signal or ``full_clean()`` runs: the caller makes valid rows.
"""

import contextlib
import csv
import io
import json
import operator

from django.db import connection
from django.db.models import JSONField
from django.utils import timezone

BATCH = 5000
NULL = r"\N"  # COPY's NULL marker; an unquoted empty CSV field is an empty string
HISTORY_FIELDS = {"history_id", "history_date", "history_change_reason", "history_type"}


class BulkWriter:
    def __init__(self, model, fields, *, batch: int = BATCH, history_reason: str | None = None):
        meta = model._meta
        self.model = model
        self.batch = batch
        self.history_reason = history_reason
        self.written = 0
        self.postgres = connection.vendor == "postgresql"
        by_attname = {f.attname: f for f in meta.concrete_fields}
        unknown = [name for name in fields if name not in by_attname or name == meta.pk.attname]
        if unknown:
            raise ValueError(f"{meta.label}: not a writable column: {', '.join(unknown)}")
        self.fields = list(fields)
        self._get = operator.itemgetter(*self.fields)
        if len(self.fields) == 1:
            name = self.fields[0]
            self._get = lambda values: (values[name],)
        rest = [f for f in meta.concrete_fields if f.attname not in fields and f is not meta.pk]
        # As a model instance would have them: the default, else empty text or NULL.
        self._defaults = tuple(f.get_default() for f in rest)
        columns = [meta.pk, *(by_attname[name] for name in self.fields), *rest]
        self._columns = columns
        # Only the given columns can hold None; the defaults are written as COPY reads them.
        self._nullable = [i + 1 for i, name in enumerate(self.fields) if by_attname[name].null]
        self._json = [
            (i + 1, by_attname[name].encoder)
            for i, name in enumerate(self.fields)
            if isinstance(by_attname[name], JSONField)
        ]
        if self.postgres:  # the defaults as COPY reads them, once
            self._defaults = tuple(
                NULL
                if value is None
                else json.dumps(value, cls=f.encoder, ensure_ascii=False)
                if isinstance(f, JSONField)
                else value
                for f, value in zip(rest, self._defaults, strict=True)
            )
        self._rows: list[tuple] = []
        self._ids: list[int] = []
        self._next_local = None
        self._copy_sql = "COPY {} ({}) FROM STDIN WITH (FORMAT csv, NULL '{}')".format(
            connection.ops.quote_name(meta.db_table),
            ", ".join(connection.ops.quote_name(f.column) for f in columns),
            NULL,
        )

    # -- rows -----------------------------------------------------------------------------

    def add(self, **values) -> int:
        """Queue one row (every field named at construction, nothing else); returns its pk."""
        if len(values) != len(self.fields):
            extra = set(values) - set(self.fields)
            raise ValueError(f"{self.model._meta.label}: unexpected or missing {extra or '?'}")
        pk = self._next_pk()
        self._rows.append((pk, *self._get(values), *self._defaults))
        if len(self._rows) >= self.batch:
            self.flush()
        return pk

    def flush(self):
        rows, self._rows = self._rows, []
        if not rows:
            return
        if self.postgres:
            self._copy(rows)
        else:
            names = [c.attname for c in self._columns]
            self.model._default_manager.bulk_create(
                [self.model(**dict(zip(names, row, strict=True))) for row in rows],
                batch_size=self.batch,
            )
        if self.history_reason is not None:
            self._history([row[0] for row in rows])
        self.written += len(rows)

    def close(self) -> int:
        self.flush()
        return self.written

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.flush()

    # -- PostgreSQL -----------------------------------------------------------------------

    def _copy(self, rows):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        nullable, json_columns = self._nullable, self._json
        if nullable or json_columns:
            for row in rows:
                row = list(row)
                for i in nullable:
                    if row[i] is None:
                        row[i] = NULL
                for i, encoder in json_columns:
                    if row[i] is not NULL:
                        row[i] = json.dumps(row[i], cls=encoder, ensure_ascii=False)
                writer.writerow(row)
        else:
            writer.writerows(rows)
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(self._copy_sql, buffer)

    # -- primary keys ---------------------------------------------------------------------

    def _next_pk(self) -> int:
        if self.postgres:
            if not self._ids:
                self._ids = self._allocate(self.batch)
                self._ids.reverse()
            return self._ids.pop()
        if self._next_local is None:
            self._next_local = self._largest_key() + 1
        pk, self._next_local = self._next_local, self._next_local + 1
        return pk

    def _allocate(self, n: int) -> list[int]:
        meta = self.model._meta
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, n],
            )
            return [pk for (pk,) in cursor.fetchall()]

    def _largest_key(self) -> int:
        meta = self.model._meta
        table, column = connection.ops.quote_name(meta.db_table), meta.pk.column
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX({connection.ops.quote_name(column)}) FROM {table}")
            largest = cursor.fetchone()[0] or 0
            if connection.vendor == "sqlite":
                cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'")
                if cursor.fetchone():
                    cursor.execute(
                        "SELECT seq FROM sqlite_sequence WHERE name = %s", [meta.db_table]
                    )
                    found = cursor.fetchone()
                    largest = max(largest, found[0] if found else 0)
        return largest

    # -- history --------------------------------------------------------------------------

    def _history(self, pks: list[int]):
        """'Created' history rows of the rows with these pks, copied from the table."""
        meta = self.model._meta
        history = self.model.history.model._meta
        quote = connection.ops.quote_name
        own = {f.column for f in meta.concrete_fields}
        copied, added, params = [], [], []
        for f in history.concrete_fields:
            if f.attname == "history_id":
                continue
            if f.attname in HISTORY_FIELDS:
                added.append(f.column)
                value = {
                    "history_date": connection.ops.adapt_datetimefield_value(timezone.now()),
                    "history_change_reason": self.history_reason,
                    "history_type": "+",
                }[f.attname]
                params.append(value)
            elif f.column in own:
                copied.append(f.column)
            elif not f.null:
                raise ValueError(f"{history.label}: cannot fill {f.attname}")
        if self.postgres:
            where, params_where = f"{quote(meta.pk.column)} = ANY(%s)", [pks]
        else:
            where, params_where = f"{quote(meta.pk.column)} BETWEEN %s AND %s", [pks[0], pks[-1]]
        sql = "INSERT INTO {} ({}) SELECT {} FROM {} WHERE {}".format(
            quote(history.db_table),
            ", ".join(quote(c) for c in copied + added),
            ", ".join([quote(c) for c in copied] + ["%s"] * len(added)),
            quote(meta.db_table),
            where,
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params + params_where)


def analyze():
    """Fresh planner statistics after a large load (PostgreSQL only; a no-op elsewhere)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


@contextlib.contextmanager
def loading(*models):
    """Load into the tables of these models as PostgreSQL's manual advises for populating a
    database: their foreign keys, unique constraints and secondary indexes are dropped for
    the load and made again after it, in one sorted pass each, instead of being checked and
    updated row by row (a foreign key made again checks every row with one join). The
    definitions are read from the catalogue and made again as they were, with their names;
    then the tables are analysed, so the queries that read the rows before the commit plan
    with statistics.

    Must run inside a transaction: if anything fails, the drops are rolled back with the
    rows. The tables are locked (ACCESS EXCLUSIVE) until the transaction ends. A no-op on
    other backends."""
    if connection.vendor != "postgresql":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("loading() must run inside transaction.atomic()")
    tables = []
    for model in models:
        tables.append(model._meta.db_table)
        history = getattr(model, "history", None)
        if history is not None:
            tables.append(history.model._meta.db_table)
    with connection.cursor() as cursor:
        # Constraints: foreign keys, and unique constraints no foreign key refers to.
        cursor.execute(
            """
            SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
            FROM pg_constraint c
            WHERE c.conrelid = ANY(%s::regclass[])
              AND (c.contype = 'f' OR (c.contype = 'u' AND NOT EXISTS (
                  SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid
              )))
            ORDER BY c.contype DESC, c.conrelid::regclass::text, c.conname
            """,
            [tables],
        )
        constraints = cursor.fetchall()  # unique ones first: they are made before the keys
        # Indexes of their own (not a constraint's, not the primary key's).
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid
                              AND c.conrelid = i.indrelid)
            ORDER BY 1
            """,
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _definition in constraints:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in constraints:
            cursor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
            )
        # Statistics of the new rows, for the queries that read them before the commit.
        cursor.execute(f"ANALYZE {', '.join(connection.ops.quote_name(t) for t in tables)}")
