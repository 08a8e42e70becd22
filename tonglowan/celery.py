"""The Celery application.

With ``REDIS_URL`` set, tasks go to Redis and run in a worker (``make worker``), and beat
schedules the daily jobs. Without it (the embedded default of ``make run``) tasks run
in-process as soon as they are sent, and the daily jobs run when a staff page first asks for
them each day (see ``core.jobs.run_daily_if_due``) or by hand with their management commands.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tonglowan.settings")

app = Celery("tonglowan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
