import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from community.models import Department
from community.roles import Role
from core.middleware import run_daily_jobs
from core.models import DailyRun, Notification
from core.versioning import EditConflict
from services.requests.models import RequestEvent, ResidentRequest, Satisfaction, State
from services.requests.selectors import overdue_q, request_figures_by_unit, requests_for_user
from services.requests.services import (
    request_accept,
    request_bulk_accept,
    request_close,
    request_deadline,
    request_file,
    request_reject,
    request_reopen,
    request_resolve,
    request_start,
    request_suggested_unit_code,
)
from tests.conftest import _user_with_role

from .request_factories import ResidentRequestFactory, days_ago


@pytest.fixture
def submitted(household_a, leader_a):
    return request_file(
        user=leader_a,
        household=household_a,
        category="employment",
        description="想到扶贫车间务工",
        urgency="normal",
    )


def _events(req):
    return list(
        RequestEvent.objects.filter(request=req)
        .order_by("pk")
        .values_list("from_state", "to_state")
    )


def test_leader_files_for_own_household_with_deadline_and_event(
    submitted, leader_a, household_a, settings
):
    assert submitted.state == State.SUBMITTED
    assert submitted.building == household_a.dwelling.building
    assert submitted.deadline - submitted.filed_at == datetime.timedelta(
        days=settings.REQUEST_DEADLINE_DAYS["normal"]
    )
    assert _events(submitted) == [("", State.SUBMITTED)]
    assert RequestEvent.objects.get(request=submitted).actor == leader_a


def test_deadline_follows_the_settings(settings):
    settings.REQUEST_DEADLINE_DAYS = {"urgent": 1, "normal": 5, "low": 20}
    start = timezone.now()
    assert request_deadline(filed_at=start, urgency="urgent") == start + datetime.timedelta(days=1)
    assert request_deadline(filed_at=start, urgency="low") == start + datetime.timedelta(days=20)


def test_leader_cannot_file_for_another_building(leader_a, household_b, building_b):
    with pytest.raises(Http404):
        request_file(
            user=leader_a,
            household=household_b,
            category="repairs",
            description="x",
            urgency="normal",
        )
    with pytest.raises(Http404):
        request_file(
            user=leader_a,
            building=building_b,
            category="repairs",
            description="x",
            urgency="normal",
        )
    assert ResidentRequest.objects.count() == 0


def test_leader_loses_filing_when_the_term_ends(leader_a, household_a, building_a):
    from buildings.models import BuildingLeaderTerm
    from buildings.services import leader_term_end

    leader_term_end(
        term=BuildingLeaderTerm.objects.get(building=building_a), ended_on=datetime.date.today()
    )
    leader_a = type(leader_a).objects.get(pk=leader_a.pk)  # a new request: no cached scope
    with pytest.raises(Http404):
        request_file(
            user=leader_a,
            household=household_a,
            category="repairs",
            description="x",
            urgency="normal",
        )


def test_routing_suggestion_follows_the_matrix():
    assert request_suggested_unit_code("employment") == "human-resources"
    assert request_suggested_unit_code("schooling") == "education"
    assert request_suggested_unit_code("hukou") == "public-security"
    assert request_suggested_unit_code("medical") == "medical-insurance"
    assert request_suggested_unit_code("assistance") == "civil-affairs"
    assert request_suggested_unit_code("land") == "natural-resources"
    assert request_suggested_unit_code("repairs") == "qinjiang-town"
    assert request_suggested_unit_code("public_order") == "qinjiang-police"


