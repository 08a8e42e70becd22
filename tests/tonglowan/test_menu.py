"""The main menu is rendered once for each language and set of roles and kept: what a user
sees in it is still exactly what their roles give them."""

import re

from django.contrib.auth.models import Group
from django.urls import reverse

from community.roles import Role

MENU = re.compile(r'<ul class="navbar-nav me-auto">(.*?)</ul>\s*<ul class="navbar-nav">', re.S)


def _link(name):
    return f'href="{reverse(name)}"'


def _menu(client, url="/"):
    return MENU.search(client.get(url).content.decode()).group(1)


def test_each_role_sees_its_own_menu_after_another_role_was_served(
    client_for, staff_user, leader_a, department_user
):
    staff = _menu(client_for(staff_user))
    assert _link("households:household_list") in staff
    assert _link("households:proposal_list") in staff
    leader = _menu(client_for(leader_a), reverse("households:dashboard"))
    assert _link("households:household_list") not in leader
    assert _link("mobile:home") in leader
    department = _menu(client_for(department_user))
    assert _link("services:unit_dashboard") in department
    assert _link("households:proposal_list") not in department
    assert _menu(client_for(staff_user)) == staff  # served from the cache, the same


def test_a_new_role_shows_in_the_menu_at_the_next_request(client_for, leader_a):
    client = client_for(leader_a)
    assert _link("households:household_list") not in _menu(client, reverse("households:dashboard"))
    leader_a.groups.add(Group.objects.get(name=Role.STAFF.value))
    assert _link("households:household_list") in _menu(client, reverse("households:dashboard"))


def test_the_menu_follows_the_language(client_for, staff_user):
    client = client_for(staff_user)
    assert "住户" in _menu(client)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Households" in _menu(client) and "住户" not in _menu(client)
