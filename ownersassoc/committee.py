"""The owners' committee: its election, first meeting, filing, meetings and resolutions,
and the covenant and rules of procedure that general meetings adopt (DOMAIN.md §5). Reads
and writes in one module: the committee is small."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Prefetch
from django.http import Http404
from django.utils.translation import gettext as _

from .models import (
    COMMITTEE_MAX,
    COMMITTEE_MAX_TERM_YEARS,
    COMMITTEE_MIN,
    FIRST_MEETING_DAYS,
    CommitteeMeeting,
    CommitteeMember,
    CommitteeResolution,
    CommitteeTerm,
    GoverningDocument,
    Matter,
    Motion,
)
from .selectors import can_read, current_ownerships, meeting_tally


def _years_after(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _motion_passed(motion: Motion) -> bool:
    meeting = motion.meeting
    for result in meeting_tally(meeting=meeting).results:
        if result.motion.pk == motion.pk:
            return result.verdict.passed
    return False


# Reads -----------------------------------------------------------------------------------


def committee_terms_for_user(user):
    if not can_read(user):
        return CommitteeTerm.objects.none()
    return CommitteeTerm.objects.select_related("elected_by__meeting").annotate(
        member_count=Count("members")
    )


def committee_term_get_for_user(*, user, pk: int) -> CommitteeTerm:
    members = CommitteeMember.objects.select_related("person__household__dwelling__building")
    meetings = CommitteeMeeting.objects.prefetch_related(
        "present", Prefetch("resolutions", queryset=CommitteeResolution.objects.all())
    ).annotate(present_count=Count("present"))
    try:
        return (
            committee_terms_for_user(user)
            .prefetch_related(
                Prefetch("members", queryset=members.order_by("position", "pk")),
                Prefetch("meetings", queryset=meetings),
            )
            .get(pk=pk)
        )
    except CommitteeTerm.DoesNotExist:
        raise Http404 from None


def documents_for_user(user):
    if not can_read(user):
        return GoverningDocument.objects.none()
    return GoverningDocument.objects.select_related("adopted_by__meeting", "recorded_by")


# Writes ----------------------------------------------------------------------------------


@transaction.atomic
def committee_elect(
    *,
    elected_on: datetime.date,
    term_ends_on: datetime.date,
    people: list,
    elected_by: Motion | None = None,
) -> CommitteeTerm:
    """A committee of 5–11 members, an odd number, every one an owner in the register; a
    term of at most five years; elected by a passed motion on matter 3 when one is given."""
    errors: dict[str, list[str]] = {}
    ids = [p.pk for p in people]
    if len(set(ids)) != len(ids):
        errors["people"] = [_("A person is named twice.")]
    n = len(set(ids))
    if not COMMITTEE_MIN <= n <= COMMITTEE_MAX or n % 2 == 0:
        errors.setdefault("people", []).append(
            _("A committee has %(min)d to %(max)d members, an odd number; %(n)d were given.")
            % {"min": COMMITTEE_MIN, "max": COMMITTEE_MAX, "n": n}
        )
    owners = set(current_ownerships().filter(owner_id__in=ids).values_list("owner_id", flat=True))
    not_owners = [p.name for p in people if p.pk not in owners]
    if not_owners:
        errors.setdefault("people", []).append(
            _("Every member must be an owner; not in the owners' register: %(names)s.")
            % {"names": "、".join(not_owners)}
        )
    latest_end = _years_after(elected_on, COMMITTEE_MAX_TERM_YEARS)
    if term_ends_on > latest_end:
        errors["term_ends_on"] = [
            _("A term lasts at most %(years)d years: it ends on %(date)s at the latest.")
            % {"years": COMMITTEE_MAX_TERM_YEARS, "date": latest_end}
        ]
    if elected_by is not None:
        if elected_by.matter != Matter.COMMITTEE:
            errors["elected_by"] = [_("The motion must be on electing the owners' committee.")]
        elif not _motion_passed(elected_by):
            errors["elected_by"] = [_("This motion did not pass.")]
    if errors:
        raise ValidationError(errors)
    term = CommitteeTerm(elected_on=elected_on, term_ends_on=term_ends_on, elected_by=elected_by)
    term.full_clean()
    term.save()
    CommitteeMember.objects.bulk_create(CommitteeMember(term=term, person=p) for p in people)
    return term


@transaction.atomic
def committee_first_meeting(
    *,
    term: CommitteeTerm,
    held_on: datetime.date,
    chair: CommitteeMember,
    vice_chair: CommitteeMember,
) -> CommitteeTerm:
    """The first meeting, within 7 days of the election, chooses the chair and vice-chair."""
    term = CommitteeTerm.objects.select_for_update().get(pk=term.pk)
    errors: dict[str, list[str]] = {}
    if term.first_meeting_on is not None:
        raise ValidationError(_("The first meeting of this committee is already recorded."))
    if not term.elected_on <= held_on <= term.first_meeting_due_on():
        errors["held_on"] = [
            _("The first meeting is held within %(days)d days of the election: by %(date)s.")
            % {"days": FIRST_MEETING_DAYS, "date": term.first_meeting_due_on()}
        ]
    if chair.term_id != term.pk or vice_chair.term_id != term.pk:
        errors["chair"] = [_("The chair and vice-chair must be members of this committee.")]
    elif chair.pk == vice_chair.pk:
        errors["vice_chair"] = [_("The chair and the vice-chair are two different members.")]
    if errors:
        raise ValidationError(errors)
    term.first_meeting_on = held_on
    term.save(update_fields=["first_meeting_on"])
    CommitteeMember.objects.filter(pk=chair.pk).update(position=CommitteeMember.Position.CHAIR)
    CommitteeMember.objects.filter(pk=vice_chair.pk).update(
        position=CommitteeMember.Position.VICE_CHAIR
    )
    return term


def committee_filing_record(
    *,
    term: CommitteeTerm,
    filed_housing_on: datetime.date | None,
    filed_town_on: datetime.date | None,
) -> CommitteeTerm:
    errors = {}
    for name, day in (("filed_housing_on", filed_housing_on), ("filed_town_on", filed_town_on)):
        if day is not None and day < term.elected_on:
            errors[name] = [_("The filing cannot come before the election.")]
    if errors:
        raise ValidationError(errors)
    term.filed_housing_on, term.filed_town_on = filed_housing_on, filed_town_on
    term.save(update_fields=["filed_housing_on", "filed_town_on"])
    return term


@transaction.atomic
def committee_meeting_record(
    *,
    term: CommitteeTerm,
    held_on: datetime.date,
    present: list[CommitteeMember],
    minutes: str,
    resolutions: list[tuple[str, list[CommitteeMember]]],
    user,
) -> CommitteeMeeting:
    """A committee meeting: more than half of all members present; each resolution passes
    with more than half of all members in favour, who must be among those present."""
    members = {m.pk for m in term.members.all()}
    total = len(members)
    present_ids = {m.pk for m in present}
    errors: dict[str, list[str]] = {}
    if not present_ids <= members:
        errors["present"] = [_("Only members of this committee can be present.")]
    elif 2 * len(present_ids) <= total:
        errors["present"] = [
            _("More than half of the %(total)d members must be present; %(n)d were.")
            % {"total": total, "n": len(present_ids)}
        ]
    if not minutes.strip():
        errors["minutes"] = [_("Write the minutes of the meeting.")]
    for title, in_favour in resolutions:
        if not title.strip():
            errors["resolutions"] = [_("A resolution needs its text.")]
        elif not {m.pk for m in in_favour} <= present_ids:
            errors["resolutions"] = [_("Those in favour must be among the members present.")]
    if errors:
        raise ValidationError(errors)
    meeting = CommitteeMeeting(
        term=term, held_on=held_on, minutes=minutes.strip(), recorded_by=user
    )
    meeting.full_clean()
    meeting.save()
    meeting.present.set(present_ids)
    for title, in_favour in resolutions:
        resolution = CommitteeResolution.objects.create(
            meeting=meeting, title=title.strip(), passed=2 * len(set(in_favour)) > total
        )
        resolution.in_favour.set(in_favour)
    return meeting


@transaction.atomic
def document_adopt(*, kind: str, adopted_by: Motion, text: str, user) -> GoverningDocument:
    """A new version of the covenant (matter 2) or the rules of procedure (matter 1),
    adopted by a passed motion of a general meeting."""
    wanted = {
        GoverningDocument.Kind.COVENANT: Matter.COVENANT,
        GoverningDocument.Kind.RULES: Matter.RULES_OF_PROCEDURE,
    }
    errors = {}
    if adopted_by.matter != wanted.get(kind):
        errors["adopted_by"] = [_("The motion must be on this document (matter 1 or 2).")]
    elif not _motion_passed(adopted_by):
        errors["adopted_by"] = [_("This motion did not pass.")]
    if not text.strip():
        errors["text"] = [_("Give the text of the document.")]
    if errors:
        raise ValidationError(errors)
    # Two adoptions at once meet the unique (kind, version) constraint: the second fails.
    latest = GoverningDocument.objects.filter(kind=kind).aggregate(v=Max("version"))["v"] or 0
    document = GoverningDocument(
        kind=kind,
        version=latest + 1,
        adopted_by=adopted_by,
        adopted_on=adopted_by.meeting.held_on,
        text=text.strip(),
        recorded_by=user,
    )
    document.full_clean()
    document.save()
    return document