def test_every_legal_transition_is_recorded(
    submitted, staff_user, department_user, department, leader_a
):
    req = request_accept(
        resident_request=submitted, actor=staff_user, unit=department, note="转人社局"
    )
    assert (req.state, req.unit, req.version) == (State.ACCEPTED, department, 2)
    req = request_start(resident_request=req, actor=department_user, note="已联系")
    assert req.state == State.IN_PROGRESS
    req = request_resolve(
        resident_request=req, actor=department_user, resolution="已安排到扶贫车间"
    )
    assert (req.state, req.resolution) == (State.RESOLVED, "已安排到扶贫车间")
    assert req.resolved_at is not None
    req = request_reopen(resident_request=req, actor=staff_user, reason="居民反映工资未谈妥")
    assert (req.state, req.resolved_at) == (State.IN_PROGRESS, None)
    req = request_resolve(resident_request=req, actor=department_user, resolution="已重新安排岗位")
    req = request_close(resident_request=req, actor=leader_a, satisfaction=Satisfaction.FAIRLY)
    assert (req.state, req.satisfaction) == (State.CLOSED, Satisfaction.FAIRLY)
    req = request_reopen(resident_request=req, actor=staff_user, reason="再次反映")
    assert (req.state, req.satisfaction, req.closed_at) == (State.IN_PROGRESS, "", None)
    assert _events(req) == [
        ("", "submitted"),
        ("submitted", "accepted"),
        ("accepted", "in_progress"),
        ("in_progress", "resolved"),
        ("resolved", "in_progress"),
        ("in_progress", "resolved"),
        ("resolved", "closed"),
        ("closed", "in_progress"),
    ]
    accept = RequestEvent.objects.get(request=req, to_state="accepted")
    assert (accept.actor, accept.unit, accept.note) == (staff_user, department, "转人社局")


def test_accepted_may_be_resolved_directly_and_rejections_keep_the_reason(
    household_a, staff_user, department
):
    direct = ResidentRequestFactory(household=household_a)
    direct = request_accept(resident_request=direct, actor=staff_user, unit=department)
    assert (
        request_resolve(resident_request=direct, actor=staff_user, resolution="当场解决").state
        == State.RESOLVED
    )
    for start_state in (State.SUBMITTED, State.ACCEPTED):
        req = ResidentRequestFactory(household=household_a, state=start_state, unit=department)
        req = request_reject(resident_request=req, actor=staff_user, reason="不属于受理范围")
        assert (req.state, req.rejection_reason) == (State.REJECTED, "不属于受理范围")


def test_illegal_transition_is_refused_in_chinese_and_nothing_changes(submitted, staff_user):
    with pytest.raises(ValidationError) as exc:
        request_close(
            resident_request=submitted, actor=staff_user, satisfaction=Satisfaction.SATISFIED
        )
    assert exc.value.messages == ["“已提交”的诉求不能转为“已办结”。"]
    submitted.refresh_from_db()
    assert (submitted.state, submitted.version, submitted.satisfaction) == (State.SUBMITTED, 1, "")
    assert _events(submitted) == [("", "submitted")]


def test_rejected_is_final(household_a, staff_user):
    req = ResidentRequestFactory(household=household_a, state=State.REJECTED)
    with pytest.raises(ValidationError):
        request_reopen(resident_request=req, actor=staff_user, reason="再看看")


def test_stale_version_is_refused(submitted, staff_user, department):
    request_accept(
        resident_request=submitted, actor=staff_user, unit=department, expected_version=1
    )
    with pytest.raises(EditConflict):
        request_reject(
            resident_request=submitted, actor=staff_user, reason="重复", expected_version=1
        )
    submitted.refresh_from_db()
    assert (submitted.state, submitted.version) == (State.ACCEPTED, 2)


def test_roles_act_only_within_their_part(
    submitted, staff_user, department_user, leader_a, department
):
    other_unit_user = _user_with_role(
        "jiaoyu", Role.DEPARTMENT, Department.objects.get(code="education")
    )
    with pytest.raises(PermissionDenied):
        request_accept(resident_request=submitted, actor=leader_a, unit=department)
    with pytest.raises(PermissionDenied):
        request_accept(resident_request=submitted, actor=department_user, unit=department)
    req = request_accept(resident_request=submitted, actor=staff_user, unit=department)
    with pytest.raises(PermissionDenied):
        request_start(resident_request=req, actor=other_unit_user)
    req.refresh_from_db()
    assert (req.state, req.version) == (State.ACCEPTED, 2)


def test_resolve_needs_what_was_done(submitted, staff_user, department):
    req = request_accept(resident_request=submitted, actor=staff_user, unit=department)
    with pytest.raises(ValidationError) as exc:
        request_resolve(resident_request=req, actor=staff_user, resolution="  ")
    assert exc.value.message_dict == {"resolution": ["请说明为居民做了什么。"]}


def test_accept_notifies_the_unit(submitted, staff_user, department_user, department):
    request_accept(resident_request=submitted, actor=staff_user, unit=department)
    note = Notification.objects.get(user=department_user)
    assert f"#{submitted.pk}" in note.text and note.url == f"/services/requests/{submitted.pk}/"


