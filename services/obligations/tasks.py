"""Celery tasks of the obligation rules and work tasks."""

from celery import shared_task

from services.obligations import services as obligation_services


@shared_task(time_limit=30 * 60, soft_time_limit=25 * 60)
def check_obligations():
    """Daily: snapshot every rule's count and flag overdue work tasks (safe to run twice:
    the snapshot is one row per rule and day, a task is flagged once)."""
    return obligation_services.check_obligations()
