"""Home visits and policy publicity: recorded on the phone, listed for staff."""

from django.urls import reverse

from households.models import PublicityRecord, Visit


def test_leader_records_a_visit(client_for, leader_a, household_a, staff_user):
    client = client_for(leader_a)
    assert (
        client.get(reverse("mobile:visit_create"), {"household": household_a.pk}).status_code == 200
    )
    response = client.post(
        reverse("mobile:visit_create"),
        {
            "household": household_a.pk,
            "visited_on": "2026-11-20",
            "reason": "hardship",
            "note": "老人住院",
        },
    )
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert (visit.household, visit.reason, visit.visited_by) == (household_a, "hardship", leader_a)
    staff_page = client_for(staff_user).get(reverse("households:visit_list")).content.decode()
    assert "老人住院" in staff_page


def test_publicity_reaches_only_households_of_the_building(
    client_for, leader_a, building_a, household_a, household_b, staff_user
):
    client = client_for(leader_a)
    data = {
        "building": building_a.pk,
        "topic": "medical",
        "title": "2027年度城乡居民医保缴费",
        "held_on": "2026-11-21",
    }
    refused = client.post(
        reverse("mobile:publicity_create"), {**data, "households": [household_a.pk, household_b.pk]}
    )
    assert refused.status_code == 200 and "households" in refused.context["form"].errors
    assert not PublicityRecord.objects.exists()
    response = client.post(
        reverse("mobile:publicity_create"), {**data, "households": [household_a.pk]}
    )
    assert response.status_code == 302
    record = PublicityRecord.objects.get()
    assert list(record.households.all()) == [household_a]
    assert (
        "2027年度城乡居民医保缴费"
        in client_for(staff_user).get(reverse("households:publicity_list")).content.decode()
    )


def test_department_users_do_not_see_the_field_logs(client_for, department_user):
    client = client_for(department_user)
    assert client.get(reverse("households:visit_list")).status_code == 403
    assert client.get(reverse("households:publicity_list")).status_code == 403
