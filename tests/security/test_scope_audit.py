"""An audit of access across every page: out of scope is a 404 (like missing), read-only is
a 403 that changes nothing, files only through scope-checked views, full ID numbers only on
request for users with the permission (logged), the admin only for administrators, and a
leader whose term ended or a user with no role gets nothing."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from buildings.models import HygieneCheck
from buildings.services import leader_term_end
from community.models import Department
from core.models import AuditLog, Notification
from households.services import person_update
from services.requests.models import RequestPhoto, ResidentRequest, State
from services.worktasks.models import WorkTaskNote
from tests.services.record_factories import TrainingFactory
from tests.services.request_factories import ResidentRequestFactory
from tests.services.rule_factories import WorkTaskFactory

FULL = "?ids=full"


@pytest.fixture
def member_a(household_a):
    return household_a.members.get()


@pytest.fixture
def member_b(household_b):
    return household_b.members.get()


@pytest.fixture
def request_b(household_b, staff_user):
    """A request of building B, assigned to the 县人社局, with a photo."""
    req = ResidentRequestFactory(
        household=household_b,
        state=State.ACCEPTED,
        unit=Department.objects.get(code="human-resources"),
        filed_by=staff_user,
    )
    RequestPhoto.objects.create(
        request=req,
        image=ContentFile(b"\xff\xd8 not shown", name="p.jpg"),
        uploaded_by=staff_user,
        uploaded_at=timezone.now(),
    )
    return req


@pytest.fixture
def other_unit_request(household_a, staff_user):
    """A request of building A assigned to another unit (县教科体局)."""
    return ResidentRequestFactory(
        household=household_a,
        state=State.ACCEPTED,
        unit=Department.objects.get(code="education"),
        filed_by=staff_user,
    )


@pytest.fixture
def hygiene_b(building_b, staff_user):
    return HygieneCheck.objects.create(
        building=building_b,
        area="1楼",
        score=60,
        problems="楼道堆物",
        checked_by=staff_user,
        photo=ContentFile(b"\xff\xd8 not shown", name="h.jpg"),
    )


def _with_certificate(person, user):
    """Give ``person`` a disability certificate (their ID number and two digits) through the
    registry's service, so that the change is in their history."""
    person._history_user = user
    return person_update(
        person=person,
        expected_version=person.version,
        disability_certificate=person.id_number + "41",
    )


# --- ID numbers in change histories -------------------------------------------------------


@pytest.mark.parametrize("persona", ["leader_a", "department_user", "staff_user"])
def test_person_history_masks_the_disability_certificate_without_full_view(
    request, client_for, persona, member_a, staff_user
):
    """A disability certificate number is the holder's ID number and two digits: the
    history shows it masked unless full ID numbers were asked for."""
    person = _with_certificate(member_a, staff_user)
    html = client_for(request.getfixturevalue(persona)).get(person.get_absolute_url())
    assert html.status_code == 200
    page = html.content.decode()
    assert person.id_number not in page
    assert person.masked_id_number + "41" in page
    assert not AuditLog.objects.exists()


def test_household_history_masks_the_disability_certificate(
    client_for, department_user, member_a, staff_user, household_a
):
    person = _with_certificate(member_a, staff_user)
    page = client_for(department_user).get(household_a.get_absolute_url()).content.decode()
    assert person.id_number not in page
    assert person.masked_id_number + "41" in page


def test_staff_asking_for_full_ids_see_the_certificate_and_the_view_is_logged(
    client_for, staff_user, member_a
):
    person = _with_certificate(member_a, staff_user)
    page = client_for(staff_user).get(person.get_absolute_url() + FULL).content.decode()
    assert person.id_number + "41" in page
    assert list(AuditLog.objects.values_list("action", "target")) == [
        ("view_full_id", f"person {person.pk}")
    ]


