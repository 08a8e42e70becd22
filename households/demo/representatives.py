"""Demo household representatives (户长) for ``seed_demo`` (``DEMO_ACCOUNT_SEEDERS``: runs
after the demo accounts exist, appointed by the staff account; does nothing when it ran
before). In each of the two demo leaders' buildings, a resident of each of the first two
entrances looks after the other households of that entrance's lower floors."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from buildings.models import BuildingLeaderTerm
from households.models import Household, Person, Relationship
from households.representatives.models import HouseholdRepresentative
from households.representatives.services import household_assign, representative_appoint

HOUSEHOLDS_EACH = 5


@transaction.atomic
def seed_representatives(*, stdout=None):
    staff = get_user_model().objects.filter(username="staff").first()
    if staff is None or HouseholdRepresentative.objects.exists():
        return
    today = timezone.localdate()
    started = today.replace(day=1) - datetime.timedelta(days=180)
    appointed = 0
    terms = (
        BuildingLeaderTerm.objects.current().select_related("building").order_by("building__code")
    )
    for term in terms[:2]:
        building = term.building
        for entrance in (1, 2):
            households = list(
                Household.objects.filter(
                    is_active=True, dwelling__building=building, dwelling__entrance=entrance
                )
                .select_related("dwelling")
                .order_by("dwelling__floor", "dwelling__room")[: HOUSEHOLDS_EACH + 1]
            )
            if len(households) < 2:
                continue
            head = Person.objects.filter(
                household=households[0], relationship=Relationship.HEAD, is_active=True
            ).first()
            if head is None:
                continue
            rep = representative_appoint(
                building=building,
                person=head,
                started_on=started,
                actor=staff,
                note=f"{entrance}单元低层",
            )
            for household in households:
                household_assign(
                    representative=rep, household=household, started_on=started, actor=staff
                )
            appointed += 1
    if stdout is not None and appointed:
        stdout.write(f"Household representatives: {appointed}.")
