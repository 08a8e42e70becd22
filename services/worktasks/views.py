"""Work tasks of the responsible units, their progress and evidence, and accountability."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import Department
from community.roles import Role, has_role
from community.selectors import sees_every_unit
from core.forms import add_service_errors
from services.worktasks import selectors, services
from services.worktasks.forms import (
    AccountabilityOpenForm,
    AccountabilityUpdateForm,
    WorkTaskForm,
    WorkTaskNoteForm,
)
from services.worktasks.models import Accountability, TaskState
from services.worktasks.services import TASK_TRANSITIONS

PAGE_SIZE = 50


def task_list(request):
    if not sees_every_unit(request.user) and not has_role(request.user, Role.DEPARTMENT):
        raise PermissionDenied
    qs = selectors.tasks_for_user(request.user).order_by("state", "deadline", "pk")
    state = request.GET.get("state", "unfinished")
    if state == "unfinished":
        qs = qs.filter(state__in=[TaskState.OPEN, TaskState.IN_PROGRESS])
    elif state == "overdue":
        qs = selectors.overdue_tasks(qs, today=timezone.localdate())
    elif state in TaskState.values:
        qs = qs.filter(state=state)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "services/obligations/task_list.html",
        {
            "page": page,
            "state": state,
            "states": TaskState.choices,
            "query": f"state={state}",
            "today": timezone.localdate(),
        },
    )


def task_create(request):
    if not request.user.has_perm("services.add_worktask"):
        raise PermissionDenied
    unit = Department.objects.filter(code=request.GET.get("unit", "")).first()
    form = WorkTaskForm(
        request.POST or None, initial={"rule_code": request.GET.get("rule", ""), "unit": unit}
    )
    if request.method == "POST" and form.is_valid():
        try:
            task = services.task_create(created_by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Work task created."))
            return redirect(task)
    return render(request, "services/obligations/task_form.html", {"form": form})


def task_detail(request, pk):
    task = selectors.task_get_for_user(user=request.user, pk=pk)
    can_update = selectors.can_change_task(request.user, task)
    allowed = TASK_TRANSITIONS[TaskState(task.state)]
    if not has_role(request.user, Role.STAFF, Role.SUPERVISOR, Role.ADMINISTRATOR):
        allowed = allowed - {TaskState.CANCELLED}  # a unit does not cancel its own task
    form = WorkTaskNoteForm(
        request.POST or None, request.FILES or None, task=task, allowed_states=allowed
    )
    if request.method == "POST":
        if not can_update:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.task_add_note(
                    task=task,
                    author=request.user,
                    text=form.cleaned_data["text"],
                    state_to=form.cleaned_data["state_to"],
                    evidence=form.cleaned_data["evidence"],
                    expected_version=form.cleaned_data["version"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Progress recorded."))
                return redirect(task)
    return render(
        request,
        "services/obligations/task_detail.html",
        {
            "task": task,
            "notes": selectors.task_notes(task=task),
            "accountabilities": selectors.task_accountabilities(task=task),
            "form": form if can_update and task.is_unfinished else None,
            "can_hold_to_account": request.user.has_perm("services.add_accountability"),
            "is_late": task.is_overdue or task.finished_late(),
        },
    )


def task_evidence(request, pk, note_pk):
    """An evidence file, served only to users who may see the task."""
    task = selectors.task_get_for_user(user=request.user, pk=pk)
    note = get_object_or_404(selectors.task_notes(task=task), pk=note_pk)
    if not note.evidence:
        raise Http404
    return FileResponse(
        note.evidence.open("rb"), as_attachment=True, filename=note.evidence_name or None
    )


def accountability_list(request):
    if not sees_every_unit(request.user) and not has_role(request.user, Role.DEPARTMENT):
        raise PermissionDenied
    qs = selectors.accountabilities_for_user(request.user)
    show = request.GET.get("show", "open")
    if show == "open":
        qs = qs.filter(closed_on__isnull=True)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "services/obligations/accountability_list.html",
        {"page": page, "show": show, "query": f"show={show}"},
    )


def accountability_create(request, pk):
    # The scope first: a task the user may not see is "not found", like a missing one.
    task = selectors.task_get_for_user(user=request.user, pk=pk)
    if not request.user.has_perm("services.add_accountability"):
        raise PermissionDenied
    form = AccountabilityOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.accountability_open(
                task=task, opened_by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Accountability record opened."))
            return redirect(task)
    return render(
        request, "services/obligations/accountability_form.html", {"form": form, "task": task}
    )


def accountability_edit(request, pk):
    # The scope first: a record of a task the user may not see is "not found".
    record = get_object_or_404(Accountability.objects.select_related("task", "unit"), pk=pk)
    selectors.task_get_for_user(user=request.user, pk=record.task_id)
    if not request.user.has_perm("services.change_accountability"):
        raise PermissionDenied
    form = AccountabilityUpdateForm(
        request.POST or None,
        initial={
            "finding": record.finding,
            "outcome": record.outcome,
            "closed_on": record.closed_on,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.accountability_update(record=record, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Accountability record saved."))
            return redirect(record.task)
    return render(
        request,
        "services/obligations/accountability_form.html",
        {"form": form, "task": record.task, "record": record},
    )
