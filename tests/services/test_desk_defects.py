"""The staff desk's defects on the services side: work-task labels, the rule drop-down,
the request queue, duplicate records, the "your obligations" sentence, the phone request
page."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from services.records import services as record_services
from services.records.kinds import KINDS
from services.records.models import LandRightEvent, Training
from services.requests.models import State
from services.worktasks.forms import WorkTaskForm
from tests.households.factories import PersonFactory

from .request_factories import ResidentRequestFactory
from .test_record_views import _factory_for

pytestmark = pytest.mark.django_db


# --- work tasks --------------------------------------------------------------------------


def test_work_task_title_and_description_have_their_own_words(client_for, staff_user):
    with translation.override("zh-hans"):
        form = WorkTaskForm()
        assert str(form.fields["title"].label) == "任务名称"
        assert str(form.fields["description"].label) == "任务内容"
    page = client_for(staff_user).get(reverse("services:task_list")).content.decode()
    assert "<th>任务名称</th>" in page
    assert "产权状态" not in page


def test_rule_drop_down_shows_titles_not_codes():
    choices = dict(WorkTaskForm().fields["rule_code"].choices)
    assert choices["training-due"] != "training-due"
    assert all(" · " not in str(label) for label in choices.values())
    assert all(code != label for code, label in choices.items() if code)


# --- the request queue ------------------------------------------------------------------


def test_queue_shows_what_the_request_is_about_and_the_heads_name(
    client_for, staff_user, household_a
):
    ResidentRequestFactory(household=household_a, description="楼道灯坏了三天，晚上看不见路")
    head = household_a.members.get()
    page = client_for(staff_user).get(reverse("services:request_queue")).content.decode()
    assert "楼道灯坏了三天" in page
    assert f"{household_a.number} · {head.name}" in page


def test_queue_shows_open_requests_by_default_and_closed_behind_the_filter(
    client_for, staff_user, household_a
):
    open_one = ResidentRequestFactory(household=household_a, state=State.ACCEPTED)
    closed = ResidentRequestFactory(household=household_a, state=State.CLOSED)
    client = client_for(staff_user)
    assert list(client.get(reverse("services:request_queue")).context["page"]) == [open_one]
    assert list(
        client.get(reverse("services:request_queue"), {"state": "closed"}).context["page"]
    ) == [closed]
    every = list(client.get(reverse("services:request_queue"), {"state": ""}).context["page"])
    assert every == [open_one, closed]  # open ones first


def test_queue_has_a_select_all_box_and_the_panel_below_the_table(
    client_for, staff_user, household_a
):
    ResidentRequestFactory(household=household_a)
    page = client_for(staff_user).get(reverse("services:request_queue")).content.decode()
    assert 'id="select-all"' in page
    assert page.index('id="request-table"') < page.index('id="bulk-form"')
    assert "data-bulk-panel" in page
    assert 'data-template="已选 {n} 件"' in page
    assert "js/request_queue.js" in page
    assert "<script>" not in page  # no inline script


def test_filters_read_all_not_dashes(client_for, staff_user):
    page = client_for(staff_user).get(reverse("services:request_queue")).content.decode()
    assert "---------" not in page
    assert ">全部</option>" in page


# --- duplicate records ------------------------------------------------------------------


def _same_facts(record, spec):
    facts = {name: getattr(record, name) for name in spec.fields}
    facts[spec.subject] = getattr(record, spec.subject)
    if spec.key == "allowance":
        facts["person"] = record.person
    return facts


@pytest.mark.parametrize("key", [k for k in KINDS if k != "landholding"] + ["landholding"])
def test_an_exact_duplicate_of_any_record_kind_is_refused(key, staff_user, household_a):
    spec = KINDS[key]
    made = _factory_for(key, household_a)()
    record = made.holding if key == "landholding" else made
    before = spec.model.objects.count()
    with pytest.raises(ValidationError) as refused:
        record_services.record_create(
            user=staff_user,
            record_kind=key,
            unit=record.recorded_unit,
            **_same_facts(record, spec),
        )
    assert refused.value.error_list[0].code == "duplicate"
    assert spec.model.objects.count() == before


def test_the_same_training_twice_is_refused_with_a_warning(client_for, department_user):
    person = PersonFactory()
    fields = {
        "course": "电工",
        "provider": "县职业学校",
        "started_on": datetime.date(2024, 10, 8),
        "ended_on": datetime.date(2024, 10, 28),
        "certificate": "",
        "note": "",
    }
    record_services.record_create(
        user=department_user, record_kind="training", person=person, **fields
    )
    with pytest.raises(ValidationError) as refused:
        record_services.record_create(
            user=department_user,
            record_kind="training",
            person=person,
            **{**fields, "note": "又交了一次"},
        )
    assert "未重复保存" in refused.value.messages[0] or "not saved again" in str(refused.value)
    assert Training.objects.count() == 1
    # another course on the same day is another record
    record_services.record_create(
        user=department_user, record_kind="training", person=person, **{**fields, "course": "焊工"}
    )
    assert Training.objects.count() == 2


def test_a_duplicate_land_right_event_is_refused(household_a):
    from .record_factories import LandRightEventFactory, unit_user

    event = LandRightEventFactory(holding__household=household_a)
    user = unit_user("natural-resources")
    facts = {
        "kind": event.kind,
        "happened_on": event.happened_on,
        "counterparty": event.counterparty,
        "income": event.income,
        "notice_given_on": event.notice_given_on,
        "note": "",
    }
    with pytest.raises(ValidationError):
        record_services.land_right_event_create(user=user, holding=event.holding, **facts)
    assert LandRightEvent.objects.count() == 1


# --- "every obligation you follow is met" speaks to a unit, not to staff --------------------


def test_staff_household_page_does_not_speak_of_their_own_responsibilities(
    rf, staff_user, department_user
):
    from django.template.loader import render_to_string

    template = "services/obligations/partials/_failed_rules.html"
    with translation.override("zh-hans"):
        for_staff = render_to_string(
            template, {"section": {"rules": [], "subject": "household", "for_unit": False}}
        )
        for_unit = render_to_string(
            template, {"section": {"rules": [], "subject": "household", "for_unit": True}}
        )
    assert "您负责的各项责任均已落实" not in for_staff
    assert "本户各项帮扶责任均已落实" in for_staff
    assert "您负责的各项责任均已落实" in for_unit


def test_the_section_knows_whether_it_speaks_to_a_unit(
    rf, staff_user, department_user, household_a
):
    from services.obligations.sections import household_section

    def section_for(user):
        request = rf.get("/")
        request.user = user
        return household_section(request=request, household=household_a)

    assert section_for(staff_user)["context"]["for_unit"] is False
    assert section_for(department_user)["context"]["for_unit"] is True


# --- the phone request page -------------------------------------------------------------


def test_phone_request_page_has_no_inline_style_and_a_styled_timeline(
    client_for, leader_a, household_a
):
    req = ResidentRequestFactory(household=household_a)
    page = client_for(leader_a).get(reverse("mobile:request_detail", args=[req.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<style>" not in html
    assert 'class="list-unstyled timeline' in html
    from django.contrib.staticfiles import finders

    css = open(finders.find("css/mobile.css"), encoding="utf-8").read()
    assert ".card.card-body{padding:" in css
    assert "ol.timeline>li" in css
    assert "dl.request-facts" in css
