"""Work tasks, progress notes and evidence, accountability, snapshots and the daily job."""

import datetime
import random

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from core.middleware import run_daily_jobs
from core.models import Notification
from core.versioning import EditConflict
from services.demo.obligations import DEMO_WEEKS, seed_rule_snapshots, seed_work_tasks
from services.obligations import services
from services.obligations.models import RuleSnapshot
from services.obligations.rules import RULE_LIST, rule_counts
from services.worktasks import services as worktask_services
from services.worktasks.models import Accountability, TaskState, WorkTask, WorkTaskNote
from tests.households.factories import HouseholdFactory, PersonFactory
from tests.services.rule_factories import WorkTaskFactory, unit

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def today():
    return timezone.localdate()


# --- creating and updating tasks ---------------------------------------------------------


def test_staff_creates_a_task_for_any_unit(client_for, staff_user):
    response = client_for(staff_user).post(
        "/services/tasks/new/",
        {
            "title": "核查入学",
            "unit": unit("education").pk,
            "rule_code": "school-not-enrolled",
            "measure": "6.1",
            "deadline": (today() + 10 * DAY).isoformat(),
            "leader_name": "局长",
        },
    )
    task = WorkTask.objects.get()
    assert response.status_code == 302 and response["Location"] == task.get_absolute_url()
    assert (task.unit.code, task.state, task.created_by) == (
        "education",
        TaskState.OPEN,
        staff_user,
    )


def test_a_task_needs_a_responsible_leader_and_a_known_rule():
    with pytest.raises(ValidationError) as exc:
        worktask_services.task_create(
            title="x", unit=unit(), deadline=today(), rule_code="nope", measure="9.9"
        )
    assert set(exc.value.message_dict) == {"leader_name", "rule_code", "measure"}
    hr = unit()
    hr.head_name = "张局长"
    hr.save()
    assert (
        worktask_services.task_create(title="x", unit=hr, deadline=today()).leader_name == "张局长"
    )


def test_department_user_cannot_create_tasks(client_for, department_user):
    client = client_for(department_user)
    assert client.get("/services/tasks/new/").status_code == 403
    assert client.post("/services/tasks/new/", {"title": "x"}).status_code == 403
    assert not WorkTask.objects.exists()


