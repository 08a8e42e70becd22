import datetime

from django.contrib.auth.models import Group
from django.db import transaction

from community.roles import Role

from .models import Building, BuildingLeaderTerm, Dwelling


def building_create(
    *, code: str, name: str, floors: int, entrances: int = 1, address: str = ""
) -> Building:
    building = Building(code=code, name=name, floors=floors, entrances=entrances, address=address)
    building.full_clean()
    building.save()
    return building


def dwelling_create(
    *, building: Building, entrance: int, floor: int, room: str, area, **fields
) -> Dwelling:
    dwelling = Dwelling(
        building=building, entrance=entrance, floor=floor, room=room, area=area, **fields
    )
    dwelling.full_clean()
    dwelling.save()
    return dwelling


@transaction.atomic
def leader_term_start(
    *,
    building: Building,
    user,
    person=None,
    elected_on: datetime.date,
    started_on: datetime.date | None = None,
) -> BuildingLeaderTerm:
    """Record an election: the building's current term (if any) ends the day before the new
    one starts, so the old leader loses access and the new one gains it together."""
    started_on = started_on or elected_on
    previous = (
        BuildingLeaderTerm.objects.select_for_update()
        .filter(building=building, ended_on__isnull=True)
        .first()
    )
    if previous is not None:
        previous.ended_on = max(previous.started_on, started_on - datetime.timedelta(days=1))
        previous.save(update_fields=["ended_on"])
    term = BuildingLeaderTerm(
        building=building, user=user, person=person, elected_on=elected_on, started_on=started_on
    )
    term.full_clean()
    term.save()
    user.groups.add(Group.objects.get(name=Role.BUILDING_LEADER.value))
    return term


def leader_term_end(*, term: BuildingLeaderTerm, ended_on: datetime.date) -> BuildingLeaderTerm:
    term.ended_on = ended_on
    term.full_clean()
    term.save(update_fields=["ended_on"])
    return term


def dwellings_bulk_create(*, dwellings: list[Dwelling], user=None, reason: str = "") -> list:
    """Create many dwellings at once (the roster import's ``--create-dwellings``): each
    validated as ``dwelling_create`` validates it, written with its history in bulk."""
    from simple_history.utils import bulk_create_with_history

    for dwelling in dwellings:
        dwelling.full_clean(validate_unique=False, validate_constraints=False)
    with transaction.atomic():
        return bulk_create_with_history(
            dwellings,
            Dwelling,
            batch_size=2000,
            default_user=user,
            default_change_reason=reason[:100],
        )
