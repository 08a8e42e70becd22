"""Who may open each page of the organisation and the social-management registers: every
new URL with every persona. Out of scope is a 404, the same as missing; a page a user can
see but not use for writing is a 403."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from community.models import Department
from community.organisation.models import (
    Applicant,
    Organisation,
    Post,
    RecruitmentRound,
    ResidentGroup,
)
from services.facilities.models import Facility
from services.firesafety.models import FireInspection
from services.policelog.models import PoliceIncident

PERSONAS = [
    "admin_user",
    "staff_user",
    "leader_a",
    "department_user",
    "supervisor_user",
    "outsider",
]
ALL = {p: 200 for p in PERSONAS} | {"outsider": 404}
REGISTRY_READERS = {p: 200 for p in PERSONAS} | {"leader_a": 404, "outsider": 404}
STAFF_ONLY = {p: 404 for p in PERSONAS} | {"admin_user": 200, "staff_user": 200}
# Facilities, inspections and incidents of another unit than the department user's.
OTHER_UNITS = REGISTRY_READERS | {"department_user": 404}
FILERS = {p: 404 for p in PERSONAS} | {"admin_user": 200, "staff_user": 200, "leader_a": 200}
RECORDERS = REGISTRY_READERS | {"department_user": 403, "supervisor_user": 403}


@pytest.fixture
def objects(db, staff_user):
    committee = Organisation.objects.create(name="居委会", kind="committee")
    post = Post.objects.create(organisation=committee, kind="cadre", title="社区干部")
    rnd = RecruitmentRound.objects.create(
        title="招聘",
        announced_on=datetime.date(2019, 6, 1),
        recruitment_date=datetime.date(2019, 7, 1),
        places=5,
    )
    rnd.posts.add(post)
    applicant = Applicant.objects.create(
        round=rnd, name="甲", id_number="360735199001010011", birth_date=datetime.date(1990, 1, 1)
    )
    group = ResidentGroup.objects.create(number=1, name="第一居民小组")
    facility = Facility.objects.create(
        kind="bus_stop", name="公交站", owner_unit=Department.objects.get(code="transport")
    )
    inspection = FireInspection.objects.create(
        premises="综合市场",
        unit=Department.objects.get(code="fire-brigade"),
        inspected_on=datetime.date(2026, 1, 1),
        inspected_by=staff_user,
        findings="合格",
        result="passed",
    )
    inspection.evidence.save("e.txt", ContentFile(b"evidence"))
    incident = PoliceIncident.objects.create(
        kind="traffic",
        occurred_at=timezone.now(),
        place="门口",
        description="剐蹭",
        unit=Department.objects.get(code="qinjiang-police"),
        recorded_by=staff_user,
    )
    return {
        "round": rnd.pk,
        "applicant": applicant.pk,
        "group": group.pk,
        "facility": facility.pk,
        "inspection": inspection.pk,
        "incident": incident.pk,
    }


PAGES = [
    ("/community/organisation/", ALL),
    ("/community/organisation/?print=1", ALL),
    ("/community/organisation/holders/new/", STAFF_ONLY),
    ("/community/organisation/terms/new/", STAFF_ONLY),
    ("/community/recruitment/", REGISTRY_READERS),
    ("/community/recruitment/new/", STAFF_ONLY),
    ("/community/recruitment/{round}/", REGISTRY_READERS),
    ("/community/applicants/{applicant}/decide/", STAFF_ONLY),
    ("/community/groups/", REGISTRY_READERS),
    ("/community/groups/{group}/", REGISTRY_READERS),
    ("/community/members/", REGISTRY_READERS),
    ("/services/facilities/", REGISTRY_READERS),
    ("/services/facilities/{facility}/", OTHER_UNITS),
    ("/services/facilities/{facility}/report/", FILERS),
    ("/services/facilities/new/", RECORDERS),
    ("/services/facilities/{facility}/staff/new/", OTHER_UNITS | {"supervisor_user": 403}),
    ("/m/facilities/", FILERS),
    ("/m/facilities/{facility}/report/", FILERS),
    ("/services/fire-safety/", REGISTRY_READERS),
    ("/services/fire-safety/new/", RECORDERS),
    ("/services/fire-safety/{inspection}/", OTHER_UNITS),
    ("/services/fire-safety/{inspection}/evidence/", OTHER_UNITS),
    ("/services/police-log/", REGISTRY_READERS),
    ("/services/police-log/new/", RECORDERS),
    ("/services/police-log/{incident}/", OTHER_UNITS),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("url", "expected"), PAGES)
def test_every_page_with_every_persona(request, client_for, objects, persona, url, expected):
    user = request.getfixturevalue(persona)
    response = client_for(user).get(url.format(**objects))
    assert response.status_code == expected[persona], (persona, url)


def test_missing_objects_are_404_like_out_of_scope(client_for, staff_user, db):
    client = client_for(staff_user)
    for url in [
        "/community/recruitment/999/",
        "/community/applicants/999/decide/",
        "/community/groups/999/",
        "/services/facilities/999/",
        "/services/fire-safety/999/",
        "/services/police-log/999/",
        "/m/facilities/999/report/",
    ]:
        assert client.get(url).status_code == 404, url


def test_an_applicant_id_number_is_masked_on_the_round_page(client_for, staff_user, objects):
    page = client_for(staff_user).get(f"/community/recruitment/{objects['round']}/").content
    assert b"360735199001010011" not in page
    assert b"360735********0011" in page


def test_a_denied_post_changes_nothing(client_for, supervisor_user, department_user, objects):
    response = client_for(supervisor_user).post(
        f"/community/applicants/{objects['applicant']}/decide/",
        {"hired": "1", "decided_on": "2019-07-10"},
    )
    assert response.status_code == 404
    assert Applicant.objects.get().result == "pending"
    response = client_for(department_user).post(
        f"/services/facilities/{objects['facility']}/", {"kind": "closed", "note": "x"}
    )
    assert response.status_code == 404
    assert Facility.objects.get().state == "in_service"
