"""Two-factor login: with REQUIRE_2FA on, an account allowed to see full ID numbers (or an
administrator) reaches no page after its password until it has set up an authenticator app
and given a code; ten single-use recovery codes; an administrator resets a lost device."""

import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import AuditLog

PASSWORD = "pw-for-tests-1"


@pytest.fixture
def require_2fa(settings):
    settings.REQUIRE_2FA = True


def _login(client, user):
    user.set_password(PASSWORD)
    user.save()
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    return client


def _code(device):
    """The app's current code. A code is accepted once per 30-second step and failures slow
    the next try down: the device is moved on as if that time had passed."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
    )
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _set_up(client, user):
    """Log in, set up the app and return the recovery codes."""
    _login(client, user)
    page = client.get(reverse("two_factor_setup"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("two_factor_setup"), {"token": _code(device)})
    return re.findall(r"<li>(\w+)</li>", response.content.decode().split('id="recovery-codes"')[1])


def test_staff_with_full_id_rights_cannot_reach_a_page_without_the_second_factor(
    client, staff_user, require_2fa
):
    _login(client, staff_user)
    url = reverse("households:household_list")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))
    # with no device yet, the verify page sends to the setup page, which shows a QR code
    setup = client.get(response["Location"], follow=True)
    assert setup.redirect_chain[-1][0].startswith(reverse("two_factor_setup"))
    html = setup.content.decode()
    assert 'src="data:image/svg+xml' in html and 'id="secret"' in html
    # a wrong code is refused and changes nothing
    wrong = client.post(reverse("two_factor_setup"), {"token": "000000"})
    assert "验证码错误或已过期" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=staff_user, confirmed=True).exists()
    assert client.get(url).status_code == 302


def test_setting_up_gives_ten_recovery_codes_and_opens_the_pages(client, staff_user, require_2fa):
    codes = _set_up(client, staff_user)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get(reverse("households:household_list")).status_code == 200


def test_the_next_login_asks_for_a_code_and_a_recovery_code_works_once(
    client, staff_user, require_2fa
):
    codes = _set_up(client, staff_user)
    client.post(reverse("logout"))
    _login(client, staff_user)
    url = reverse("households:household_list")
    assert client.get(url)["Location"].startswith(reverse("two_factor_verify"))
    verify = reverse("two_factor_verify") + f"?next={url}"
    response = client.post(verify, {"token": codes[0], "next": url})
    assert response.status_code == 302 and response["Location"] == url
    assert client.get(url).status_code == 200
    assert StaticToken.objects.filter(device__user=staff_user).count() == 9
    client.post(reverse("logout"))
    _login(client, staff_user)
    again = client.post(verify, {"token": codes[0], "next": url})
    assert again.status_code == 200 and client.get(url).status_code == 302  # used up
    device = TOTPDevice.objects.get(user=staff_user)
    assert client.post(verify, {"token": _code(device), "next": url}).status_code == 302
    assert client.get(url).status_code == 200


def test_an_offsite_next_is_not_followed(client, staff_user, require_2fa):
    _set_up(client, staff_user)
    client.post(reverse("logout"))
    _login(client, staff_user)
    device = TOTPDevice.objects.get(user=staff_user)
    response = client.post(
        reverse("two_factor_verify"), {"token": _code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")


@pytest.mark.parametrize("persona", ["leader_a", "department_user", "supervisor_user"])
def test_accounts_without_full_id_rights_log_in_with_their_password(
    request, client, persona, require_2fa
):
    user = request.getfixturevalue(persona)
    _login(client, user)
    response = client.get(reverse("home"), follow=True)
    assert response.status_code == 200
    assert all(reverse("two_factor_verify") not in url for url, _s in response.redirect_chain)


def test_administrators_need_it_too(client, admin_user, require_2fa):
    _login(client, admin_user)
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("two_factor_verify"))


def test_off_by_default_in_the_tests_and_the_embedded_demo(client, staff_user, settings):
    assert settings.REQUIRE_2FA is False
    _login(client, staff_user)
    assert client.get(reverse("households:household_list")).status_code == 200


def test_an_administrator_resets_a_lost_device(client, staff_user, admin_user, settings):
    settings.REQUIRE_2FA = True
    _set_up(client, staff_user)
    client.post(reverse("logout"))
    settings.REQUIRE_2FA = False  # the administrator's own second factor is not under test
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [staff_user.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=staff_user).exists()
    assert not StaticToken.objects.filter(device__user=staff_user).exists()
    assert AuditLog.objects.filter(action="reset_2fa", target=f"user {staff_user.pk}").exists()
    client.post(reverse("logout"))
    settings.REQUIRE_2FA = True
    _login(client, staff_user)
    response = client.get(reverse("two_factor_verify"))
    assert response["Location"].startswith(reverse("two_factor_setup"))
