"""Query counts of the owners' side list pages: the same with one row as with many."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from ownersassoc import committee, fees, services
from ownersassoc import property as prop
from ownersassoc.models import BallotSheet, FeeBill
from tests.households.factories import DwellingFactory, HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _owner(building):
    dwelling = DwellingFactory(building=building)
    person = PersonFactory(household=HouseholdFactory(dwelling=dwelling), relationship="01")
    services.ownership_start(dwelling=dwelling, owner=person, started_on=datetime.date(2019, 3, 1))
    return person


def _sheet(meeting, owner, user, source=BallotSheet.Source.STAFF):
    return services.sheet_record(
        meeting=meeting,
        owner=owner,
        choices={m.pk: "agree" for m in meeting.motions.all()},
        source=source,
        user=user,
        photo=ContentFile(b"x", name="p.jpg") if source == "leader" else None,
    )


def _count(client, url, django_assert_num_queries, n):
    with django_assert_num_queries(n):
        response = client.get(url)
    assert response.status_code == 200
    return response


def test_sheet_list(
    client_for, staff_user, meeting, register, building_a, django_assert_num_queries
):
    client = client_for(staff_user)
    url = reverse("ownersassoc:sheet_list", args=[meeting.pk])
    _sheet(meeting, register["owner1"], staff_user)
    client.get(url)  # roles and permissions: read once, then kept in the cache
    # session, user, the meeting (counts) and its motions, page count, the
    # header's profile, sheets, their ballots
    first = _count(client, url, django_assert_num_queries, 8)
    for _n in range(4):
        _sheet(meeting, _owner(building_a), staff_user)
    many = _count(client, url, django_assert_num_queries, 8)
    assert (len(first.context["sheets"]), len(many.context["sheets"])) == (1, 5)


def test_leader_owner_list(
    client_for, leader_a, meeting, register, building_a, django_assert_num_queries
):
    client = client_for(leader_a)
    url = reverse("mobile:ballot_owners", args=[meeting.pk])
    client.get(url)  # roles: read once, then kept in the cache
    # session, user, the leader's buildings, the meeting and its motions, the owners with
    # whether they voted
    first = _count(client, url, django_assert_num_queries, 6)
    for _n in range(4):
        _owner(building_a)
    many = _count(client, url, django_assert_num_queries, 6)
    # one row per flat: owner1 owns two
    assert (len(first.context["ownerships"]), len(many.context["ownerships"])) == (3, 7)


def test_committee_home(client_for, staff_user, register, building_a, django_assert_num_queries):
    people = [
        register["owner1"],
        register["owner3"],
        register["owner5"],
        _owner(building_a),
        _owner(building_a),
    ]
    committee.committee_elect(
        elected_on=datetime.date(2026, 1, 1), term_ends_on=datetime.date(2030, 1, 1), people=people
    )
    client = client_for(staff_user)
    url = reverse("ownersassoc:committee_home")
    client.get(url)  # roles and permissions: read once, then kept in the cache
    # session, user, the header's profile, terms (member counts), documents
    _count(client, url, django_assert_num_queries, 5)
    committee.committee_elect(
        elected_on=datetime.date(2026, 2, 1), term_ends_on=datetime.date(2030, 1, 1), people=people
    )
    response = _count(client, url, django_assert_num_queries, 5)
    assert len(response.context["terms"]) == 2


def test_fee_arrears(client_for, staff_user, register, building_a, django_assert_num_queries):
    company = prop.company_create(name="物业", uscc="91110000600037341L")
    contract = prop.contract_create(
        company=company,
        scope=["property"],
        started_on=datetime.date(2024, 1, 1),
        ended_on=datetime.date(2030, 12, 31),
        fee_per_m2_month=Decimal("0.5"),
        market_terms_from=datetime.date(2025, 1, 1),
    )
    fees.fee_bills_issue(contract=contract, year=2025, month=1)
    client = client_for(staff_user)
    url = reverse("ownersassoc:fee_arrears")
    client.get(url)  # roles and permissions: read once, then kept in the cache
    # session, user, page count, the header's profile, bills (with sums),
    # the contracts of the issue form, the payments recorded lately (with their bills,
    # flats and owners)
    first = _count(client, url, django_assert_num_queries, 7)
    fees.fee_bills_issue(contract=contract, year=2025, month=2)
    for bill in FeeBill.objects.filter(month=2):
        fees.fee_payment_record(
            bill=bill, paid_on=datetime.date(2025, 2, 3), amount=Decimal("1.00"), user=staff_user
        )
    many = _count(client, url, django_assert_num_queries, 7)
    assert (len(first.context["page"]), len(many.context["page"])) == (4, 8)
    assert (len(first.context["recent_payments"]), len(many.context["recent_payments"])) == (0, 4)
