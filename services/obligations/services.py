"""Writes of the obligation rules: the daily snapshot of their counts, and the daily job."""

import datetime

from django.db import transaction
from django.utils import timezone

from services.obligations.counts import counts_refresh
from services.obligations.models import RuleSnapshot
from services.worktasks.services import tasks_flag_overdue


@transaction.atomic
def snapshot_take(*, day: datetime.date | None = None) -> int:
    """Count every rule in full (the kept counts by building of the day, see
    ``services.obligations.counts``) and store the totals; running it twice on a day
    updates the same rows."""
    day = day or timezone.localdate()
    counts = counts_refresh(today=day)
    rows = [RuleSnapshot(rule_code=code, day=day, count=count) for code, count in counts.items()]
    RuleSnapshot.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["rule_code", "day"],
        update_fields=["count", "is_demo"],
    )
    return len(rows)


def check_obligations(*, today: datetime.date | None = None) -> dict:
    """The daily job: take the snapshot and flag overdue tasks."""
    today = today or timezone.localdate()
    return {"snapshots": snapshot_take(day=today), "flagged": tasks_flag_overdue(today=today)}
