"""Queryset helpers shared by the apps."""

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
