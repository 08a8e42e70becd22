"""The demo answers the "done when" questions of the organisation and the registers."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from community.organisation.models import Applicant, PostHolding, ResidentGroupMembership
from services.facilities.models import Facility
from services.obligations.rules import RULES
from services.requests.models import ResidentRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", households=200, stdout=open("/dev/null", "w"))


def test_the_demo_answers_the_questions(demo, client_for):
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    staff = client_for(users.get(username="staff"))
    # who are the five cadres and when was each recruited
    cadres = PostHolding.objects.filter(recruited_as__isnull=False)
    assert cadres.count() == 5
    page = staff.get("/community/organisation/")
    assert len(page.context["cadres"]) == 5
    assert "2019-07-01" in page.content.decode()
    # which resident group a household belongs to
    membership = ResidentGroupMembership.objects.select_related("household", "group").first()
    page = staff.get(f"/community/groups/?household={membership.household.number}")
    assert [g.pk for g in page.context["groups"]] == [membership.group_id]
    # which fire-safety rectifications are overdue
    overdue = RULES["fire-rectification-overdue"].failing(timezone.localdate()).count()
    assert overdue > 0
    page = staff.get("/services/fire-safety/?show=overdue")
    assert page.context["page"].paginator.count == overdue
    # which facilities are out of order and since when
    page = staff.get("/services/facilities/?state=out_of_order")
    assert {f.name for f in page.context["facilities"]} == {"铜锣湾社区公交站", "社区灯光篮球场"}
    # a bus-stop problem reported by a building leader reaches 县交通运输局
    stop = Facility.objects.get(name="铜锣湾社区公交站")
    req = ResidentRequest.objects.get(facility=stop)
    assert req.unit.name == "县交通运输局"
    assert req.filed_by.leader_terms.exists()
    jiaotong = client_for(users.get(username="jiaotong"))
    assert jiaotong.get(f"/services/requests/{req.pk}/").status_code == 200
    # every applicant hired was 40周岁 or under on the recruitment date
    from core.idnumbers import age_on

    for a in Applicant.objects.select_related("round"):
        assert age_on(a.birth_date, a.round.recruitment_date) <= 40
