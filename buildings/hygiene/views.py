"""Desktop page for community staff: the monthly hygiene ranking of buildings."""

import datetime

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone

from buildings.hygiene import services as hygiene
from community.roles import sees_whole_registry


def _month(value: str | None) -> datetime.date:
    try:
        return datetime.datetime.strptime(value or "", "%Y-%m").date()
    except ValueError:
        return timezone.localdate().replace(day=1)


def hygiene_ranking(request):
    if not (
        sees_whole_registry(request.user) and request.user.has_perm("buildings.view_hygienecheck")
    ):
        raise PermissionDenied
    month = _month(request.GET.get("month"))
    first, following = hygiene.month_bounds(month)
    checks = (
        hygiene.hygiene_checks_for_user(request.user)
        .filter(checked_on__gte=first, checked_on__lt=following)
        .order_by("building__code", "-checked_on")
    )
    return render(
        request,
        "buildings/hygiene_ranking.html",
        {
            "month": month,
            "previous": (first - datetime.timedelta(days=1)).replace(day=1),
            "next": following,
            "ranking": hygiene.hygiene_ranking(user=request.user, month=month),
            "checks": checks,
        },
    )
