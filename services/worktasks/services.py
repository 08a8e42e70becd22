"""Writes for work tasks, their progress notes and accountability records. The views, the
daily job and the demo all call these functions."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.departments import MEASURE_UNITS
from community.models import Department
from community.selectors import unit_members
from core.notifications import notify_batch
from core.versioning import save_versioned
from services.worktasks.models import (
    UNFINISHED_STATES,
    Accountability,
    TaskState,
    WorkTask,
    WorkTaskNote,
)
from services.worktasks.rules import rule_of

# Legal state changes through a progress note: unfinished tasks move forward; a done or
# cancelled task is final.
TASK_TRANSITIONS = {
    TaskState.OPEN: {TaskState.IN_PROGRESS, TaskState.DONE, TaskState.CANCELLED},
    TaskState.IN_PROGRESS: {TaskState.DONE, TaskState.CANCELLED},
    TaskState.DONE: set(),
    TaskState.CANCELLED: set(),
}


@transaction.atomic
def task_create(
    *,
    title: str,
    unit: Department,
    deadline: datetime.date,
    leader_name: str = "",
    liaison_name: str = "",
    rule_code: str = "",
    measure: str = "",
    description: str = "",
    created_by=None,
) -> WorkTask:
    """A task for ``unit``; the responsible leader defaults to the unit's head (一把手)."""
    task = WorkTask(
        title=title.strip(),
        unit=unit,
        deadline=deadline,
        leader_name=(leader_name or unit.head_name).strip(),
        liaison_name=(liaison_name or unit.liaison_name).strip(),
        rule_code=rule_code,
        measure=measure,
        description=description,
        created_by=created_by,
    )
    errors = {}
    if not task.leader_name:
        errors["leader_name"] = _("Name the responsible leader (the head of the unit).")
    if rule_code and rule_of(rule_code) is None:
        errors["rule_code"] = _("Unknown obligation rule.")
    if measure and measure not in MEASURE_UNITS:
        errors["measure"] = _("Unknown measure of the plan.")
    if errors:
        raise ValidationError(errors)
    task.full_clean()
    task.save()
    return task


@transaction.atomic
def task_add_note(
    *,
    task: WorkTask,
    author,
    text: str,
    expected_version: int,
    state_to: str = "",
    evidence=None,
) -> WorkTaskNote:
    """A progress note, optionally moving the task on and attaching an evidence file. A
    note written on a stale page is refused (``EditConflict``)."""
    if state_to == task.state:
        state_to = ""
    if state_to and state_to not in TASK_TRANSITIONS[TaskState(task.state)]:
        raise ValidationError(
            {
                "state_to": _("A task that is %(state)s cannot change state.")
                % {"state": task.get_state_display()}
            }
        )
    if evidence is not None and evidence.size > settings.WORK_TASK_EVIDENCE_MAX_BYTES:
        raise ValidationError(
            {
                "evidence": _("The evidence file is larger than %(mb)d MB.")
                % {"mb": settings.WORK_TASK_EVIDENCE_MAX_BYTES // (1024 * 1024)}
            }
        )
    note = WorkTaskNote(task=task, author=author, text=text.strip(), state_to=state_to)
    if evidence is not None:
        note.evidence = evidence
        note.evidence_name = evidence.name[-200:]
    note.full_clean()
    fields = []
    if state_to:
        task.state = state_to
        task.done_at = timezone.now() if state_to == TaskState.DONE else None
        fields = ["state", "done_at"]
    task.full_clean()
    save_versioned(task, expected_version=expected_version, update_fields=fields)
    note.save()
    return note


def _is_late(task: WorkTask, today: datetime.date) -> bool:
    return task.is_overdue_on(today) or task.finished_late()


@transaction.atomic
def accountability_open(
    *, task: WorkTask, opened_by, reason: str, today: datetime.date | None = None
) -> Accountability:
    """Open an accountability record on a task not finished on time: refused on a task
    that is still within its deadline, finished on time or cancelled."""
    today = today or timezone.localdate()
    if not _is_late(task, today):
        raise ValidationError(
            _(
                "Accountability is opened only on a task not finished by its deadline (%(deadline)s)."
            )
            % {"deadline": task.deadline.isoformat()}
        )
    record = Accountability(
        task=task, unit_id=task.unit_id, opened_by=opened_by, reason=reason.strip(), opened_on=today
    )
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def accountability_update(
    *, record: Accountability, finding: str, outcome: str, closed_on=None
) -> Accountability:
    record.finding = finding.strip()
    record.outcome = outcome
    record.closed_on = closed_on
    if closed_on and outcome == Accountability.Outcome.PENDING:
        raise ValidationError({"outcome": _("Record the outcome before closing the record.")})
    record.full_clean()
    record.save(update_fields=["finding", "outcome", "closed_on"])
    return record


@transaction.atomic
def tasks_flag_overdue(*, today: datetime.date | None = None) -> int:
    """Flag unfinished tasks past their deadline once, and tell the unit's users."""
    today = today or timezone.localdate()
    tasks = list(
        WorkTask.objects.select_for_update()
        .filter(state__in=UNFINISHED_STATES, deadline__lt=today, overdue_flagged_at__isnull=True)
        .select_related("unit")
    )
    if not tasks:
        return 0
    now = timezone.now()
    users = unit_members(unit_ids={t.unit_id for t in tasks}).values_list(
        "pk", "profile__department_id"
    )
    by_unit: dict[int, list[int]] = {}
    for user_id, unit_id in users:
        by_unit.setdefault(unit_id, []).append(user_id)
    notes = []
    for task in tasks:
        task.overdue_flagged_at = now
        text = _("Work task overdue since %(deadline)s: %(title)s") % {
            "deadline": task.deadline.isoformat(),
            "title": task.title,
        }
        notes.append((by_unit.get(task.unit_id, []), text, task.get_absolute_url()))
    WorkTask.objects.bulk_update(tasks, ["overdue_flagged_at"])
    notify_batch(notes)
    return len(tasks)
