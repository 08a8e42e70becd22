import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import DailyRun

logger = logging.getLogger(__name__)


def run_daily_jobs(*, force: bool = False) -> list[str]:
    """Run each task of ``settings.DAILY_TASKS`` at most once per local day.

    Used in the embedded default (no broker, no beat) and by management commands. The
    ``DailyRun`` row's unique constraint makes two processes racing for the same job run it
    once. Returns the names of the jobs run.
    """
    today = timezone.localdate()
    ran = []
    for name, path in settings.DAILY_TASKS.items():
        if not force:
            try:
                with transaction.atomic():
                    DailyRun.objects.create(name=name, day=today)
            except IntegrityError:
                continue
        task = import_string(path)
        try:
            task.apply() if hasattr(task, "apply") else task()
        except Exception:  # a failing job must not break the page that triggered it
            logger.exception("daily job %s failed", name)
            continue
        ran.append(name)
    return ran


class DailyJobsMiddleware:
    """Without Celery beat, run the daily jobs on the first request of each day."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._last_day = None

    def __call__(self, request):
        if settings.RUN_DAILY_JOBS_IN_PROCESS and settings.DAILY_TASKS:
            today = timezone.localdate()
            if self._last_day != today:
                self._last_day = today
                run_daily_jobs()
        return self.get_response(request)
