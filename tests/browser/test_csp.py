"""The Content-Security-Policy in a real browser: the pages of each kind load with no
violation, and what used to be inline (the offline page's back button) still works."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.browser


def _watch(page):
    violations = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return violations


def test_staff_pages_load_without_a_violation(
    live_server, desktop_page, login, staff_user, household_a
):
    violations = _watch(desktop_page)
    page = login(desktop_page, staff_user.username)
    for url in (
        household_a.get_absolute_url(),
        reverse("households:household_list"),
        reverse("services:task_list"),
    ):
        response = page.goto(live_server.url + url)
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
    assert violations == []


def test_login_and_phone_pages_load_without_a_violation(
    live_server, phone_page, login, leader_a, household_a
):
    violations = _watch(phone_page)
    response = phone_page.goto(f"{live_server.url}/accounts/login/")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page = login(phone_page, leader_a.username)
    page.goto(live_server.url + reverse("mobile:home"))
    page.wait_for_load_state("networkidle")
    page.goto(live_server.url + reverse("mobile:household_detail", args=[household_a.pk]))
    page.wait_for_load_state("networkidle")
    # the service worker registered under the policy
    registered = page.evaluate(
        """async () => {
          for (let i = 0; i < 50; i++) {
            const r = await navigator.serviceWorker.getRegistrations();
            if (r.length && r[0].active) return r.length;
            await new Promise((done) => setTimeout(done, 100));
          }
          return 0;
        }"""
    )
    assert registered >= 1
    # the offline page's back button works without an inline handler
    page.goto(live_server.url + reverse("mobile:offline"))
    page.click("[data-action=back]")
    page.wait_for_load_state()
    assert page.url.endswith(reverse("mobile:household_detail", args=[household_a.pk]))
    assert violations == []
