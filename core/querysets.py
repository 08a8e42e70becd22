"""Queryset helpers shared by the apps."""

import contextlib
import threading

from django.db import DatabaseError, connections, transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber


def first_per_group(qs, *, group: str, order_by: tuple[str, ...], n: int):
    """The first ``n`` rows of each value of ``group`` in the order ``order_by``, in one
    query (a ``ROW_NUMBER()`` window partitioned by ``group``), ordered by ``group`` and
    then ``order_by``: what ``qs.filter(group=value).order_by(*order_by)[:n]`` gives for
    each value, for many values at once."""
    ranked = qs.annotate(
        group_rank=Window(RowNumber(), partition_by=F(group), order_by=list(order_by))
    )
    return ranked.filter(group_rank__lte=n).order_by(group, *order_by)


class _Values:
    """Stands for the values a compiled query is run with (found again by identity)."""


_COMPILED: dict = {}
_COMPILED_MAX = 512  # distinct keys kept per process before the cache starts again


def compiled_rows(key, build, column: str, values: list, *, using: str = "default") -> list:
    """The rows of the queryset ``build()`` restricted to the rows whose ``column`` (quoted
    SQL: ``'"households_household"."id"'``) is one of ``values``, compiled to SQL once per
    process and ``key``, then run again for other values. The rows are tuples as the driver
    returns them (no field converters: for keys and counts).

    Why: a page that asks the same wide query for different rows (the rules a household
    fails: one ``COUNT … FILTER`` per rule) spends more time in the ORM building and
    compiling it (12 ms for 16 rules on this project's machine) than the database spends
    running it (3 ms). ``key`` must hold everything the query's SQL and parameters depend on
    besides ``values``; the settings object is added to it, so that a changed setting
    (``override_settings``) compiles the query again."""
    import json

    from django.conf import settings
    from django.db import connections

    connection = connections[using]
    # The entry keeps the settings object it was compiled under: while it is cached, no
    # other settings object can have its id.
    wrapped = settings._wrapped
    full_key = (using, id(wrapped), key)
    entry = _COMPILED.get(full_key)
    if entry is None:
        placeholder = _Values()
        if connection.vendor == "postgresql":
            where = f"{column} = ANY(%s)"
        else:  # SQLite: the values as one JSON array
            where = f"{column} IN (SELECT value FROM json_each(%s))"
        queryset = build().extra(where=[where], params=[placeholder])
        sql, params = queryset.query.get_compiler(using=using).as_sql()
        params = list(params)
        at = [i for i, p in enumerate(params) if p is placeholder]
        if len(at) != 1:
            raise ValueError("the compiled query must take the values exactly once")
        if len(_COMPILED) >= _COMPILED_MAX:
            _COMPILED.clear()
        entry = _COMPILED[full_key] = (sql, params, at[0], wrapped)
    sql, params, at, _settings = entry
    params = list(params)
    params[at] = list(values) if connection.vendor == "postgresql" else json.dumps(list(values))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@contextlib.contextmanager
def without_jit(using: str = "default"):
    """PostgreSQL's JIT compiler off for the queries run inside (the connection's default
    again after). An export streams one query whose correlated subqueries make its planned
    cost high enough for JIT with inlining and optimisation: on 99,851 people the table
    builder's 30-column query spent 1.9 s of its 3.9 s compiling, and at 995,176 people the
    query read in 25.6 s with JIT against 23.9 s without; the rows are not evaluated faster.
    Elsewhere a no-op."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("RESET jit")
        except DatabaseError:  # an aborted transaction: its rollback undoes the SET too
            pass


_snapshots = threading.local()


@contextlib.contextmanager
def read_snapshot(using: str = "default"):
    """The queries run inside read one snapshot of the database, and a server-side cursor
    computes its rows as they are fetched (PostgreSQL: a ``REPEATABLE READ`` transaction).

    Why: outside a transaction Django declares a streamed queryset's cursor ``WITH HOLD``,
    and PostgreSQL then runs the whole query and stores its result before the first row is
    sent: the table builder's 30-column query over 995,176 people sat 25 s in ``execute``
    (its rows then came in 7.6 s), while the export waited with nothing to write. Inside a
    transaction each chunk is computed when it is fetched, so the database works while the
    rows before are written (``core.excel.WriteBehind``); and every sheet of an export is of
    the same moment. A write that others must see at once meanwhile (a job's progress) goes
    through ``outside_snapshot``.

    Inside a transaction already (a caller's, a test's), or elsewhere than PostgreSQL
    (SQLite's cursors already step as they are read), it changes nothing."""
    connection = connections[using]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    opened = getattr(_snapshots, "open", {})
    _snapshots.open = opened
    opened[using] = None  # the second connection, made when first asked for
    try:
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            yield
    finally:
        side = opened.pop(using, None)
        if side is not None:
            side.close()


def outside_snapshot(using: str = "default"):
    """The connection for a write that must be seen at once: while ``read_snapshot`` is
    open in this thread, a second connection to the same database (in autocommit, made once
    and closed with the snapshot); otherwise this thread's own (None)."""
    opened = getattr(_snapshots, "open", {})
    if using not in opened:
        return None
    if opened[using] is None:
        opened[using] = connections.create_connection(using)
    return opened[using]
