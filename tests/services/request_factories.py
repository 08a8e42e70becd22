import datetime

import factory
from django.utils import timezone

from services.requests.models import RequestEvent, ResidentRequest, State, Urgency
from services.requests.services import request_deadline
from tests.households.factories import HouseholdFactory, UserFactory


class ResidentRequestFactory(factory.django.DjangoModelFactory):
    """A submitted request of a household; pass ``state=``, ``unit=``… for later states."""

    class Meta:
        model = ResidentRequest
        skip_postgeneration_save = True

    household = factory.SubFactory(HouseholdFactory)
    building = factory.LazyAttribute(lambda o: o.household.dwelling.building)
    category = "repairs"
    description = "卫生间水管漏水"
    urgency = Urgency.NORMAL
    filed_by = factory.SubFactory(UserFactory)
    filed_at = factory.LazyFunction(timezone.now)
    deadline = factory.LazyAttribute(
        lambda o: request_deadline(filed_at=o.filed_at, urgency=o.urgency)
    )
    state = State.SUBMITTED

    @factory.post_generation
    def submitted_event(obj, create, extracted, **kwargs):
        if create:
            RequestEvent.objects.create(
                request=obj,
                from_state="",
                to_state=State.SUBMITTED,
                actor=obj.filed_by,
                at=obj.filed_at,
            )


def days_ago(n: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=n)
