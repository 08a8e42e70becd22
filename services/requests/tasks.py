"""Celery tasks of residents' requests."""

from celery import shared_task


@shared_task(time_limit=600, soft_time_limit=540)
def flag_overdue_requests() -> int:
    """Daily (settings.DAILY_TASKS): flag requests past their deadline and notify their
    unit. Safe to run more than once a day."""
    from services.requests.services import requests_flag_overdue

    return requests_flag_overdue()
