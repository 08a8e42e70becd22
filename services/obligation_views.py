"""Unit dashboards, rule lists, the supervisor's overview, work tasks and accountability."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from buildings.models import Building
from community.models import Department
from community.roles import Role, has_role

from . import obligation_selectors as selectors
from . import obligation_services as services
from .models import Accountability, TaskState
from .obligation_charts import sparkline
from .obligation_forms import (
    AccountabilityOpenForm,
    AccountabilityUpdateForm,
    RuleListFilter,
    WorkTaskForm,
    WorkTaskNoteForm,
)
from .obligation_services import TASK_TRANSITIONS
from .obligations import RULE_LIST, rules_for_unit

PAGE_SIZE = 50
BUILDINGS_SHOWN = 50  # rows of a dashboard's breakdown by building


def _errors_to_form(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _dashboard(request, unit):
    today = timezone.localdate()
    rules = rules_for_unit(unit.code)
    figures = selectors.rule_figures(
        rules=rules, today=today, by_building=True, recount="recount" in request.GET
    )
    # The buildings with the most failing first; a county has thousands of buildings, and
    # a rule's list finds any other by its number.
    ranked = sorted(
        figures.by_building.items(),
        key=lambda kv: (-sum(kv[1].values()), kv[0] is None, kv[0] or 0),
    )
    shown = ranked[:BUILDINGS_SHOWN]
    buildings = {b.pk: b for b in Building.objects.filter(pk__in=[k for k, _row in shown if k])}
    trends = selectors.weekly_trend(codes=[r.code for r in rules], today=today)
    building_rows = [
        (buildings.get(pk), [(r, row.get(r.code, 0)) for r in rules]) for pk, row in shown
    ]
    return render(
        request,
        "services/obligations/unit_dashboard.html",
        {
            "unit": unit,
            "today": today,
            "rule_rows": [(r, figures.counts[r.code], sparkline(trends[r.code])) for r in rules],
            "rules": rules,
            "building_rows": building_rows,
            "buildings_failing": len(ranked),
            "counted_at": figures.counted_at,
            "cache_minutes": selectors.COUNTS_CACHE_SECONDS // 60,
            "tasks": selectors.unit_open_tasks(unit=unit),
            "can_list": bool(selectors.rules_for_user(request.user)),
        },
    )


def unit_dashboard(request):
    """The user's own unit; staff and supervisors without one go to the overview."""
    if (
        selectors.can_see_overview(request.user)
        and selectors.department_of_user(request.user) is None
    ):
        return redirect("services:supervisor_overview")
    return _dashboard(request, selectors.unit_get_for_user(user=request.user))


def unit_dashboard_for(request, code):
    return _dashboard(request, selectors.unit_get_for_user(user=request.user, code=code))


def rule_list(request, code):
    rule = selectors.rule_get_for_user(user=request.user, code=code)
    today = timezone.localdate()
    filterset = RuleListFilter(
        request.GET or None,
        queryset=selectors.rule_failing_list(rule=rule, today=today),
        subject=rule.subject,
    )
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "services/obligations/rule_list.html",
        {
            "rule": rule,
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "today": today,
        },
    )


def supervisor_overview(request):
    if not selectors.can_see_overview(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    worst_first = request.GET.get("order") != "best"
    units = list(Department.objects.filter(is_active=True).order_by("sort_order", "code"))
    figures = selectors.rule_figures(rules=RULE_LIST, today=today, recount="recount" in request.GET)
    rows = selectors.unit_rows(
        units=units,
        counts=figures.counts,
        tasks=selectors.task_figures_by_unit(today=today),
        requests=selectors.request_figures_by_unit(now=timezone.now()),
    )
    return render(
        request,
        "services/obligations/supervisor_overview.html",
        {
            "rows": selectors.rank_units(rows, worst_first=worst_first),
            "worst_first": worst_first,
            "today": today,
            "counted_at": figures.counted_at,
            "cache_minutes": selectors.COUNTS_CACHE_SECONDS // 60,
        },
    )


def task_list(request):
    if not selectors.sees_every_unit(request.user) and not has_role(request.user, Role.DEPARTMENT):
        raise PermissionDenied
    qs = selectors.tasks_for_user(request.user).order_by("state", "deadline", "pk")
    state = request.GET.get("state", "unfinished")
    if state == "unfinished":
        qs = qs.filter(state__in=[TaskState.OPEN, TaskState.IN_PROGRESS])
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
            _errors_to_form(form, exc)
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
                _errors_to_form(form, exc)
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
    if not selectors.sees_every_unit(request.user) and not has_role(request.user, Role.DEPARTMENT):
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
    if not request.user.has_perm("services.add_accountability"):
        raise PermissionDenied
    task = selectors.task_get_for_user(user=request.user, pk=pk)
    form = AccountabilityOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.accountability_open(
                task=task, opened_by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Accountability record opened."))
            return redirect(task)
    return render(
        request, "services/obligations/accountability_form.html", {"form": form, "task": task}
    )


def accountability_edit(request, pk):
    if not request.user.has_perm("services.change_accountability"):
        raise PermissionDenied
    record = get_object_or_404(Accountability.objects.select_related("task", "unit"), pk=pk)
    selectors.task_get_for_user(user=request.user, pk=record.task_id)
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
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Accountability record saved."))
            return redirect(record.task)
    return render(
        request,
        "services/obligations/accountability_form.html",
        {"form": form, "task": record.task, "record": record},
    )