def test_bulk_accept_is_all_or_nothing(household_a, staff_user, department):
    first = ResidentRequestFactory(household=household_a)
    closed = ResidentRequestFactory(household=household_a, state=State.CLOSED)
    with pytest.raises(ValidationError):
        request_bulk_accept(pks=[first.pk, closed.pk], actor=staff_user, unit=department)
    first.refresh_from_db()
    assert (first.state, first.unit) == (State.SUBMITTED, None)
    assert RequestEvent.objects.filter(to_state="accepted").count() == 0
    second = ResidentRequestFactory(household=household_a)
    done = request_bulk_accept(pks=[first.pk, second.pk], actor=staff_user, unit=department)
    assert {r.state for r in done} == {State.ACCEPTED}
    assert ResidentRequest.objects.filter(unit=department, state="accepted").count() == 2


def test_overdue_at_the_deadline_boundary(household_a):
    req = ResidentRequestFactory(household=household_a)
    deadline = req.deadline
    assert req.is_overdue_at(deadline) is False
    assert req.is_overdue_at(deadline + datetime.timedelta(seconds=1)) is True
    assert not ResidentRequest.objects.filter(overdue_q(deadline)).exists()
    assert (
        ResidentRequest.objects.filter(overdue_q(deadline + datetime.timedelta(seconds=1))).get()
        == req
    )


def test_resolved_in_time_is_not_overdue_later(household_a):
    req = ResidentRequestFactory(household=household_a, state=State.RESOLVED)
    req.resolved_at = req.deadline
    req.save(update_fields=["resolved_at"])
    later = req.deadline + datetime.timedelta(days=30)
    assert req.is_overdue_at(later) is False
    assert not ResidentRequest.objects.filter(overdue_q(later)).exists()


def test_daily_task_flags_and_notifies_once(
    household_a, department_user, department, settings, staff_user
):
    late = ResidentRequestFactory(
        household=household_a, filed_at=days_ago(10), state=State.ACCEPTED, unit=department
    )
    unassigned = ResidentRequestFactory(household=household_a, filed_at=days_ago(10))
    ResidentRequestFactory(
        household=household_a, filed_at=days_ago(1), state=State.ACCEPTED, unit=department
    )
    assert (
        settings.DAILY_TASKS["flag_overdue_requests"]
        == "services.requests.tasks.flag_overdue_requests"
    )

    assert "flag_overdue_requests" in run_daily_jobs(force=True)
    assert "flag_overdue_requests" in run_daily_jobs(force=True)

    late.refresh_from_db()
    unassigned.refresh_from_db()
    assert late.overdue_flagged_at is not None and unassigned.overdue_flagged_at is not None
    assert list(
        Notification.objects.filter(user=department_user).values_list("text", flat=True)
    ) == [
        f"诉求 #{late.pk}（维修，{late.building.name}）已超过办理期限 "
        f"{timezone.localtime(late.deadline):%Y-%m-%d %H:%M}。"
    ]
    assert (
        Notification.objects.filter(
            user=staff_user, url=f"/services/requests/{unassigned.pk}/"
        ).count()
        == 1
    )


def test_beat_schedules_the_registered_task(settings):
    from services.requests.tasks import flag_overdue_requests
    from tonglowan.celery import app

    path = settings.DAILY_TASKS["flag_overdue_requests"]
    assert flag_overdue_requests.name == path
    assert path in app.tasks
    assert settings.CELERY_BEAT_SCHEDULE["flag_overdue_requests"]["task"] == path


def test_daily_job_runs_once_a_day_in_process(household_a, department, department_user):
    ResidentRequestFactory(
        household=household_a, filed_at=days_ago(10), state=State.ACCEPTED, unit=department
    )
    assert "flag_overdue_requests" in run_daily_jobs()
    assert run_daily_jobs() == []
    assert DailyRun.objects.filter(name="flag_overdue_requests").count() == 1
    assert Notification.objects.count() == 1


def test_management_command_runs_the_job(household_a, department, department_user):
    from io import StringIO

    from django.core.management import call_command

    ResidentRequestFactory(
        household=household_a, filed_at=days_ago(10), state=State.ACCEPTED, unit=department
    )
    out = StringIO()
    call_command("flag_overdue_requests", stdout=out)
    call_command("flag_overdue_requests", stdout=out)
    assert out.getvalue().splitlines() == [
        "1 request(s) newly flagged overdue.",
        "0 request(s) newly flagged overdue.",
    ]


