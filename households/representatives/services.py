"""Writes of the household representatives (户长): appoint a resident of a building, end a
term (its households are released the same day), assign a household of the same building,
release one. Each check names the field in Chinese; the database constraints back the two
"at most one current" rules."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from buildings.models import Building
from households.models import Household, Person
from households.representatives.models import HouseholdRepresentative, RepresentedHousehold


def _lives_in(household: Household, building: Building) -> bool:
    return household.dwelling is not None and household.dwelling.building_id == building.pk


@transaction.atomic
def representative_appoint(
    *, building: Building, person: Person, started_on: datetime.date, actor, note: str = ""
) -> HouseholdRepresentative:
    household = person.household
    if not person.is_active or not household.is_active or not _lives_in(household, building):
        raise ValidationError(
            {
                "person": _("%(name)s does not live in %(building)s now.")
                % {"name": person.name, "building": building}
            }
        )
    if HouseholdRepresentative.objects.filter(person=person, ended_on__isnull=True).exists():
        raise ValidationError(
            {"person": _("%(name)s is already a current representative.") % {"name": person.name}}
        )
    rep = HouseholdRepresentative(
        building=building, person=person, started_on=started_on, appointed_by=actor, note=note
    )
    rep.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            rep.save()
    except IntegrityError:  # a second appointment saved meanwhile
        raise ValidationError(
            {"person": _("%(name)s is already a current representative.") % {"name": person.name}}
        ) from None
    return rep


@transaction.atomic
def representative_end(
    *, representative: HouseholdRepresentative, ended_on: datetime.date, actor
) -> HouseholdRepresentative:
    rep = HouseholdRepresentative.objects.select_for_update().get(pk=representative.pk)
    if rep.ended_on is not None:
        raise ValidationError({"ended_on": _("This term has ended already.")})
    if ended_on < rep.started_on:
        raise ValidationError({"ended_on": _("A term cannot end before it started.")})
    for assignment in rep.assignments.filter(ended_on__isnull=True):
        assignment.ended_on = max(ended_on, assignment.started_on)
        assignment._history_user = actor
        assignment.save(update_fields=["ended_on"])
    rep.ended_on = ended_on
    rep._history_user = actor
    rep.save(update_fields=["ended_on"])
    return rep


@transaction.atomic
def household_assign(
    *,
    representative: HouseholdRepresentative,
    household: Household,
    started_on: datetime.date,
    actor,
) -> RepresentedHousehold:
    rep = HouseholdRepresentative.objects.select_for_update().get(pk=representative.pk)
    if rep.ended_on is not None:
        raise ValidationError({"household": _("This representative's term has ended.")})
    if started_on < rep.started_on:
        raise ValidationError(
            {"started_on": _("A household cannot be assigned before the term started.")}
        )
    if not household.is_active or not _lives_in(household, rep.building):
        raise ValidationError(
            {
                "household": _("Household %(number)s does not live in %(building)s.")
                % {"number": household.number, "building": rep.building}
            }
        )
    current = (
        RepresentedHousehold.objects.filter(household=household, ended_on__isnull=True)
        .select_related("representative__person")
        .first()
    )
    if current is not None:
        raise ValidationError(
            {
                "household": _("Household %(number)s already has a representative: %(name)s.")
                % {"number": household.number, "name": current.representative.person.name}
            }
        )
    limit = settings.REPRESENTATIVE_MAX_HOUSEHOLDS
    if rep.assignments.filter(ended_on__isnull=True).count() >= limit:
        raise ValidationError(
            {
                "household": _("A representative looks after at most %(n)s households.")
                % {"n": limit}
            }
        )
    assignment = RepresentedHousehold(
        representative=rep, household=household, started_on=started_on, assigned_by=actor
    )
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError:  # another representative took the household meanwhile
        raise ValidationError(
            {
                "household": _("Household %(number)s already has a representative.")
                % {"number": household.number}
            }
        ) from None
    return assignment


@transaction.atomic
def household_release(
    *, assignment: RepresentedHousehold, ended_on: datetime.date, actor
) -> RepresentedHousehold:
    assignment = RepresentedHousehold.objects.select_for_update().get(pk=assignment.pk)
    if assignment.ended_on is not None:
        raise ValidationError({"household": _("This household was released already.")})
    if ended_on < assignment.started_on:
        raise ValidationError({"ended_on": _("An assignment cannot end before it started.")})
    assignment.ended_on = ended_on
    assignment._history_user = actor
    assignment.save(update_fields=["ended_on"])
    return assignment
