"""The Content-Security-Policy: on every kind of page, no inline script or style allowed, and
no template that would need one."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def _policy(response):
    header = response.headers.get("Content-Security-Policy")
    assert header, "no Content-Security-Policy header"
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part
    }


def _assert_strict(policy):
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert set(policy["img-src"]) == {"'self'", "data:"}
    assert not any("unsafe" in v for values in policy.values() for v in values)


@pytest.mark.django_db
def test_login_page_has_the_policy(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    _assert_strict(_policy(response))


def test_staff_page_has_the_policy(client_for, staff_user, household_a):
    response = client_for(staff_user).get(household_a.get_absolute_url())
    assert response.status_code == 200
    _assert_strict(_policy(response))


def test_mobile_page_and_service_worker_have_the_policy(client_for, leader_a, household_a):
    client = client_for(leader_a)
    response = client.get(reverse("mobile:home"))
    assert response.status_code == 200
    _assert_strict(_policy(response))
    worker = client.get(reverse("mobile:service_worker"))
    assert worker.status_code == 200
    _assert_strict(_policy(worker))
    # the offline page's script is cached by the worker so that its back button works
    assert "js/offline.js" in worker.content.decode()


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
STYLE_ATTR = re.compile(r"\sstyle\s*=", re.I)
STYLE_TAG = re.compile(r"<style[\s>]", re.I)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)


def _templates():
    return sorted(p for p in TEMPLATES.rglob("*.html"))


@pytest.mark.parametrize("path", _templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_needs_inline_script_or_style(path):
    text = path.read_text()
    # JSON data blocks (json_script) are not executed and are allowed.
    text = re.sub(r'<script[^>]*type="application/json"[^>]*>.*?</script>', "", text, flags=re.S)
    for pattern in (INLINE_SCRIPT, STYLE_ATTR, STYLE_TAG, HANDLER):
        match = pattern.search(text)
        assert match is None, f"{path.name}: {match.group(0)!r} is blocked by the policy"
