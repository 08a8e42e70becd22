"""Hygiene checks (卫生检查): writes, scoped reads and the monthly ranking of buildings."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Count, F, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from buildings.hygiene.models import HygieneCheck
from buildings.models import Building
from buildings.selectors import buildings_for_user, leader_building_ids


@transaction.atomic
def hygiene_check_create(
    *,
    building: Building,
    checked_by,
    area: str,
    checked_on: datetime.date,
    score: int,
    problems: str = "",
    photo=None,
) -> HygieneCheck:
    check = HygieneCheck(
        building=building,
        checked_by=checked_by,
        area=area,
        checked_on=checked_on,
        score=score,
        problems=problems,
    )
    check.full_clean(exclude=["photo"])  # validate before the file is stored
    if photo:
        check.photo.save(photo.name, photo, save=False)
    check.save()
    return check


@transaction.atomic
def hygiene_check_fix(
    *, check: HygieneCheck, fixed_by, fixed_on: datetime.date, fix_note: str
) -> HygieneCheck:
    """Follow-up: the problem found in ``check`` has been fixed."""
    check = HygieneCheck.objects.select_for_update().get(pk=check.pk)
    if not check.problems:
        raise ValidationError(_("This check found no problem to fix."))
    if check.fixed_on is not None:
        raise ValidationError(_("This problem is already recorded as fixed."))
    if fixed_on > timezone.localdate():
        raise ValidationError({"fixed_on": _("The date fixed cannot be in the future.")})
    if fixed_on < check.checked_on:
        raise ValidationError({"fixed_on": _("The date fixed cannot be before the check.")})
    check.fixed_on, check.fixed_by, check.fix_note = fixed_on, fixed_by, fix_note
    check.full_clean()
    check.save(update_fields=["fixed_on", "fixed_by", "fix_note"])
    return check


def hygiene_checks_for_user(user):
    """Checks of the buildings the user sees, for the users who read hygiene checks at all
    (a department user reads the registry but not the checks: theirs is a 404, like a
    missing one, not a 403 that tells the check exists)."""
    if not user.has_perm("buildings.view_hygienecheck"):
        return HygieneCheck.objects.none()
    return HygieneCheck.objects.filter(building__in=buildings_for_user(user)).select_related(
        "building", "checked_by__profile", "fixed_by__profile"
    )


def leader_hygiene_checks(user):
    """The phone pages' scope: checks of the buildings of the user's current terms."""
    return hygiene_checks_for_user(user).filter(building_id__in=leader_building_ids(user))


def hygiene_check_get(*, user, pk: int, leader_only: bool = True) -> HygieneCheck:
    qs = leader_hygiene_checks(user) if leader_only else hygiene_checks_for_user(user)
    try:
        return qs.get(pk=pk)
    except HygieneCheck.DoesNotExist:
        raise Http404 from None


def hygiene_photo_get(*, user, pk: int) -> HygieneCheck:
    """The check whose photo the user asks for: 404 out of scope or without a photo."""
    check = hygiene_check_get(user=user, pk=pk, leader_only=False)
    if not check.photo:
        raise Http404
    return check


def open_problem_count(*, building_ids) -> int:
    return (
        HygieneCheck.objects.filter(building_id__in=building_ids, fixed_on__isnull=True)
        .exclude(problems="")
        .count()
    )


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = month.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following


def hygiene_ranking(*, user, month: datetime.date):
    """Buildings ranked by their average hygiene score in ``month`` (buildings without a
    check come last), with the number of checks and of problems still open."""
    first, following = month_bounds(month)
    in_month = Q(hygiene_checks__checked_on__gte=first, hygiene_checks__checked_on__lt=following)
    return (
        buildings_for_user(user)
        .annotate(
            average_score=Avg("hygiene_checks__score", filter=in_month),
            check_count=Count("hygiene_checks", filter=in_month),
            open_problems=Count(
                "hygiene_checks",
                filter=in_month
                & Q(hygiene_checks__fixed_on__isnull=True)
                & ~Q(hygiene_checks__problems=""),
            ),
        )
        .order_by(F("average_score").desc(nulls_last=True), "code")
    )
