"""A small owners' register: building A with three owned flats (one owner owns two) and
one vacant flat; building B with one owned flat."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from community.roles import Role
from ownersassoc import services
from ownersassoc.models import Matter, OwnersMeeting
from tests.households.factories import (
    DwellingFactory,
    HouseholdFactory,
    PersonFactory,
    UserFactory,
)


def _owned_flat(building, area, owner=None, **dwelling):
    dwelling = DwellingFactory(building=building, area=Decimal(area), **dwelling)
    if owner is None:
        household = HouseholdFactory(dwelling=dwelling)
        owner = PersonFactory(household=household, relationship="01", phone="13800000001")
    services.ownership_start(dwelling=dwelling, owner=owner, started_on=datetime.date(2019, 3, 1))
    return dwelling, owner


@pytest.fixture
def register(building_a, building_b):
    """4 person owners + the vacant group = 5 owners; 100+80+120+90+70 = 460 m²."""
    d1, owner1 = _owned_flat(building_a, "100.00")
    d2, _same = _owned_flat(building_a, "80.00", owner=owner1)  # one owner of two flats
    d3, owner3 = _owned_flat(building_a, "150.00", registered_area=Decimal("120.00"))
    vacant = DwellingFactory(building=building_a, area=Decimal("90.00"), allocation_state="vacant")
    d5, owner5 = _owned_flat(building_b, "70.00")
    return {"owner1": owner1, "owner3": owner3, "owner5": owner5, "vacant": vacant}


@pytest.fixture
def committee_user(db):
    user = UserFactory(username="committee")
    user.groups.add(Group.objects.get(name=Role.OWNERS_COMMITTEE.value))
    return user


@pytest.fixture
def meeting(register, staff_user):
    meeting = services.meeting_create(
        title="2026年第一次业主大会",
        kind=OwnersMeeting.Kind.REGULAR,
        form=OwnersMeeting.Form.WRITTEN,
        notice_date=datetime.date(2026, 11, 1),
        held_on=datetime.date(2026, 11, 20),
        copied_to_residents_committee=True,
        user=staff_user,
    )
    services.motion_add(meeting=meeting, title="选举业主委员会", matter=Matter.COMMITTEE)
    services.motion_add(meeting=meeting, title="改变公共部分用途", matter=Matter.COMMON_PARTS_USE)
    return meeting
