"""core.bulkload: the rows written are the values given, on SQLite (bulk_create) and on
PostgreSQL (COPY) alike; run with DATABASE_URL pointing at PostgreSQL to check COPY."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from buildings.models import Building, Dwelling
from core.bulkload import BulkWriter
from households.models import Household

pytestmark = pytest.mark.django_db

AWKWARD = 'a, "quoted"\tvalue\\N with\nnew line and \\ backslash'


def test_rows_are_written_as_given_with_defaults_for_the_rest():
    existing = Building.objects.create(code="X1", name="旧楼", floors=6, address="旧址")
    with BulkWriter(Building, ["code", "name", "floors", "address"], batch=2) as writer:
        pks = [
            writer.add(code=f"B{i}", name=f"{i}栋", floors=i, address=AWKWARD if i == 1 else "")
            for i in range(5)
        ]
    assert writer.written == 5
    assert pks == sorted(pks) and pks[0] > existing.pk and len(set(pks)) == 5
    rows = {b.pk: b for b in Building.objects.filter(pk__in=pks)}
    assert [rows[pk].code for pk in pks] == ["B0", "B1", "B2", "B3", "B4"]
    assert rows[pks[1]].address == AWKWARD
    assert rows[pks[0]].address == ""  # empty text stays empty text, not NULL
    assert rows[pks[0]].entrances == 1 and rows[pks[0]].notes == ""  # the model's defaults
    assert not Building.history.filter(id__in=pks).exists()  # no history unless asked


def test_children_name_parents_before_they_are_written_and_nulls_stay_null():
    building = Building.objects.create(code="A", name="A栋", floors=6)
    at = timezone.make_aware(datetime.datetime(2024, 1, 15, 10, 0))
    dwellings = BulkWriter(
        Dwelling, ["building_id", "entrance", "floor", "room", "area", "registered_area"]
    )
    households = BulkWriter(
        Household,
        [
            "number",
            "dwelling_id",
            "origin_town",
            "move_in_date",
            "secondary_causes",
            "confirmed_at",
        ],
        history_reason="演示数据",
    )
    d1 = dwellings.add(
        building_id=building.pk, entrance=1, floor=1, room="101", area=Decimal("75.50"),
        registered_area=None,
    )  # fmt: skip
    h1 = households.add(
        number="T1", dwelling_id=d1, origin_town="小松镇", move_in_date=datetime.date(2019, 3, 1),
        secondary_causes=["illness", "disability"], confirmed_at=at,
    )  # fmt: skip
    h2 = households.add(
        number="T2", dwelling_id=None, origin_town="", move_in_date=None, secondary_causes=[],
        confirmed_at=None,
    )  # fmt: skip
    assert households.close() == 2 and dwellings.close() == 1

    dwelling = Dwelling.objects.get(pk=d1)
    assert (dwelling.area, dwelling.registered_area, dwelling.building) == (
        Decimal("75.50"),
        None,
        building,
    )
    first, second = Household.objects.get(pk=h1), Household.objects.get(pk=h2)
    assert first.dwelling == dwelling and first.secondary_causes == ["illness", "disability"]
    assert first.confirmed_at == at and first.move_in_date == datetime.date(2019, 3, 1)
    assert first.is_active is True and first.version == 1
    assert second.dwelling is None and second.move_in_date is None
    assert second.confirmed_at is None and second.secondary_causes == []
    assert second.origin_town == ""
    history = Household.history.filter(id__in=[h1, h2]).order_by("id")
    assert [(h.number, h.history_type, h.history_change_reason) for h in history] == [
        ("T1", "+", "演示数据"),
        ("T2", "+", "演示数据"),
    ]
    assert history[0].secondary_causes == ["illness", "disability"]


def test_a_row_must_give_exactly_the_named_fields():
    writer = BulkWriter(Building, ["code", "name", "floors"])
    with pytest.raises(KeyError):
        writer.add(code="A", name="A", storeys=6)
    with pytest.raises(ValueError):
        writer.add(code="A", name="A", floors=6, notes="")
    with pytest.raises(ValueError):
        BulkWriter(Building, ["code", "nonsense"])
    assert writer.close() == 0 and not Building.objects.exists()
