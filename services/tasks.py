"""Celery finds an app's tasks in ``tasks``: they live in one module per area."""

from services.monitoring.tasks import *  # noqa: F403
from services.obligations.tasks import *  # noqa: F403
from services.requests.tasks import *  # noqa: F403
