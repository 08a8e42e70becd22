"""What services adds to the building leaders' phone pages, reached from the registry only
through settings (``MOBILE_HOUSEHOLD_COUNTS``): the registry never imports services."""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from services.requests.models import OPEN_STATES, ResidentRequest


def open_requests_by_household(*, household_ids) -> dict[int, int]:
    """{household pk: number of its open requests}, one grouped query."""
    if not household_ids:
        return {}
    rows = (
        ResidentRequest.objects.filter(household_id__in=household_ids, state__in=OPEN_STATES)
        .values("household_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["household_id"]: row["n"] for row in rows}


open_requests_by_household.label = _("open requests")