def test_figures_on_a_small_known_set(household_a, django_assert_num_queries):
    hr = Department.objects.get(code="human-resources")
    edu = Department.objects.get(code="education")
    now = timezone.now()

    def make(unit, state, *, filed_days_ago, resolved_after_days=None, satisfaction=""):
        req = ResidentRequestFactory(
            household=household_a,
            unit=unit,
            state=state,
            filed_at=days_ago(filed_days_ago),
            satisfaction=satisfaction,
        )
        if resolved_after_days is not None:
            req.resolved_at = req.filed_at + datetime.timedelta(days=resolved_after_days)
            req.save(update_fields=["resolved_at"])
        return req

    # human resources: 2 closed on time (satisfied, not satisfied), 1 closed late (fairly),
    # 1 open and overdue, 1 open in time.
    make(hr, State.CLOSED, filed_days_ago=30, resolved_after_days=2, satisfaction="satisfied")
    make(hr, State.CLOSED, filed_days_ago=30, resolved_after_days=5, satisfaction="unsatisfied")
    make(hr, State.CLOSED, filed_days_ago=30, resolved_after_days=9, satisfaction="fairly")
    make(hr, State.IN_PROGRESS, filed_days_ago=20)
    make(hr, State.ACCEPTED, filed_days_ago=1)
    # education: 1 resolved on time awaiting the verdict; unassigned requests are left out.
    make(edu, State.RESOLVED, filed_days_ago=10, resolved_after_days=1)
    ResidentRequestFactory(household=household_a, filed_at=days_ago(40))

    with django_assert_num_queries(1):
        figures = request_figures_by_unit(now=now)
    assert [
        (f["unit_code"], f["received"], f["open"], f["closed"], f["closed_on_time"], f["overdue"])
        for f in figures
    ] == [
        ("education", 1, 0, 0, 0, 0),
        ("human-resources", 5, 2, 3, 2, 2),
    ]
    hr_row = figures[1]
    assert (
        hr_row["verdicts"],
        hr_row["satisfied"],
        hr_row["unsatisfied"],
        hr_row["satisfaction_rate"],
    ) == (3, 2, 1, 66.7)
    assert figures[0]["satisfaction_rate"] is None
    assert request_figures_by_unit(since=days_ago(25), now=now)[1]["received"] == 2
    assert request_figures_by_unit(units=[edu.pk], now=now)[0]["unit_code"] == "education"


def test_scopes_of_each_role(
    household_a,
    household_b,
    leader_a,
    department_user,
    department,
    supervisor_user,
    staff_user,
    outsider,
):
    mine = ResidentRequestFactory(household=household_a, state=State.ACCEPTED, unit=department)
    other = ResidentRequestFactory(household=household_b)
    assert set(requests_for_user(staff_user)) == {mine, other}
    assert set(requests_for_user(supervisor_user)) == {mine, other}
    assert list(requests_for_user(leader_a)) == [mine]
    assert list(requests_for_user(department_user)) == [mine]
    assert list(requests_for_user(outsider)) == []


def test_bulk_accept_runs_in_a_fixed_number_of_queries(household_a, staff_user, department):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _user_with_role("unit_bulk", Role.DEPARTMENT, department)

    def accept(n):
        pks = [ResidentRequestFactory(household=household_a).pk for _ in range(n)]
        with CaptureQueriesContext(connection) as ctx:
            done = request_bulk_accept(pks=pks, actor=staff_user, unit=department, note="批量")
        return pks, done, len(ctx.captured_queries)

    accept(1)  # the actor's roles are read once, then cached on the user
    _, _, one = accept(1)
    pks, done, many = accept(12)
    assert one == many
    assert [r.pk for r in done] == sorted(pks)
    assert RequestEvent.objects.filter(request_id__in=pks, to_state="accepted").count() == 12
    history = ResidentRequest.history.filter(id__in=pks, state="accepted")
    assert history.count() == 12 and {h.history_user for h in history} == {staff_user}
    notes = Notification.objects.filter(user__username="unit_bulk")
    assert notes.count() == 14 and {n.url for n in notes} >= {
        f"/services/requests/{pk}/" for pk in pks
    }
