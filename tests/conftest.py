"""Shared fixtures: the fixed personas of STYLE.md (administrator, community staff, the
leader of building A, a department user of one bureau, a supervisor, an outsider) and a
small registry with building A and building B."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache

from community.models import Department, UserProfile
from community.roles import Role
from tests.households.factories import (
    BuildingFactory,
    DwellingFactory,
    HouseholdFactory,
    PersonFactory,
    UserFactory,
)
from tonglowan.celery import app as celery_app


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path):
    cache.clear()  # cached counts of one test are not another's
    settings.RUN_DAILY_JOBS_IN_PROCESS = False
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.AXES_ENABLED = False
    # Tasks run in-process in tests, also when REDIS_URL points the cache at Redis (CI).
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True


def _user_with_role(username, role, department=None):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=role.value))
    if department is not None:
        UserProfile.objects.create(user=user, department=department, display_name=username)
    return user


@pytest.fixture
def building_a(db):
    return BuildingFactory(code="A", name="A栋")


@pytest.fixture
def building_b(db):
    return BuildingFactory(code="B", name="B栋")


@pytest.fixture
def household_a(building_a):
    household = HouseholdFactory(dwelling=DwellingFactory(building=building_a))
    PersonFactory(household=household, relationship="01")
    return household


@pytest.fixture
def household_b(building_b):
    household = HouseholdFactory(dwelling=DwellingFactory(building=building_b))
    PersonFactory(household=household, relationship="01")
    return household


@pytest.fixture
def admin_user(db):
    user = _user_with_role("admin", Role.ADMINISTRATOR)
    user.is_staff = user.is_superuser = True
    user.save()
    return user


@pytest.fixture
def staff_user(db):
    return _user_with_role("staff", Role.STAFF)


@pytest.fixture
def leader_a(building_a):
    from buildings.services import leader_term_start

    user = _user_with_role("leader_a", Role.BUILDING_LEADER)
    leader_term_start(building=building_a, user=user, elected_on=datetime.date(2019, 7, 1))
    return user


@pytest.fixture
def department(db):
    return Department.objects.get(code="human-resources")


@pytest.fixture
def department_user(department):
    return _user_with_role("renshe", Role.DEPARTMENT, department=department)


@pytest.fixture
def supervisor_user(db):
    return _user_with_role(
        "fupin", Role.SUPERVISOR, department=Department.objects.get(code="poverty-office")
    )


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider")


@pytest.fixture
def client_for(client):
    """``client_for(user)``: a test client logged in as ``user``."""

    def login(user):
        client.force_login(user)
        return client

    return login
