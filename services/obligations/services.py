"""Writes of the obligation rules: the daily snapshot of their counts, and the daily job."""

import datetime

from django.db import transaction
from django.utils import timezone

from services.obligations.models import RuleSnapshot
from services.obligations.rules import rule_counts
from services.worktasks.services import tasks_flag_overdue


@transaction.atomic
def snapshot_take(*, day: datetime.date | None = None) -> int:
    """Store today's count of every rule; running it twice on a day updates the same rows."""
    day = day or timezone.localdate()
    counts = rule_counts(today=day)
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
