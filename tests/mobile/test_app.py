"""Installable on the home screen: manifest, icons, service worker, offline page."""

import json

from django.contrib.staticfiles import finders
from django.urls import reverse
from PIL import Image


def test_manifest_names_existing_png_icons():
    path = finders.find("mobile/manifest.webmanifest")
    manifest = json.loads(open(path, encoding="utf-8").read())
    assert manifest["start_url"] == "/m/" and manifest["display"] == "standalone"
    for icon in manifest["icons"]:
        with Image.open(finders.find("mobile/" + icon["src"])) as img:
            assert img.format == "PNG"
            assert f"{img.width}x{img.height}" == icon["sizes"]


def test_pages_link_the_manifest(client_for, leader_a):
    html = client_for(leader_a).get(reverse("mobile:home")).content.decode()
    assert 'rel="manifest"' in html and "mobile/manifest.webmanifest" in html


def test_service_worker_is_served_under_m_to_anyone(client):
    response = client.get(reverse("mobile:service_worker"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/m/"
    assert reverse("mobile:offline") in response.content.decode()
    assert client.get(reverse("mobile:offline")).status_code == 200


def test_tab_bar_names_the_four_tasks_in_chinese(client_for, leader_a):
    import re

    html = client_for(leader_a).get(reverse("mobile:home")).content.decode()
    tabbar = html[html.index('class="mobile-tabbar"') :]
    labels = re.findall(r"</svg>([^<]+)</a>", tabbar)
    assert labels == ["首页", "诉求", "卫生", "走访"]
