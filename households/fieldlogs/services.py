"""Writes and reads of the leaders' home visits and policy publicity."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from buildings.selectors import buildings_for_user
from households.fieldlogs.models import PublicityRecord, Visit
from households.models import Household
from households.selectors import households_for_user


@transaction.atomic
def visit_create(
    *, household: Household, visited_by, visited_on: datetime.date, reason: str, note: str = ""
) -> Visit:
    visit = Visit(
        household=household, visited_by=visited_by, visited_on=visited_on, reason=reason, note=note
    )
    visit.full_clean()
    visit.save()
    return visit


@transaction.atomic
def publicity_create(
    *,
    building,
    households,
    recorded_by,
    topic: str,
    title: str,
    held_on: datetime.date,
    note: str = "",
) -> PublicityRecord:
    households = list(households)
    outside = [
        h.number for h in households if h.dwelling is None or h.dwelling.building_id != building.pk
    ]
    if outside:
        raise ValidationError(
            {
                "households": _("These households do not live in %(building)s: %(numbers)s")
                % {"building": building, "numbers": "、".join(outside)}
            }
        )
    record = PublicityRecord(
        building=building,
        recorded_by=recorded_by,
        topic=topic,
        title=title,
        held_on=held_on,
        note=note,
    )
    record.full_clean()
    record.save()
    record.households.set(households)
    return record


def visits_for_user(user):
    return (
        Visit.objects.filter(household__in=households_for_user(user))
        .select_related("household__dwelling__building", "visited_by__profile")
        .order_by("-visited_on", "-recorded_at")
    )


def publicity_for_user(user):
    from django.db.models import Count

    return (
        PublicityRecord.objects.filter(building__in=buildings_for_user(user))
        .select_related("building", "recorded_by__profile")
        .annotate(household_count=Count("households"))
        .order_by("-held_on", "-recorded_at")
    )
