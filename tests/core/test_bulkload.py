"""core.bulkload: the rows written are the values given, on SQLite (bulk_create) and on
PostgreSQL (COPY) alike; run with DATABASE_URL pointing at PostgreSQL to check COPY."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from buildings.models import Building, Dwelling
from core.bulkload import BulkWriter, loading
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


def _catalogue():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT conname, pg_get_constraintdef(oid), condeferrable, condeferred
            FROM pg_constraint WHERE conrelid = ANY(%(tables)s::regclass[])
            UNION ALL
            SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid), NULL, NULL
            FROM pg_index WHERE indrelid = ANY(%(tables)s::regclass[])
            ORDER BY 1, 2
            """,
            {"tables": ["buildings_dwelling", "buildings_historicaldwelling"]},
        )
        return cursor.fetchall()


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="loading() changes nothing on other backends"
)


@postgres_only
def test_loading_makes_the_keys_and_indexes_again_as_they_were():
    building = Building.objects.create(code="A", name="A栋", floors=6)
    before = _catalogue()
    assert any("FOREIGN KEY" in row[1] for row in before)
    with loading(Dwelling):
        assert not any("FOREIGN KEY" in row[1] for row in _catalogue())
        with BulkWriter(Dwelling, ["building_id", "entrance", "floor", "room", "area"]) as writer:
            for room in ("101", "102"):
                writer.add(building_id=building.pk, entrance=1, floor=1, room=room, area=50)
    assert _catalogue() == before
    assert Dwelling.objects.filter(building=building).count() == 2


@postgres_only
def test_loading_refuses_rows_that_break_a_key_when_it_is_made_again():
    building = Building.objects.create(code="A", name="A栋", floors=6)
    with pytest.raises(IntegrityError), transaction.atomic():
        with loading(Dwelling):
            with BulkWriter(Dwelling, ["building_id", "entrance", "floor", "room", "area"]) as w:
                w.add(building_id=building.pk + 1000, entrance=1, floor=1, room="101", area=50)
    with pytest.raises(IntegrityError), transaction.atomic():
        with loading(Dwelling):
            with BulkWriter(Dwelling, ["building_id", "entrance", "floor", "room", "area"]) as w:
                for _twice in range(2):  # the same room twice: dwelling_unique_room
                    w.add(building_id=building.pk, entrance=1, floor=1, room="101", area=50)
    assert not Dwelling.objects.exists()
