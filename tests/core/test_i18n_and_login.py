import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_are_chinese_by_default_and_the_language_switch_gives_english(client_for, staff_user):
    client = client_for(staff_user)
    assert (
        '<h1 class="h3 mb-0">住户</h1>'
        in client.get(reverse("households:household_list")).content.decode()
    )

    response = client.post(reverse("set_language"), {"language": "en", "next": "/households/"})

    assert response.status_code == 302
    page = client.get(reverse("households:household_list")).content.decode()
    assert "Households" in page
    assert 'lang="en"' in page


def test_login_page_is_public_and_logs_in(client, staff_user):
    assert client.get(reverse("login")).status_code == 200

    response = client.post(reverse("login"), {"username": "staff", "password": "pw-for-tests-1"})

    assert response.status_code == 302
    assert client.get(reverse("households:dashboard")).status_code == 200


def test_axes_locks_out_after_the_failure_limit(client, settings, staff_user):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        response = client.post(reverse("login"), {"username": "staff", "password": "wrong"})
        assert response.status_code in (200, 429)

    locked = client.post(reverse("login"), {"username": "staff", "password": "pw-for-tests-1"})

    assert locked.status_code == 429
    assert client.get(reverse("households:dashboard")).status_code == 302


def test_logout_needs_post_and_ends_the_session(client_for, staff_user):
    client = client_for(staff_user)

    client.post(reverse("logout"))

    assert client.get(reverse("households:dashboard")).status_code == 302


def test_dashboard_counts(client_for, staff_user, household_a, household_b):
    response = client_for(staff_user).get(reverse("households:dashboard"))

    assert response.context["household_count"] == 2
    assert response.context["person_count"] == 2
    assert response.context["building_count"] == 2


def test_dashboard_counts_are_scoped_for_a_leader(client_for, leader_a, household_a, household_b):
    response = client_for(leader_a).get(reverse("households:dashboard"))

    assert (response.context["household_count"], response.context["building_count"]) == (1, 1)


def test_login_page_shows_the_system_name_not_the_host(client):
    page = client.get(reverse("login")).content.decode()

    assert "铜锣湾社区管理系统" in page
    assert "testserver" not in page


def test_password_change_applies_the_password_validators(client_for, staff_user):
    client = client_for(staff_user)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": "pw-for-tests-1",
            "new_password1": "12345678",
            "new_password2": "12345678",
        },
    )

    assert response.status_code == 200
    staff_user.refresh_from_db()
    assert staff_user.check_password("pw-for-tests-1")
