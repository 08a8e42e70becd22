"""Every task of the project can be sent: Celery refuses at ``apply_async`` (beat's
sending included) a task whose soft time limit, its own or the global
``CELERY_TASK_SOFT_TIME_LIMIT``, is above its hard limit."""

import pytest
from django.conf import settings

from tonglowan.celery import app

PROJECT = ("core.", "community.", "buildings.", "households.", "services.", "ownersassoc.")


def _project_tasks():
    app.loader.import_default_modules()
    return sorted(name for name in app.tasks if name.startswith(PROJECT))


def test_the_project_has_tasks():
    assert "core.tasks.reap_jobs" in _project_tasks()


@pytest.mark.parametrize("name", _project_tasks())
def test_soft_time_limit_is_within_the_hard_one(name):
    task = app.tasks[name]
    hard = task.time_limit if task.time_limit is not None else settings.CELERY_TASK_TIME_LIMIT
    soft = (
        task.soft_time_limit
        if task.soft_time_limit is not None
        else settings.CELERY_TASK_SOFT_TIME_LIMIT
    )
    assert soft <= hard, f"{name}: soft {soft} s above hard {hard} s"


def test_every_beat_entry_names_a_project_task():
    names = set(_project_tasks())
    for entry, spec in settings.CELERY_BEAT_SCHEDULE.items():
        assert spec["task"] in names, entry