def test_department_user_sees_and_updates_only_its_units_tasks(client_for, department_user):
    own, other = WorkTaskFactory(), WorkTaskFactory(unit=unit("education"))
    client = client_for(department_user)
    assert [t.pk for t in client.get("/services/tasks/").context["page"]] == [own.pk]
    assert client.get(f"/services/tasks/{other.pk}/").status_code == 404
    response = client.post(
        f"/services/tasks/{other.pk}/", {"version": 1, "text": "x", "state_to": "done"}
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.state == TaskState.OPEN
    response = client.post(
        f"/services/tasks/{own.pk}/", {"version": 1, "text": "已完成", "state_to": "done"}
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.state == TaskState.DONE and own.done_at is not None


def test_leader_cannot_see_tasks(client_for, leader_a):
    task = WorkTaskFactory()
    assert client_for(leader_a).get(f"/services/tasks/{task.pk}/").status_code == 404


def test_a_note_from_a_stale_page_is_refused(department_user):
    task = WorkTaskFactory()
    worktask_services.task_add_note(
        task=task, author=department_user, text="开始", state_to="in_progress", expected_version=1
    )
    stale = WorkTask.objects.get(pk=task.pk)
    stale.version = 1
    with pytest.raises(EditConflict):
        worktask_services.task_add_note(
            task=stale, author=department_user, text="完成", state_to="done", expected_version=1
        )
    task.refresh_from_db()
    assert task.state == TaskState.IN_PROGRESS and task.notes.count() == 1


def test_a_finished_task_cannot_change_state(department_user):
    task = WorkTaskFactory()
    worktask_services.task_add_note(
        task=task, author=department_user, text="完成", state_to="done", expected_version=1
    )
    with pytest.raises(ValidationError):
        worktask_services.task_add_note(
            task=task, author=department_user, text="重开", state_to="open", expected_version=2
        )


def test_evidence_is_size_limited_and_served_only_in_scope(
    client_for, department_user, supervisor_user, settings
):
    settings.WORK_TASK_EVIDENCE_MAX_BYTES = 1024 * 1024
    task = WorkTaskFactory()
    client = client_for(department_user)
    big = SimpleUploadedFile("big.pdf", b"x" * (1024 * 1024 + 1))
    response = client.post(
        f"/services/tasks/{task.pk}/", {"version": 1, "text": "证明", "evidence": big}
    )
    assert response.status_code == 200 and not WorkTaskNote.objects.exists()
    assert "evidence" in response.context["form"].errors
    script = SimpleUploadedFile("run.exe", b"MZ")
    response = client.post(
        f"/services/tasks/{task.pk}/", {"version": 1, "text": "证明", "evidence": script}
    )
    assert "evidence" in response.context["form"].errors and not WorkTaskNote.objects.exists()
    small = SimpleUploadedFile("名单.pdf", b"%PDF-1.4 list")
    assert (
        client.post(
            f"/services/tasks/{task.pk}/", {"version": 1, "text": "证明", "evidence": small}
        ).status_code
        == 302
    )
    note = WorkTaskNote.objects.get()
    url = f"/services/tasks/{task.pk}/evidence/{note.pk}/"
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 list"
    assert client_for(supervisor_user).get(url).status_code == 200
    other = WorkTaskFactory(unit=unit("education"))
    assert client.get(f"/services/tasks/{other.pk}/evidence/{note.pk}/").status_code == 404


# --- accountability --------------------------------------------------------------------------


def test_accountability_is_refused_on_a_task_that_is_not_overdue(supervisor_user):
    on_deadline = WorkTaskFactory(deadline=today())
    with pytest.raises(ValidationError):
        worktask_services.accountability_open(
            task=on_deadline, opened_by=supervisor_user, reason="迟缓"
        )
    assert not Accountability.objects.exists()


def test_accountability_on_an_overdue_or_late_task(supervisor_user):
    overdue = WorkTaskFactory(deadline=today() - DAY)
    record = worktask_services.accountability_open(
        task=overdue, opened_by=supervisor_user, reason="逾期未完成"
    )
    assert (record.unit, record.outcome, record.opened_on) == (overdue.unit, "pending", today())
    late = WorkTaskFactory(deadline=today() - 2 * DAY, state=TaskState.DONE, done_at=timezone.now())
    assert worktask_services.accountability_open(
        task=late, opened_by=supervisor_user, reason="逾期完成"
    )
    on_time = WorkTaskFactory(deadline=today(), state=TaskState.DONE, done_at=timezone.now())
    with pytest.raises(ValidationError):
        worktask_services.accountability_open(task=on_time, opened_by=supervisor_user, reason="x")


def test_accountability_pages(client_for, supervisor_user, department_user):
    not_due, overdue = WorkTaskFactory(), WorkTaskFactory(deadline=today() - DAY)
    client = client_for(supervisor_user)
    response = client.post(f"/services/tasks/{not_due.pk}/accountability/", {"reason": "x"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert (
        client.post(f"/services/tasks/{overdue.pk}/accountability/", {"reason": "逾期"}).status_code
        == 302
    )
    record = Accountability.objects.get()
    response = client.post(
        f"/services/accountability/{record.pk}/",
        {"finding": "人员不足", "outcome": "reminder", "closed_on": today().isoformat()},
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.outcome, record.closed_on) == ("reminder", today())
    dept = client_for(department_user)
    assert (
        dept.post(f"/services/tasks/{overdue.pk}/accountability/", {"reason": "x"}).status_code
        == 403
    )
    assert Accountability.objects.count() == 1


# --- the daily job -------------------------------------------------------------------------


def test_snapshots_are_idempotent_and_follow_the_counts():
    PersonFactory(household=HouseholdFactory(), training_willingness="yes")
    assert services.snapshot_take(day=today()) == len(RULE_LIST)
    assert services.snapshot_take(day=today()) == len(RULE_LIST)
    assert RuleSnapshot.objects.count() == len(RULE_LIST)
    assert RuleSnapshot.objects.get(rule_code="training-overdue").count == 1
    PersonFactory(household=HouseholdFactory(), training_willingness="yes")
    services.snapshot_take(day=today())
    assert RuleSnapshot.objects.get(rule_code="training-overdue").count == 2


def test_overdue_tasks_are_flagged_once_and_the_unit_told(department_user):
    overdue = WorkTaskFactory(deadline=today() - DAY)
    WorkTaskFactory(deadline=today())
    WorkTaskFactory(deadline=today() - DAY, state=TaskState.CANCELLED)
    assert worktask_services.tasks_flag_overdue(today=today()) == 1
    overdue.refresh_from_db()
    flagged_at = overdue.overdue_flagged_at
    assert flagged_at is not None
    assert list(Notification.objects.values_list("user", "url")) == [
        (department_user.pk, overdue.get_absolute_url())
    ]
    assert worktask_services.tasks_flag_overdue(today=today()) == 0
    overdue.refresh_from_db()
    assert overdue.overdue_flagged_at == flagged_at and Notification.objects.count() == 1


def test_the_daily_job_is_wired_and_the_command_runs_it(settings, capsys):
    assert (
        settings.DAILY_TASKS["check_obligations"] == "services.obligations.tasks.check_obligations"
    )
    WorkTaskFactory(deadline=today() - DAY)
    assert "check_obligations" in run_daily_jobs(force=True)
    assert RuleSnapshot.objects.filter(day=today()).count() == len(RULE_LIST)
    assert WorkTask.objects.get().overdue_flagged_at is not None
    call_command("check_obligations", "--date", (today() + DAY).isoformat())
    assert "0 work tasks flagged" in capsys.readouterr().out
    assert RuleSnapshot.objects.filter(day=today() + DAY).count() == len(RULE_LIST)


# --- demo ----------------------------------------------------------------------------------------


def test_demo_snapshots_fall_towards_todays_real_counts():
    for _i in range(30):
        PersonFactory(household=HouseholdFactory(), training_willingness="yes")
    seed_rule_snapshots(rng=random.Random(1))
    counts = rule_counts()
    real = dict(RuleSnapshot.objects.filter(day=today()).values_list("rule_code", "count"))
    assert real == counts and not RuleSnapshot.objects.filter(day=today(), is_demo=True).exists()
    history = list(
        RuleSnapshot.objects.filter(rule_code="training-overdue", is_demo=True)
        .order_by("day")
        .values_list("count", flat=True)
    )
    assert len(history) == DEMO_WEEKS
    assert history == sorted(history, reverse=True) and history[-1] >= counts["training-overdue"]
    assert max(history) <= 30


def test_demo_tasks_include_an_overdue_one_held_to_account(supervisor_user):
    seed_work_tasks()
    seed_work_tasks()
    assert WorkTask.objects.count() == 5
    record = Accountability.objects.get()
    assert record.task.is_overdue and record.opened_by == supervisor_user


def test_the_dashboard_preselects_rule_and_unit_of_a_new_task(client_for, supervisor_user):
    response = client_for(supervisor_user).get(
        "/services/tasks/new/?rule=school-refused&unit=education"
    )
    form = response.context["form"]
    assert (
        form["rule_code"].value() == "school-refused"
        and form["unit"].value() == unit("education").pk
    )


def _accountability(unit_code, supervisor):
    task = WorkTaskFactory(unit=unit(unit_code), deadline=today() - DAY)
    return worktask_services.accountability_open(task=task, opened_by=supervisor, reason="逾期")


@pytest.mark.parametrize("records", [1, 25])
def test_accountability_list_is_scoped_with_a_constant_query_count(
    records, client_for, department_user, supervisor_user, leader_a, django_assert_num_queries
):
    own = [_accountability("human-resources", supervisor_user) for _i in range(records)]
    _accountability("education", supervisor_user)
    client = client_for(department_user)
    # session, user, roles, the user's unit; count; the nav's profile; the page of records
    # with their units, tasks and openers' profiles.
    with django_assert_num_queries(7):
        response = client.get("/services/accountability/")
    assert {r.pk for r in response.context["page"]} == {r.pk for r in own}
    assert (
        client_for(supervisor_user).get("/services/accountability/").context["page"].paginator.count
        == records + 1
    )
    assert client_for(leader_a).get("/services/accountability/").status_code == 403


def test_seed_demo_adds_snapshots_and_tasks_once(settings):
    settings.DEBUG = True
    call_command("seed_demo", households=20)
    call_command("seed_demo", households=20)
    assert RuleSnapshot.objects.filter(is_demo=True).count() == DEMO_WEEKS * len(RULE_LIST)
    assert RuleSnapshot.objects.filter(is_demo=False, day=today()).count() == len(RULE_LIST)
    assert WorkTask.objects.count() == 5 and Accountability.objects.count() == 1
    notes = WorkTaskNote.objects.select_related("author__profile__department", "task__unit")
    assert notes.count() == 3
    assert {(n.task.unit.code, n.author.username) for n in notes} >= {("human-resources", "renshe")}