@pytest.mark.parametrize("persona", ["leader_a", "department_user", "supervisor_user"])
def test_asking_for_full_ids_without_the_permission_shows_masked_and_logs_nothing(
    request, client_for, persona, member_a, household_a
):
    client = client_for(request.getfixturevalue(persona))
    for url in (member_a.get_absolute_url(), household_a.get_absolute_url()):
        page = client.get(url + FULL).content.decode()
        assert member_a.id_number not in page
        assert member_a.masked_id_number in page
    assert not AuditLog.objects.exists()


# --- the admin ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["staff_user", "department_user", "leader_a"])
def test_admin_is_for_administrators_only_even_when_marked_is_staff(
    request, client_for, persona, member_a
):
    user = request.getfixturevalue(persona)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client = client_for(user)
    for url in (
        reverse("admin:index"),
        reverse("admin:households_person_changelist"),
        reverse("admin:households_person_history", args=[member_a.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_admin_opens_for_an_administrator(client_for, admin_user, member_a):
    client = client_for(admin_user)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:households_person_changelist")).status_code == 200


# --- a building leader and another building ----------------------------------------------


def test_leader_gets_404_for_every_page_of_another_building(
    client_for, leader_a, household_b, member_b, building_b, request_b, hygiene_b
):
    training = TrainingFactory(person=member_b)
    photo = request_b.photos.get()
    client = client_for(leader_a)
    urls = [
        reverse("households:household_detail", args=[household_b.pk]),
        reverse("households:person_detail", args=[member_b.pk]),
        reverse("buildings:building_detail", args=[building_b.pk]),
        reverse("mobile:household_detail", args=[household_b.pk]),
        reverse("mobile:person_status", args=[member_b.pk]),
        reverse("mobile:request_detail", args=[request_b.pk]),
        reverse("services:request_photo", args=[photo.pk]),
        reverse("mobile:hygiene_detail", args=[hygiene_b.pk]),
        reverse("mobile:hygiene_photo", args=[hygiene_b.pk]),
        reverse("services:record_detail", args=["training", training.pk]),
        reverse("mobile:visit_create") + f"?household={household_b.pk}",
        reverse("mobile:request_create") + f"?household={household_b.pk}",
    ]
    assert {url: client.get(url).status_code for url in urls} == {url: 404 for url in urls}


def test_leader_cannot_file_a_request_for_another_building_by_post(
    client_for, leader_a, household_a, household_b, building_b
):
    client = client_for(leader_a)
    data = {"category": "repairs", "urgency": "normal", "description": "漏水"}
    url = reverse("mobile:request_create")
    assert client.post(url, {**data, "household": household_b.pk}).status_code == 404
    assert client.post(url, {**data, "building": building_b.pk}).status_code == 404
    assert (
        client.post(url + f"?household={household_b.pk}", {**data, "household": household_a.pk})
    ).status_code == 404
    assert not ResidentRequest.objects.exists()


def test_leader_cannot_close_a_request_of_another_building(client_for, leader_a, request_b):
    request_b.state = State.RESOLVED
    request_b.save(update_fields=["state"])
    response = client_for(leader_a).post(
        reverse("services:request_action", args=[request_b.pk, "close"]),
        {"close-satisfaction": "satisfied", "close-version": request_b.version},
    )
    assert response.status_code == 404
    request_b.refresh_from_db()
    assert request_b.state == State.RESOLVED and request_b.satisfaction == ""


# --- an ended term, and a user with no role ----------------------------------------------


def test_leader_whose_term_ended_gets_nothing(
    client_for, leader_a, building_a, household_a, member_a
):
    req = ResidentRequestFactory(household=household_a)
    leader_term_end(
        term=building_a.leader_terms.get(ended_on__isnull=True), ended_on=timezone.localdate()
    )
    client = client_for(leader_a)
    not_found = [
        reverse("households:household_detail", args=[household_a.pk]),
        reverse("households:person_detail", args=[member_a.pk]),
        reverse("buildings:building_detail", args=[building_a.pk]),
        reverse("mobile:household_detail", args=[household_a.pk]),
        reverse("mobile:person_status", args=[member_a.pk]),
        reverse("mobile:request_detail", args=[req.pk]),
        reverse("mobile:visit_create") + f"?household={household_a.pk}",
    ]
    assert {u: client.get(u).status_code for u in not_found} == {u: 404 for u in not_found}
    assert client.get(reverse("services:record_home")).status_code == 403
    home = client.get(reverse("mobile:home"))
    assert home.context["buildings"] == [] and home.context["attention"] == []
    assert client.get(reverse("mobile:household_list")).context["households"] == []
    assert list(client.get(reverse("mobile:request_list")).context["page"]) == []
    assert list(client.get(reverse("households:household_list")).context["page"]) == []


def test_user_without_a_role_gets_nothing_anywhere(
    client_for, outsider, household_a, member_a, building_a, staff_user
):
    req = ResidentRequestFactory(household=household_a)
    task = WorkTaskFactory()
    Notification.objects.create(user=staff_user, text="给别人的通知", url="/")
    client = client_for(outsider)
    refused = [
        reverse("households:dashboard"),
        reverse("households:household_list"),
        reverse("households:household_create"),
        reverse("households:proposal_list"),
        reverse("households:visit_list"),
        reverse("households:publicity_list"),
        reverse("buildings:building_list"),
        reverse("buildings:hygiene_ranking"),
        reverse("services:request_queue"),
        reverse("services:request_create"),
        reverse("services:request_figures"),
        reverse("services:record_home"),
        reverse("services:record_list", args=["training"]),
        reverse("services:record_create", args=["training"]),
        reverse("services:supervisor_overview"),
        reverse("services:task_list"),
        reverse("services:task_create"),
        reverse("services:accountability_list"),
        reverse("mobile:visit_create"),
        reverse("mobile:publicity_create"),
        reverse("mobile:hygiene_create"),
        reverse("mobile:request_list"),
        reverse("mobile:request_create"),
    ]
    not_found = [
        reverse("households:household_detail", args=[household_a.pk]),
        reverse("households:person_detail", args=[member_a.pk]),
        reverse("buildings:building_detail", args=[building_a.pk]),
        reverse("mobile:household_detail", args=[household_a.pk]),
        reverse("mobile:person_status", args=[member_a.pk]),
        reverse("mobile:request_detail", args=[req.pk]),
        reverse("services:request_detail", args=[req.pk]),
        reverse("services:unit_dashboard"),
        reverse("services:unit_dashboard_for", args=["human-resources"]),
        reverse("services:task_detail", args=[task.pk]),
    ]
    assert {u: client.get(u).status_code for u in refused} == {u: 403 for u in refused}
    assert {u: client.get(u).status_code for u in not_found} == {u: 404 for u in not_found}
    assert client.get(reverse("mobile:home")).context["buildings"] == []
    assert client.get(reverse("services:notification_count")).json() == {"unread": 0}
    assert client.get(reverse("services:notification_list")).context["notes"] == []
    assert Notification.objects.get().read_at is None  # another user's note stays unread


# --- a department user and other units ---------------------------------------------------


def test_department_user_sees_only_its_units_work(
    client_for, department_user, other_unit_request, request_b
):
    other_task = WorkTaskFactory(unit=Department.objects.get(code="education"))
    note = WorkTaskNote.objects.create(
        task=other_task,
        author=department_user,
        text="进度",
        evidence=ContentFile(b"%PDF evidence", name="e.pdf"),
        evidence_name="e.pdf",
    )
    client = client_for(department_user)
    urls = [
        reverse("services:request_detail", args=[other_unit_request.pk]),
        reverse("mobile:request_detail", args=[other_unit_request.pk]),
        reverse("services:task_detail", args=[other_task.pk]),
        reverse("services:task_evidence", args=[other_task.pk, note.pk]),
        reverse("services:unit_dashboard_for", args=["education"]),
        reverse("services:rule_list", args=["school-not-enrolled"]),
    ]
    assert {u: client.get(u).status_code for u in urls} == {u: 404 for u in urls}
    queue = client.get(reverse("services:request_queue")).context["page"]
    assert [r.pk for r in queue] == [request_b.pk]
    assert client.get(reverse("services:request_figures")).status_code == 403
    response = client.post(
        reverse("services:request_action", args=[other_unit_request.pk, "start"]),
        {"start-version": other_unit_request.version},
    )
    assert response.status_code == 404
    other_unit_request.refresh_from_db()
    assert other_unit_request.state == State.ACCEPTED


def test_supervisor_may_read_a_request_but_not_move_it(client_for, supervisor_user, request_b):
    client = client_for(supervisor_user)
    assert client.get(reverse("services:request_detail", args=[request_b.pk])).status_code == 200
    response = client.post(
        reverse("services:request_action", args=[request_b.pk, "start"]),
        {"start-version": request_b.version},
    )
    assert response.status_code == 403
    request_b.refresh_from_db()
    assert request_b.state == State.ACCEPTED and request_b.events.count() == 1


# --- files, methods, CSRF ----------------------------------------------------------------


def test_uploaded_files_have_no_public_url(client_for, staff_user, request_b, hygiene_b):
    client = client_for(staff_user)
    for name in (request_b.photos.get().image.name, hygiene_b.photo.name):
        assert client.get("/media/" + name).status_code == 404


@pytest.mark.parametrize(
    "name,args",
    [
        ("services:request_action", ["PK", "start"]),
        ("services:request_bulk_assign", []),
        ("services:permit_endorse", [1]),
    ],
)
def test_post_only_actions_refuse_get(client_for, staff_user, request_b, name, args):
    url = reverse(name, args=[request_b.pk if a == "PK" else a for a in args])
    assert client_for(staff_user).get(url).status_code == 405
    request_b.refresh_from_db()
    assert request_b.state == State.ACCEPTED


def test_csrf_is_enforced(leader_a, household_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(leader_a)
    response = client.post(
        reverse("mobile:household_detail", args=[household_a.pk]),
        {"phone": "13900001111", "version": household_a.version},
    )
    assert response.status_code == 403
    household_a.refresh_from_db()
    assert household_a.phone != "13900001111"


def test_a_leader_cannot_choose_who_recorded_a_visit(client_for, leader_a, household_a, staff_user):
    """Server-set fields (the visitor) are not taken from the form."""
    from households.models import Visit

    client_for(leader_a).post(
        reverse("mobile:visit_create"),
        {
            "household": household_a.pk,
            "visited_on": datetime.date.today().isoformat(),
            "reason": "routine",
            "visited_by": staff_user.pk,
        },
    )
    assert list(Visit.objects.values_list("visited_by", flat=True)) == [leader_a.pk]


def test_a_proposed_id_number_is_masked_until_staff_ask_for_it(
    client_for, leader_a, staff_user, department_user, member_a, member_b
):
    from core.idnumbers import make_id_number, mask_id_number
    from households.proposals.services import proposal_create_change

    new_id = make_id_number("360735", member_a.birth_date, 300)
    proposal = proposal_create_change(
        person=member_a, proposed_by=leader_a, fields={"id_number": new_id}
    )
    client = client_for(staff_user)
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert new_id not in page and member_a.id_number not in page
    assert mask_id_number(new_id) in page and "?ids=full" in page
    assert not AuditLog.objects.exists()
    page = client.get(proposal.get_absolute_url() + FULL).content.decode()
    assert new_id in page
    assert AuditLog.objects.filter(action="view_full_id").count() == 1
    # A department user reads the registry but does not review proposals: not found for
    # them, like a missing one; its author (the leader) may not review it either.
    assert client_for(department_user).get(proposal.get_absolute_url()).status_code == 404
    assert client_for(leader_a).get(proposal.get_absolute_url() + FULL).status_code == 403
    assert AuditLog.objects.count() == 1


@pytest.mark.parametrize("persona", ["department_user", "supervisor_user", "leader_a"])
def test_readers_who_may_not_change_get_403_and_nothing_changes(
    request, client_for, persona, household_a, member_a
):
    client = client_for(request.getfixturevalue(persona))
    before = (household_a.phone, household_a.version, member_a.name, member_a.version)
    for url, data in (
        (reverse("households:household_edit", args=[household_a.pk]), {"phone": "13900001111"}),
        (reverse("households:person_edit", args=[member_a.pk]), {"name": "改名"}),
        (reverse("households:person_leave", args=[member_a.pk]), {"reason": "died"}),
        (reverse("households:person_create", args=[household_a.pk]), {"name": "新人"}),
    ):
        assert client.get(url).status_code == 403
        assert client.post(url, {**data, "version": 1}).status_code == 403
    household_a.refresh_from_db()
    member_a.refresh_from_db()
    assert (household_a.phone, household_a.version, member_a.name, member_a.version) == before
    assert household_a.members.count() == 1


def test_server_set_fields_cannot_be_posted(
    client_for, department_user, leader_a, staff_user, member_a, household_a
):
    from services.records.models import Training

    education = Department.objects.get(code="education")
    client_for(department_user).post(
        reverse("services:record_create", args=["training"]),
        {
            "id_number": member_a.id_number,
            "course": "家政服务",
            "provider": "县人社局就业培训中心",
            "started_on": "2019-11-01",
            "ended_on": "2019-11-20",
            "unit": education.pk,
            "recorded_unit": education.pk,
            "recorded_by": staff_user.pk,
        },
    )
    assert list(Training.objects.values_list("recorded_unit__code", "recorded_by")) == [
        ("human-resources", department_user.pk)
    ]
    client_for(leader_a).post(
        reverse("mobile:request_create"),
        {
            "household": household_a.pk,
            "category": "repairs",
            "urgency": "normal",
            "description": "漏水",
            "filed_by": staff_user.pk,
            "unit": education.pk,
            "state": State.CLOSED,
        },
    )
    assert list(ResidentRequest.objects.values_list("filed_by", "unit", "state")) == [
        (leader_a.pk, None, State.SUBMITTED)
    ]


def test_bulk_assign_is_all_or_nothing_per_object(client_for, staff_user, household_a, department):
    first = ResidentRequestFactory(household=household_a)
    closed = ResidentRequestFactory(household=household_a, state=State.CLOSED)
    client_for(staff_user).post(
        reverse("services:request_bulk_assign"),
        {"ids": [first.pk, closed.pk], "unit": department.pk},
    )
    assert set(ResidentRequest.objects.values_list("pk", "state", "unit")) == {
        (first.pk, State.SUBMITTED, None),
        (closed.pk, State.CLOSED, None),
    }


def test_a_supervising_unit_sees_other_units_tasks_but_does_not_update_them(
    client_for, department_user
):
    """The town government sees every unit's work (it supervises), but a task of the 县人社局
    is updated by the 县人社局 (or staff and supervisors), not by another unit's user."""
    from services.worktasks.models import TaskState
    from tests.services.record_factories import unit_user

    task = WorkTaskFactory(unit=Department.objects.get(code="human-resources"))
    url = reverse("services:task_detail", args=[task.pk])
    data = {"text": "已完成", "state_to": TaskState.DONE, "version": task.version}
    town = client_for(unit_user("qinjiang-town"))
    page = town.get(url)
    assert page.status_code == 200 and page.context["form"] is None
    assert town.post(url, data).status_code == 403
    task.refresh_from_db()
    assert task.state == TaskState.OPEN and not task.notes.exists()
    own = client_for(department_user)
    assert own.get(url).context["form"] is not None
    assert own.post(url, data).status_code == 302
    task.refresh_from_db()
    assert task.state == TaskState.DONE and task.notes.count() == 1


@pytest.mark.parametrize("persona", ["department_user", "outsider"])
def test_hygiene_photos_are_404_for_users_who_do_not_read_hygiene_checks(
    request, client_for, persona, hygiene_b
):
    """Like a missing one: a 403 would tell that the check exists and has a photo."""
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("mobile:hygiene_photo", args=[hygiene_b.pk])).status_code == 404
    assert client.get(reverse("mobile:hygiene_detail", args=[hygiene_b.pk])).status_code == 404


def test_hygiene_photos_open_for_staff_and_supervisors(
    client_for, staff_user, supervisor_user, hygiene_b
):
    for user in (staff_user, supervisor_user):
        response = client_for(user).get(reverse("mobile:hygiene_photo", args=[hygiene_b.pk]))
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"


def test_person_form_without_full_id_permission_hides_the_certificate_number(
    client_for, department_user, member_a, staff_user
):
    """A user who may change people but not see full ID numbers (a department user given
    ``change_person``) sees neither the ID number nor the disability certificate in full,
    and cannot change them from the form."""
    from django.contrib.auth.models import Permission

    person = _with_certificate(member_a, staff_user)
    department_user.user_permissions.add(
        Permission.objects.get(codename="change_person", content_type__app_label="households")
    )
    client = client_for(department_user)
    url = reverse("households:person_edit", args=[person.pk])
    page = client.get(url).content.decode()
    assert person.id_number not in page
    assert person.masked_id_number + "41" in page
    assert 'name="disability_certificate"' not in page and 'name="id_number"' not in page
    assert not AuditLog.objects.exists()


def test_department_user_lists_only_its_units_tasks_and_accountability(
    client_for, department_user, supervisor_user
):
    from services.worktasks.models import Accountability

    own = WorkTaskFactory(unit=Department.objects.get(code="human-resources"))
    other = WorkTaskFactory(unit=Department.objects.get(code="education"))
    for task in (own, other):
        Accountability.objects.create(
            task=task, unit=task.unit, opened_by=supervisor_user, reason="逾期"
        )
    client = client_for(department_user)
    assert [t.pk for t in client.get(reverse("services:task_list")).context["page"]] == [own.pk]
    listed = client.get(reverse("services:accountability_list")).context["page"]
    assert [a.task_id for a in listed] == [own.pk]
    other_record = Accountability.objects.get(task=other)
    url = reverse("services:accountability_edit", args=[other_record.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"finding": "改", "outcome": "warning"}).status_code == 404
    other_record.refresh_from_db()
    assert other_record.finding == ""


def test_deciding_from_the_full_id_view_logs_no_extra_view(
    client_for, leader_a, staff_user, member_a
):
    from core.idnumbers import make_id_number
    from households.proposals.services import proposal_create_change

    proposal = proposal_create_change(
        person=member_a,
        proposed_by=leader_a,
        fields={"id_number": make_id_number("360735", member_a.birth_date, 300)},
    )
    client = client_for(staff_user)
    client.get(proposal.get_absolute_url() + FULL)
    response = client.post(
        proposal.get_absolute_url() + FULL, {"decision": "reject", "review_note": "证件不符"}
    )
    assert response.status_code == 302
    assert AuditLog.objects.filter(action="view_full_id").count() == 1


def test_a_leader_whose_term_ended_is_not_told_of_later_decisions(
    client_for, leader_a, staff_user, building_a, member_a
):
    from households.proposals.services import proposal_create_change, proposal_reject

    proposal = proposal_create_change(
        person=member_a, proposed_by=leader_a, fields={"name": "温晓明"}
    )
    leader_term_end(
        term=building_a.leader_terms.get(ended_on__isnull=True), ended_on=timezone.localdate()
    )
    proposal_reject(proposal=proposal, reviewer=staff_user, reason="户口簿上仍是小明")
    assert not Notification.objects.filter(user=leader_a).exists()
