"""Celery finds an app's tasks in ``tasks``: they live in one module per area."""

from .obligation_tasks import *  # noqa: F403
from .request_tasks import *  # noqa: F403
