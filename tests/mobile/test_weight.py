"""Phone pages stay light for a weak network: the HTML plus every CSS and JS file a page
references weighs less than 150 KB (photos excluded), and nothing comes from another host."""

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

LIMIT = 150 * 1024
ASSET = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]*href|script[^>]*src)="([^"]+)"')


def page_weight(html: str) -> tuple[int, list[str]]:
    assets = ASSET.findall(html)
    total = len(html.encode())
    for url in assets:
        assert url.startswith("/" + settings.STATIC_URL.lstrip("/")), (
            f"asset not served by the project: {url}"
        )
        path = finders.find(url.removeprefix("/" + settings.STATIC_URL.lstrip("/")))
        assert path, url
        with open(path, "rb") as f:
            total += len(f.read())
    return total, assets


@pytest.mark.parametrize(
    "name,args",
    [
        ("mobile:home", None),
        ("mobile:household_list", None),
        ("mobile:household_detail", "household"),
        ("mobile:hygiene_list", None),
        ("mobile:hygiene_create", None),
        ("mobile:visit_list", None),
        ("mobile:visit_create", None),
        ("mobile:publicity_create", None),
        ("mobile:representative_list", None),
        ("mobile:request_list", None),
        ("mobile:request_create", None),
    ],
)
def test_mobile_pages_weigh_less_than_150_kb(
    client_for, leader_a, building_a, make_household, name, args
):
    households = [make_household(building_a) for _ in range(36)]  # a full building
    url = reverse(name, args=[households[0].pk] if args else None)
    response = client_for(leader_a).get(url)
    assert response.status_code == 200
    total, assets = page_weight(response.content.decode())
    assert any(a.endswith("css/mobile.css") for a in assets)
    assert not any("bootstrap" in a for a in assets)
    assert total < LIMIT, f"{url}: {total} bytes"
