"""Reads of work tasks and accountability records, scoped to the user: staff, supervisors
and administrators see every unit's; a department user its own unit's (every unit's when
its unit supervises others); building leaders none."""

import datetime

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.http import Http404

from community.roles import Role, has_role
from community.selectors import department_of_user, departments_for_user, sees_every_unit
from services.worktasks.models import (
    UNFINISHED_STATES,
    Accountability,
    TaskState,
    WorkTask,
    WorkTaskNote,
)


def tasks_for_user(user):
    units = departments_for_user(user)
    if sees_every_unit(user):
        qs = WorkTask.objects.all()
    else:
        qs = WorkTask.objects.filter(unit__in=units)
    return qs.select_related("unit")


def overdue_tasks(tasks, *, today: datetime.date):
    """Unfinished after their deadline (on the deadline itself a task is not overdue)."""
    return tasks.filter(state__in=UNFINISHED_STATES, deadline__lt=today)


def task_get_for_user(*, user, pk: int) -> WorkTask:
    try:
        return tasks_for_user(user).get(pk=pk)
    except WorkTask.DoesNotExist:
        raise Http404 from None


def can_change_task(user, task: WorkTask) -> bool:
    """Staff, supervisors and administrators update any task they see; a department user
    only its own unit's, even when its unit supervises others (the town government and the
    poverty-alleviation office see every unit's tasks, but do not do their work)."""
    if not user.has_perm("services.change_worktask"):
        return False
    if has_role(user, Role.STAFF, Role.SUPERVISOR, Role.ADMINISTRATOR):
        return True
    dept = department_of_user(user)
    return dept is not None and task.unit_id == dept.pk


def accountabilities_for_user(user):
    """Accountability records of the units the user sees (a unit sees its own)."""
    qs = Accountability.objects.all()
    if not sees_every_unit(user):
        qs = qs.filter(unit__in=departments_for_user(user))
    return qs.select_related("unit", "task", "opened_by__profile")


def task_notes(*, task: WorkTask):
    return WorkTaskNote.objects.filter(task=task).select_related("author__profile")


def task_accountabilities(*, task: WorkTask):
    return Accountability.objects.filter(task=task).select_related("unit", "opened_by__profile")


def task_figures_by_unit(*, today: datetime.date, unit_ids=None) -> dict[int, dict]:
    """Per unit: open, overdue, done, done on time (one grouped query)."""
    qs = WorkTask.objects.order_by()
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    rows = (
        qs.annotate(done_day=TruncDate("done_at"))
        .values("unit_id")
        .annotate(
            open=Count("pk", filter=Q(state__in=UNFINISHED_STATES)),
            overdue=Count("pk", filter=Q(state__in=UNFINISHED_STATES, deadline__lt=today)),
            done=Count("pk", filter=Q(state=TaskState.DONE)),
            on_time=Count("pk", filter=Q(state=TaskState.DONE, done_day__lte=F("deadline"))),
            accountabilities=Count("accountabilities", distinct=True),
        )
    )
    return {row.pop("unit_id"): row for row in rows}


def unit_open_tasks(*, unit, limit: int = 20):
    return list(
        WorkTask.objects.filter(unit=unit, state__in=UNFINISHED_STATES).order_by("deadline", "pk")[
            :limit
        ]
    )
