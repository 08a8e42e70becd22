"""Paginators for large tables (PACKAGES.md: measured on 1,000,000 people).

- ``CappedPaginator``: at most ``max_pages`` pages. An ``OFFSET`` of hundreds of thousands
  of rows costs about half a second whatever the indexes, and nobody reads page 4,000: a
  longer list asks the user to narrow the search instead.
- ``EstimatedCountPaginator``: for the admin's changelists and the staff lists, an unfiltered table's row count
  comes from PostgreSQL's planner estimate (``pg_class.reltuples``, 0.2 ms) instead of
  ``COUNT(*)`` (tens of milliseconds on every page view) once the table is large.
"""

from math import ceil

from django.core.paginator import EmptyPage, Paginator
from django.db import connections
from django.db.models import Count, Window
from django.db.models.sql.where import WhereNode
from django.utils.functional import cached_property

ESTIMATE_ABOVE = 50_000


class CappedPaginator(Paginator):
    max_pages = 200

    def _all_pages(self) -> int:
        # Paginator.num_pages's arithmetic, without its cached_property (which would store
        # the uncapped number under the same attribute name).
        if self.count == 0 and not self.allow_empty_first_page:
            return 0
        return ceil(max(1, self.count - self.orphans) / self.per_page)

    @cached_property
    def num_pages(self):
        return min(self._all_pages(), self.max_pages)

    @property
    def is_capped(self) -> bool:
        return self._all_pages() > self.max_pages


def planner_row_estimate(queryset) -> int | None:
    """The planner's row estimate of an unfiltered table on PostgreSQL, else None."""
    query = queryset.query
    connection = connections[queryset.db]
    if connection.vendor != "postgresql" or query.where or query.distinct or query.combinator:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [queryset.model._meta.db_table],
        )
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] and row[0] > 0 else None


class EstimatedCountPaginator(Paginator):
    is_estimate = False

    @cached_property
    def count(self):
        estimate = planner_row_estimate(self.object_list)
        if estimate is not None and estimate > ESTIMATE_ABOVE:
            self.is_estimate = True
            return estimate
        return super().count

    def validate_number(self, number):
        """A page past the estimate's last page is checked against the true count: the
        estimate is below it whenever rows were added since the table's statistics were
        gathered, and the admin would send the true last pages back to the first."""
        try:
            return super().validate_number(number)
        except EmptyPage:
            if not self.is_estimate:
                raise
        self.is_estimate = False
        self.__dict__["count"] = Paginator.count.func(self)  # COUNT(*), once
        self.__dict__.pop("num_pages", None)
        return super().validate_number(number)


class KnownCountPaginator(Paginator):
    """A list whose row count is known already (kept by the code that owns the list)."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @cached_property
    def count(self):
        return self._known_count


class RegistryPaginator(CappedPaginator, EstimatedCountPaginator):
    """The staff lists: capped pages, and the planner's estimate for an unfiltered list of
    a large table (the page then says "about N").

    Deep pages use a deferred join: first the page's primary keys (an index scan that
    skips ``OFFSET`` rows cheaply), then the full rows by key. With one query, the
    database computes every annotation of the list (member counts…) for each skipped row
    too. So does a search that matches many rows (more than ``deferred_join_matches``):
    in one query the database joins every match (the household's dwelling and building:
    895 households for 李发 at a million people) before it sorts them and keeps a page
    of 50; with the deferred join it sorts the matches alone, then joins 50 rows.
    """

    deferred_join_offset = 1000
    deferred_join_matches = 200
    is_count_capped = False

    def __init__(
        self,
        object_list,
        per_page,
        *,
        count_cap: int | None = None,
        count_with_keys: bool = True,
        **kwargs,
    ):
        """``count_cap``: count at most this many rows (a search that can match tens of
        thousands, such as a surname: ``COUNT`` over a limited subquery stops there; the
        page then says "more than N" and lists the first N). ``count_with_keys=False``: a
        filtered list is counted by its own ``COUNT``, then its page read by the list's
        order, for lists whose filters no index serves (the records' dates: with the count
        beside the keys, PostgreSQL walked all 1,821,354 medical-insurance records in the
        list's order to count them, 771 ms, where a parallel count and a page read off the
        order's index took 333 ms)."""
        super().__init__(object_list, per_page, **kwargs)
        self.count_cap = count_cap
        self.count_with_keys = count_with_keys

    @cached_property
    def count(self):
        if self.count_cap is None or not hasattr(self.object_list, "order_by"):
            return super().count
        found = self.object_list.order_by()[: self.count_cap + 1].count()
        if found > self.count_cap:
            self.is_count_capped = True
            return self.count_cap
        return found

    def get_page(self, number):
        """A search (a filtered list, its count not capped) reads its page's keys and its
        number of matches in one query (``COUNT(*) OVER ()``): counting the matches and
        then sorting them for the page's keys ran the search twice (the last four ID
        characters at a million people: 4 ms each). A page past the end takes Django's
        way (count, then the last page)."""
        try:
            wanted = int(number)
        except (TypeError, ValueError):
            wanted = 1  # as Django's: not a number is the first page
        if not 1 <= wanted <= self.max_pages or not self._counts_with_keys():
            return super().get_page(number)
        bottom = (wanted - 1) * self.per_page
        found = list(
            self.object_list.annotate(_matches=Window(Count("*"))).values_list("pk", "_matches")[
                bottom : bottom + self.per_page
            ]
        )
        if not found and bottom:
            return super().get_page(number)
        self.__dict__["count"] = found[0][1] if found else 0  # the cached_property's value
        return self._page_by_keys([pk for pk, _n in found], wanted)

    def _counts_with_keys(self) -> bool:
        return (
            self.count_with_keys
            and hasattr(self.object_list, "values_list")
            and bool(self.object_list.query.where)
            and self.count_cap is None
            and not self.orphans
            and "count" not in self.__dict__
        )

    def _page_by_keys(self, keys, number):
        rows = self.object_list.all()
        if len(rows.query.alias_map) == 1:
            # The keys are the search's: the rows by key need not search again. (Only when
            # the filters join no other table, whose joins would stay without them.)
            rows.query.where = WhereNode()
        return self._get_page(rows.filter(pk__in=keys), number, self)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if not hasattr(self.object_list, "values_list"):
            return super().page(number)
        many_matches = self.count > self.deferred_join_matches and self.object_list.query.where
        if bottom < self.deferred_join_offset and not many_matches:
            return super().page(number)
        keys = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        return self._page_by_keys(keys, number)
