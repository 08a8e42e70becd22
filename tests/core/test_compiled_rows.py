"""``core.querysets.compiled_rows``: a query compiled once and run again for other rows
gives what the ORM gives, and compiles again when its settings change."""

import pytest
from django.db.models import Count, Q
from django.test import override_settings

from core.querysets import compiled_rows
from households.models import Household
from tests.households.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db
COLUMN = '"households_household"."id"'


def _orm(pks, min_members):
    rows = (
        Household.objects.filter(pk__in=pks)
        .order_by()
        .values("pk")
        .annotate(big=Count("members", filter=Q(members__is_active=True)))
    )
    return {r["pk"]: int(r["big"] >= min_members) for r in rows}


def test_compiled_once_run_for_other_rows_as_the_orm_gives():
    households = [HouseholdFactory() for _ in range(4)]
    for i, household in enumerate(households):
        for _ in range(i):
            PersonFactory(household=household)
    builds = []

    def build():
        builds.append(1)
        return (
            Household.objects.order_by()
            .values("pk")
            .annotate(big=Count("members", filter=Q(members__is_active=True)))
        )

    for pks in ([households[0].pk, households[2].pk], [households[3].pk], []):
        rows = compiled_rows(("test", "members"), build, COLUMN, pks)
        assert {pk: int(n >= 2) for pk, n in rows} == _orm(pks, 2)
    assert len(builds) == 1


def test_a_changed_setting_compiles_the_query_again():
    household = HouseholdFactory()
    seen = []

    def build():
        from django.conf import settings

        seen.append(settings.OBLIGATIONS["HOUSING_M2_PER_PERSON"])
        return Household.objects.order_by().values("pk")

    compiled_rows(("test", "settings"), build, COLUMN, [household.pk])
    from django.conf import settings

    changed = {**settings.OBLIGATIONS, "HOUSING_M2_PER_PERSON": 30}
    with override_settings(OBLIGATIONS=changed):
        assert compiled_rows(("test", "settings"), build, COLUMN, [household.pk]) == [
            (household.pk,)
        ]
    assert seen[-1] == 30 and len(seen) == 2
