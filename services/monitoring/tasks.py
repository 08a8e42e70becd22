from celery import shared_task
from django.utils import timezone

from services.monitoring.alerts import alerts_raise


@shared_task(time_limit=30 * 60, soft_time_limit=25 * 60)
def raise_monitoring_alerts() -> int:
    """Daily: department data alerts become leads (each fact once)."""
    return alerts_raise(today=timezone.localdate())
