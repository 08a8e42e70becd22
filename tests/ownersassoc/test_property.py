import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ownersassoc import property as prop
from ownersassoc.models import ContractEvaluation, PropertyCompany, ServiceContract
from tests.services.request_factories import ResidentRequestFactory

pytestmark = pytest.mark.django_db
USCC = "91110000600037341L"


@pytest.fixture
def contract(db):
    company = prop.company_create(name="石城县安居物业服务有限公司", uscc=USCC)
    return prop.contract_create(
        company=company,
        scope=["property", "security"],
        started_on=datetime.date(2026, 1, 1),
        ended_on=datetime.date(2028, 12, 31),
        fee_per_m2_month=Decimal("0.60"),
        market_terms_from=datetime.date(2027, 1, 1),
    )


def test_uscc_check_character_is_validated(db):
    with pytest.raises(ValidationError) as exc:
        prop.company_create(name="某物业", uscc="91110000600037341M")
    assert "uscc" in exc.value.message_dict
    company = prop.company_create(name="某物业", uscc=" 91110000600037341l ")
    assert company.uscc == USCC
    assert PropertyCompany.objects.count() == 1


def test_payer_follows_the_market_terms_date(contract):
    assert "county" in contract.payer_on(datetime.date(2026, 12, 31)) or "县" in contract.payer_on(
        datetime.date(2026, 12, 31)
    )
    assert contract.payer_on(datetime.date(2027, 1, 1)) != contract.payer_on(
        datetime.date(2026, 12, 31)
    )


def test_contract_needs_a_scope(contract):
    with pytest.raises(ValidationError) as exc:
        prop.contract_create(
            company=contract.company,
            scope=[],
            started_on=datetime.date(2026, 1, 1),
            ended_on=datetime.date(2027, 1, 1),
            fee_per_m2_month=Decimal("0.5"),
        )
    assert "scope" in exc.value.message_dict
    assert ServiceContract.objects.count() == 1


def test_evaluations_score_the_scope_and_show_a_trend(contract, staff_user):
    prop.evaluation_record(
        contract=contract,
        year=2026,
        quarter=1,
        scores={"property": 80, "security": 85},
        user=staff_user,
    )
    prop.evaluation_record(
        contract=contract,
        year=2026,
        quarter=2,
        scores={"property": 90, "security": 86},
        user=staff_user,
    )
    with pytest.raises(ValidationError):
        prop.evaluation_record(
            contract=contract,
            year=2026,
            quarter=2,
            scores={"property": 1, "security": 1},
            user=staff_user,
        )
    with pytest.raises(ValidationError) as exc:
        prop.evaluation_record(
            contract=contract, year=2026, quarter=3, scores={"property": 101}, user=staff_user
        )
    assert set(exc.value.message_dict) == {"score_property", "score_security"}
    contract = prop.contract_get_for_user(user=staff_user, pk=contract.pk)
    trend = prop.evaluation_trend(contract)
    assert [row["evaluation"].average for row in trend] == [Decimal("82.50"), Decimal("88.00")]
    assert [row["change"] for row in trend] == [None, Decimal("5.50")]
    assert ContractEvaluation.objects.count() == 2


def test_property_requests_link_once_and_show_closing_time(contract, staff_user):
    filed = timezone.now() - datetime.timedelta(days=4)
    closed = ResidentRequestFactory(
        category="property",
        filed_at=filed,
        state="closed",
        closed_at=filed + datetime.timedelta(days=3),
    )
    open_ = ResidentRequestFactory(category="property")
    repairs = ResidentRequestFactory(category="repairs")
    assert set(prop.linkable_requests(user=staff_user)) == {closed, open_}
    prop.contract_request_link(contract=contract, request=closed, user=staff_user)
    prop.contract_request_link(contract=contract, request=open_, user=staff_user)
    with pytest.raises(ValidationError):
        prop.contract_request_link(contract=contract, request=closed, user=staff_user)
    with pytest.raises(ValidationError):
        prop.contract_request_link(contract=contract, request=repairs, user=staff_user)
    contract = prop.contract_get_for_user(user=staff_user, pk=contract.pk)
    assert prop.request_closing_figures(contract) == {
        "linked": 2,
        "closed": 1,
        "mean_days": Decimal("3.0"),
    }


@pytest.mark.parametrize(
    "persona, status",
    [
        ("staff_user", 200),
        ("committee_user", 200),
        ("leader_a", 404),
        ("department_user", 404),
        ("outsider", 404),
    ],
)
def test_contract_pages_by_persona(request, client_for, contract, persona, status):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("ownersassoc:contract_list")).status_code == status
    assert (
        client.get(reverse("ownersassoc:contract_detail", args=[contract.pk])).status_code == status
    )


def test_committee_member_records_an_evaluation(client_for, committee_user, contract):
    response = client_for(committee_user).post(
        reverse("ownersassoc:contract_detail", args=[contract.pk]),
        {
            "action": "evaluate",
            "year": 2026,
            "quarter": 3,
            "score_property": 70,
            "score_security": 75,
            "problems": "垃圾清运不及时",
        },
    )
    assert response.status_code == 302
    assert contract.evaluations.get().average == Decimal("72.50")


def test_contract_list_query_count(client_for, staff_user, contract, django_assert_num_queries):
    client = client_for(staff_user)
    client.get(
        reverse("ownersassoc:contract_list")
    )  # roles and permissions: read once, then kept in the cache
    # session, user, the header's profile, contracts (with counts), companies
    with django_assert_num_queries(5):
        client.get(reverse("ownersassoc:contract_list"))
    prop.contract_create(
        company=contract.company,
        scope=["agency"],
        started_on=datetime.date(2029, 1, 1),
        ended_on=datetime.date(2030, 1, 1),
        fee_per_m2_month=Decimal("0.7"),
    )
    with django_assert_num_queries(5):
        response = client.get(reverse("ownersassoc:contract_list"))
    assert len(response.context["contracts"]) == 2
