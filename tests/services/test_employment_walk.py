"""Issue 4's walk through the pages: the employment bureau's user sees who still needs
training and which households have nobody employed, records a training and a job on the
records pages, and watches both counts fall on the unit's dashboard."""

import datetime

from django.utils import timezone

from households.models import TrainingWillingness
from services.records.models import Employment, Training
from tests.households.factories import DwellingFactory, HouseholdFactory, PersonFactory


def _counts(client):
    response = client.get("/services/obligations/")
    assert response.status_code == 200
    return {rule.code: count for rule, count, _chart in response.context["rule_rows"]}


def test_employment_bureau_records_a_training_and_a_job_and_both_counts_fall(
    client_for, department_user
):
    today = timezone.localdate()
    household = HouseholdFactory(
        dwelling=DwellingFactory(), move_in_date=today - datetime.timedelta(days=400)
    )
    head = PersonFactory(
        household=household,
        relationship="01",
        birth_date=today.replace(year=today.year - 35),
        training_willingness=TrainingWillingness.WILLING,
    )
    client = client_for(department_user)
    before = _counts(client)
    assert before["training-overdue"] == 1
    assert before["zero-employment"] == 1
    listed = client.get("/services/obligations/rules/training-overdue/")
    assert head.name in listed.content.decode()
    # each failing row offers the form that records what the rule asks for
    assert f'href="/services/records/training/new/?person={head.pk}"' in (listed.content.decode())

    response = client.post(
        f"/services/records/training/new/?household={household.pk}",
        {
            "person": head.pk,
            "course": "电工",
            "provider": "县职业学校",
            "started_on": (today - datetime.timedelta(days=30)).isoformat(),
            "ended_on": (today - datetime.timedelta(days=10)).isoformat(),
            "certificate": "",
            "note": "",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    response = client.post(
        f"/services/records/employment/new/?household={household.pk}",
        {
            "person": head.pk,
            "employer": "工业园区鞋厂",
            "kind": "park",
            "started_on": (today - datetime.timedelta(days=5)).isoformat(),
            "ended_on": "",
            "monthly_income": "2800",
            "note": "",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Training.objects.get().person == head
    assert Employment.objects.get().recorded_unit.code == "human-resources"

    after = _counts(client)
    assert after["training-overdue"] == 0
    assert after["zero-employment"] == 0
