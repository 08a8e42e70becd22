"""Queryset helpers shared by the apps."""

import contextlib

from django.db import DatabaseError, connections
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
