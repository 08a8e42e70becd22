"""Writes of the owners' side: the owners' register, meetings, motions and ballot sheets."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from buildings.models import Dwelling
from households.selectors import people_for_user

from .models import NOTICE_DAYS, Ballot, BallotSheet, Motion, Ownership, OwnersMeeting
from .selectors import current_ownerships, register_is_empty, register_totals

# The owners' register ----------------------------------------------------------------------


@transaction.atomic
def owners_register_derive(*, user, today: datetime.date | None = None) -> int:
    """Build the register from the allocations the first time it is opened: the head of the
    active household living in each allocated dwelling becomes its owner (a lawful occupant
    counts before the title is registered). Once any ownership exists the register is kept
    by staff and this does nothing. Returns the number of ownerships created."""
    if not register_is_empty():
        return 0
    today = today or timezone.localdate()
    heads = (
        people_for_user(user)
        .filter(
            relationship="01",
            is_active=True,
            household__is_active=True,
            household__dwelling__allocation_state__in=[
                Dwelling.AllocationState.ALLOCATED,
                Dwelling.AllocationState.OCCUPIED,
            ],
        )
        .select_related("household")
        .order_by("household__dwelling_id", "household__move_in_date", "pk")
    )
    rows, seen = [], set()
    for head in heads.iterator(chunk_size=2000):
        dwelling_id = head.household.dwelling_id
        if dwelling_id in seen:  # two households in one flat: the first moved in owns it
            continue
        seen.add(dwelling_id)
        rows.append(
            Ownership(
                dwelling_id=dwelling_id,
                owner=head,
                started_on=head.household.move_in_date or today,
                derived=True,
            )
        )
    # ignore_conflicts: a second staff member opening the register at the same moment
    # meets the one-current-owner constraint instead of adding duplicates.
    Ownership.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return len(rows)


@transaction.atomic
def ownership_start(
    *,
    dwelling: Dwelling,
    owner,
    started_on: datetime.date,
    certificate_number: str = "",
) -> Ownership:
    """Record a dwelling's (new) owner; the previous owner's period ends the day before."""
    previous = (
        Ownership.objects.select_for_update()
        .filter(dwelling=dwelling, ended_on__isnull=True)
        .first()
    )
    if previous is not None:
        if previous.owner_id == owner.pk:
            raise ValidationError(
                {"owner": _("This person is already the current owner of this dwelling.")}
            )
        if started_on <= previous.started_on:
            raise ValidationError(
                {
                    "started_on": _(
                        "The new owner must start after the current owner (from %(date)s)."
                    )
                    % {"date": previous.started_on}
                }
            )
        previous.ended_on = started_on - datetime.timedelta(days=1)
        previous.save(update_fields=["ended_on"])
    ownership = Ownership(
        dwelling=dwelling,
        owner=owner,
        started_on=started_on,
        certificate_number=certificate_number.strip(),
    )
    ownership.full_clean()
    ownership.save()
    return ownership


def ownership_end(*, ownership: Ownership, ended_on: datetime.date) -> Ownership:
    """The owner no longer owns the dwelling (sold back, for example): the dwelling joins
    the unallocated group until a new owner is recorded."""
    ownership.ended_on = ended_on
    ownership.full_clean()
    ownership.save(update_fields=["ended_on"])
    return ownership


# Meetings and motions --------------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *,
    title: str,
    kind: str,
    form: str,
    notice_date: datetime.date,
    held_on: datetime.date,
    copied_to_residents_committee: bool,
    requested_area: Decimal | None = None,
    requested_owners: int | None = None,
    user,
) -> OwnersMeeting:
    """A general meeting. The notice must reach all owners at least 15 days before and be
    copied to the residents' committee; an extraordinary meeting must be requested by owners
    holding at least 20 % of the area and being at least 20 % of the owners (DOMAIN.md §4),
    checked against the owners' register."""
    meeting = OwnersMeeting(
        title=title,
        kind=kind,
        form=form,
        notice_date=notice_date,
        held_on=held_on,
        copied_to_residents_committee=copied_to_residents_committee,
        requested_area=requested_area,
        requested_owners=requested_owners,
        created_by=user,
    )
    errors: dict[str, list[str]] = {}
    if (held_on - notice_date).days < NOTICE_DAYS:
        errors["notice_date"] = [
            _(
                "The notice must be given at least %(days)d days before the meeting: "
                "on %(date)s at the latest."
            )
            % {"days": NOTICE_DAYS, "date": meeting.notice_deadline()}
        ]
    if not copied_to_residents_committee:
        errors["copied_to_residents_committee"] = [
            _("The notice must be copied to the residents' committee.")
        ]
    if kind == OwnersMeeting.Kind.EXTRAORDINARY:
        totals = register_totals()
        if requested_area is None:
            errors["requested_area"] = [
                _("An extraordinary meeting needs the area of the owners requesting it.")
            ]
        elif 5 * requested_area < totals.total_area:
            errors["requested_area"] = [
                _(
                    "The owners requesting an extraordinary meeting must hold at least 20 %% of "
                    "the area: %(need)s m² of %(total)s m²."
                )
                % {"need": totals.total_area / 5, "total": totals.total_area}
            ]
        elif requested_area > totals.total_area:
            errors["requested_area"] = [_("This is more than the total area of the register.")]
        if requested_owners is None:
            errors["requested_owners"] = [
                _("An extraordinary meeting needs the number of owners requesting it.")
            ]
        elif 5 * requested_owners < totals.total_owners:
            errors["requested_owners"] = [
                _(
                    "The owners requesting an extraordinary meeting must be at least 20 %% of "
                    "the owners: %(need)s of %(total)d."
                )
                % {"need": -(-totals.total_owners // 5), "total": totals.total_owners}
            ]
        elif requested_owners > totals.total_owners:
            errors["requested_owners"] = [_("This is more than the number of owners.")]
    else:
        meeting.requested_area = meeting.requested_owners = None
    try:
        meeting.full_clean()
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    meeting.save()
    return meeting


def _refuse_if_closed(meeting: OwnersMeeting) -> None:
    if meeting.ballots_closed:
        raise ValidationError(_("Ballot collection for this meeting is closed."))


@transaction.atomic
def motion_add(*, meeting: OwnersMeeting, title: str, matter: int, text: str = "") -> Motion:
    """A motion on the agenda. Motions are fixed once the first ballot is in: the owners
    signed their forms on the motions as they stood."""
    meeting = OwnersMeeting.objects.select_for_update().get(pk=meeting.pk)
    _refuse_if_closed(meeting)
    if BallotSheet.objects.filter(meeting=meeting).exists():
        raise ValidationError(_("Ballots are already in: the agenda can no longer change."))
    number = meeting.motions.count() + 1
    motion = Motion(meeting=meeting, number=number, title=title, matter=matter, text=text)
    motion.full_clean()
    motion.save()
    return motion


def meeting_close_ballots(*, meeting: OwnersMeeting) -> OwnersMeeting:
    meeting.ballots_closed = True
    meeting.save(update_fields=["ballots_closed"])
    return meeting


# Ballot sheets ---------------------------------------------------------------------------


@transaction.atomic
def sheet_record(
    *,
    meeting: OwnersMeeting,
    owner,
    choices: dict[int, str],
    source: str,
    user,
    signed_on: datetime.date | None = None,
    photo=None,
) -> BallotSheet:
    """One owner's signed form: a choice on every motion. ``owner`` None is the sheet of the
    unallocated dwellings (staff only). Staff enter sheets from signed forms and they count
    at once; a building leader's sheet needs its photo and waits for staff to confirm it.
    An owner who already has a live sheet is refused: nothing is replaced."""
    meeting = OwnersMeeting.objects.select_for_update().get(pk=meeting.pk)
    _refuse_if_closed(meeting)
    motions = list(meeting.motions.order_by("number"))
    if not motions:
        raise ValidationError(_("This meeting has no motions to vote on."))
    errors: dict[str, list[str]] = {}
    for motion in motions:
        if choices.get(motion.pk) not in Ballot.Choice.values:
            errors[f"motion_{motion.pk}"] = [
                _("Motion %(number)d: choose agree, oppose or abstain.") % {"number": motion.number}
            ]
    if owner is None:
        if source != BallotSheet.Source.STAFF:
            errors["owner"] = [_("Only staff record the sheet of the unallocated dwellings.")]
        elif not register_totals().unowned_dwellings:
            errors["owner"] = [_("Every dwelling has an owner: there is no unallocated group.")]
    elif not current_ownerships().filter(owner=owner).exists():
        errors["owner"] = [
            _("%(name)s owns no dwelling in the owners' register.") % {"name": owner.name}
        ]
    if source == BallotSheet.Source.LEADER and not photo:
        errors["photo"] = [_("Take a photo of the signed form.")]
    live = BallotSheet.objects.filter(meeting=meeting, owner=owner).exclude(
        status=BallotSheet.Status.REJECTED
    )
    if live.exists():
        errors.setdefault("owner", []).append(
            _("This owner has already voted in this meeting: the earlier ballot stands.")
        )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    confirmed = source == BallotSheet.Source.STAFF
    sheet = BallotSheet(
        meeting=meeting,
        owner=owner,
        source=source,
        status=BallotSheet.Status.CONFIRMED if confirmed else BallotSheet.Status.PENDING,
        signed_on=signed_on or timezone.localdate(),
        collected_by=user,
        collected_at=now,
        reviewed_by=user if confirmed else None,
        reviewed_at=now if confirmed else None,
    )
    sheet.full_clean(exclude=["photo"])  # validate before the file is stored
    if photo:
        sheet.photo.save(photo.name, photo, save=False)
    try:
        with transaction.atomic():
            sheet.save()
            Ballot.objects.bulk_create(
                Ballot(sheet=sheet, motion=m, owner=owner, choice=choices[m.pk]) for m in motions
            )
    except IntegrityError:
        raise ValidationError(
            {
                "owner": [
                    _("This owner has already voted in this meeting: the earlier ballot stands.")
                ]
            }
        ) from None
    return sheet


@transaction.atomic
def sheet_confirm(*, sheet: BallotSheet, user) -> BallotSheet:
    sheet = BallotSheet.objects.select_for_update().get(pk=sheet.pk)
    if sheet.status != BallotSheet.Status.PENDING:
        raise ValidationError(_("This sheet has already been reviewed."))
    sheet.status = BallotSheet.Status.CONFIRMED
    sheet.reviewed_by, sheet.reviewed_at = user, timezone.now()
    sheet.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    return sheet


@transaction.atomic
def sheet_reject(*, sheet: BallotSheet, user, reason: str) -> BallotSheet:
    """The photo does not show a form signed by the owner (or shows other choices): the
    sheet is kept with the reason, its ballots go, and the owner may be asked again."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"rejection_reason": [_("Say why the sheet is rejected.")]})
    sheet = BallotSheet.objects.select_for_update().get(pk=sheet.pk)
    if sheet.status != BallotSheet.Status.PENDING:
        raise ValidationError(_("This sheet has already been reviewed."))
    sheet.ballots.all().delete()
    sheet.status = BallotSheet.Status.REJECTED
    sheet.rejection_reason = reason
    sheet.reviewed_by, sheet.reviewed_at = user, timezone.now()
    sheet.save(update_fields=["status", "rejection_reason", "reviewed_by", "reviewed_at"])
    return sheet
