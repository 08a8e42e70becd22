import datetime

import pytest
from django.db import IntegrityError, transaction

from buildings.models import BuildingLeaderTerm
from buildings.selectors import buildings_for_user, leader_building_ids
from buildings.services import leader_term_end, leader_term_start
from tests.households.factories import BuildingFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2019, 7, 1)


def test_two_current_terms_for_one_building_fail_at_the_database():
    building = BuildingFactory()
    BuildingLeaderTerm.objects.create(
        building=building, user=UserFactory(), elected_on=DAY, started_on=DAY
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        BuildingLeaderTerm.objects.create(
            building=building, user=UserFactory(), elected_on=DAY, started_on=DAY
        )


def test_a_term_cannot_end_before_it_starts():
    building = BuildingFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        BuildingLeaderTerm.objects.create(
            building=building,
            user=UserFactory(),
            elected_on=DAY,
            started_on=DAY,
            ended_on=DAY - datetime.timedelta(days=1),
        )


def test_an_election_moves_access_from_the_old_leader_to_the_new():
    building = BuildingFactory()
    old, new = UserFactory(username="old"), UserFactory(username="new")
    leader_term_start(building=building, user=old, elected_on=DAY)

    leader_term_start(building=building, user=new, elected_on=datetime.date(2022, 7, 1))

    assert leader_building_ids(UserFactory(username="old")) == frozenset()
    assert leader_building_ids(UserFactory(username="new")) == {building.pk}
    assert BuildingLeaderTerm.objects.filter(building=building, ended_on__isnull=True).count() == 1


def test_ending_a_term_ends_the_scope():
    building, other = BuildingFactory(), BuildingFactory()
    user = UserFactory(username="leader")
    term = leader_term_start(building=building, user=user, elected_on=DAY)
    assert list(buildings_for_user(UserFactory(username="leader"))) == [building]

    leader_term_end(term=term, ended_on=datetime.date(2021, 1, 1))

    assert list(buildings_for_user(UserFactory(username="leader"))) == []
    assert other.pk not in leader_building_ids(user)
