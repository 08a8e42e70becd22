"""Accounts: idle sessions end, sessions end with the browser, a password change page in
every header, the last login shown after login, and an audit log that is kept, purged after
AUDIT_KEEP_DAYS, read-only in the admin and readable by administrators and supervisors."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.accounts import SESSION_LAST_SEEN, purge_audit_log
from core.audit import audit_log
from core.idnumbers import make_id_number
from core.models import AuditLog
from core.tasks import purge_audit_log as purge_task

PASSWORD = "pw-for-tests-1"


def _login(client, user):
    user.set_password(PASSWORD)
    user.save()
    return client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD}, follow=True
    )


def _age_session(client, minutes):
    session = client.session
    session[SESSION_LAST_SEEN] = timezone.now().timestamp() - minutes * 60
    session.save()


def test_an_idle_session_ends_after_session_idle_minutes(client, staff_user, settings):
    settings.SESSION_IDLE_MINUTES = 30
    _login(client, staff_user)
    url = reverse("households:household_list")
    _age_session(client, 29)
    assert client.get(url).status_code == 200
    _age_session(client, 31)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    assert client.get(url).status_code == 302  # still logged out


def test_the_session_cookie_ends_with_the_browser(client, staff_user):
    _login(client, staff_user)
    cookie = client.cookies["sessionid"]
    assert not cookie["expires"] and not cookie["max-age"]


def test_last_login_time_and_address_are_shown_after_login(client, staff_user):
    first = _login(client, staff_user).content.decode()
    assert "这是该账号的第一次登录" in first
    AuditLog.objects.filter(action="login").update(
        at=timezone.make_aware(datetime.datetime(2026, 11, 30, 8, 15)), ip_address="10.1.2.3"
    )
    client.post(reverse("logout"))
    again = _login(client, staff_user).content.decode()
    assert "上次登录：2026-11-30 08:15，来自 10.1.2.3" in again
    assert AuditLog.objects.filter(action="login", user=staff_user).count() == 2


@pytest.mark.parametrize("page", ["households:household_list", "mobile:home"])
def test_a_password_change_link_is_in_the_header(client_for, staff_user, leader_a, page):
    user = leader_a if page.startswith("mobile") else staff_user
    html = client_for(user).get(reverse(page)).content.decode()
    assert f'href="{reverse("password_change")}"' in html


def test_password_change_works_and_is_logged(client, staff_user):
    _login(client, staff_user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Qinjiang-2026!",
            "new_password2": "Qinjiang-2026!",
        },
    )
    assert response.status_code == 302
    staff_user.refresh_from_db()
    assert staff_user.check_password("Qinjiang-2026!")
    assert AuditLog.objects.filter(action="password_change", user=staff_user).exists()
    wrong = client.post(
        reverse("password_change"),
        {
            "old_password": "nope",
            "new_password1": "Another-2026!",
            "new_password2": "Another-2026!",
        },
    )
    assert wrong.status_code == 200 and "old_password" in wrong.context["form"].errors


def test_the_audit_log_is_purged_after_audit_keep_days_and_never_under_six_months(
    settings, staff_user
):
    now = timezone.now()
    for days in (10, 182, 190, 401):
        entry = audit_log(user=staff_user, action="export", target=f"{days} days")
        AuditLog.objects.filter(pk=entry.pk).update(at=now - datetime.timedelta(days=days))
    assert purge_audit_log(keep_days=400, now=now) == 1
    settings.AUDIT_KEEP_DAYS = 30  # set too low: six months are kept anyway
    purge_task.apply()
    assert sorted(AuditLog.objects.values_list("target", flat=True)) == ["10 days", "182 days"]
    assert "purge_audit_log" in settings.DAILY_TASKS


def test_the_audit_log_is_read_only_in_the_admin(client_for, admin_user, staff_user):
    entry = audit_log(user=staff_user, action="view_full_id", target="person 1")
    client = client_for(admin_user)
    assert client.get(reverse("admin:core_auditlog_changelist")).status_code == 200
    assert client.get(reverse("admin:core_auditlog_add")).status_code == 403
    assert client.get(reverse("admin:core_auditlog_delete", args=[entry.pk])).status_code == 403
    change = client.post(reverse("admin:core_auditlog_change", args=[entry.pk]), {"target": "x"})
    assert change.status_code == 403
    response = client.post(
        reverse("admin:core_auditlog_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk]},
    )
    assert response.status_code in (200, 302)
    entry.refresh_from_db()
    assert entry.target == "person 1"


@pytest.mark.parametrize(
    "persona, status",
    [
        ("admin_user", 200),
        ("supervisor_user", 200),
        ("staff_user", 403),
        ("department_user", 403),
        ("leader_a", 403),
    ],
)
def test_the_audit_page_is_for_administrators_and_supervisors(request, client_for, persona, status):
    response = client_for(request.getfixturevalue(persona)).get(reverse("audit_log"))
    assert response.status_code == status


def test_the_audit_page_filters_by_user_action_and_person(
    client_for, supervisor_user, staff_user, admin_user, household_a, household_b
):
    member_a, member_b = household_a.members.get(), household_b.members.get()
    audit_log(user=staff_user, action="view_full_id", target=f"person {member_a.pk}")
    audit_log(user=admin_user, action="view_full_id", target=f"household {household_a.pk}")
    audit_log(user=staff_user, action="view_full_id", target=f"person {member_b.pk}")
    audit_log(user=staff_user, action="export", target="report x")
    client = client_for(supervisor_user)

    def targets(**params):
        response = client.get(reverse("audit_log"), params)
        assert response.status_code == 200
        return sorted(e.target for e in response.context["page"])

    assert len(targets()) == 4
    assert targets(user="admin") == [f"household {household_a.pk}"]
    assert targets(action="export") == ["report x"]
    assert targets(person=member_a.id_number) == [
        f"household {household_a.pk}",
        f"person {member_a.pk}",
    ]
    nobody = make_id_number("360735", datetime.date(1950, 1, 1), 999)
    bad = client.get(reverse("audit_log"), {"person": nobody})
    assert "没有此身份证号的人员" in bad.content.decode()


@pytest.mark.parametrize("n", [1, 30])
def test_the_audit_page_query_count_is_constant(
    client_for, admin_user, staff_user, django_assert_num_queries, n
):
    for i in range(n):
        audit_log(user=staff_user, action="export", target=f"report {i}")
    client = client_for(admin_user)
    client.get(reverse("audit_log"))
    # session, user, the header's profile, count, page of entries with users
    with django_assert_num_queries(5):
        client.get(reverse("audit_log"))


def test_the_person_page_shows_who_viewed_the_full_id_number(
    client_for, staff_user, supervisor_user, department_user, household_a
):
    person = household_a.members.get()
    client_for(staff_user).get(person.get_absolute_url() + "?ids=full")
    page = client_for(supervisor_user).get(person.get_absolute_url()).content.decode()
    assert 'id="full-id-viewers"' in page and "staff" in page and "1 次查看" in page
    # a department user, who may not see full numbers, is not shown the list
    page = client_for(department_user).get(person.get_absolute_url()).content.decode()
    assert 'id="full-id-viewers"' not in page
