"""Importing a meeting's signed ballot sheets from an Excel sheet of the same shape as the
voting form: one row per owner, the owner's ID number, then one column per motion
("议题1", "议题2", …) holding 同意 / 反对 / 弃权. Every row is checked before any is written;
the rows are then written in one transaction, as confirmed staff-entered sheets."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from core.idnumbers import normalize_id_number
from households.selectors import people_for_user

from .models import Ballot, BallotSheet, OwnersMeeting
from .selectors import current_ownerships

ID_HEADER = "身份证号"
CHOICES = {"同意": "agree", "反对": "oppose", "弃权": "abstain"}
MAX_ROWS = 20000


def motion_header(number: int) -> str:
    return f"议题{number}"


def example_headers(meeting: OwnersMeeting) -> list[str]:
    return [ID_HEADER] + [motion_header(m.number) for m in meeting.motions.all()]


@dataclass
class ImportResult:
    created: int
    errors: list[str]


def ballots_import(*, meeting: OwnersMeeting, file, user) -> ImportResult:
    """Nothing is written when any row is wrong; each error names its row."""
    if meeting.ballots_closed:
        return ImportResult(0, [_("Ballot collection for this meeting is closed.")])
    motions = list(meeting.motions.order_by("number"))
    if not motions:
        return ImportResult(0, [_("This meeting has no motions to vote on.")])
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        return ImportResult(0, [_("The file is not an Excel workbook (.xlsx).")])
    rows = workbook.active.iter_rows(values_only=True)
    header = [str(c).strip() if c is not None else "" for c in next(rows, ())]
    wanted = [ID_HEADER] + [motion_header(m.number) for m in motions]
    missing = [h for h in wanted if h not in header]
    if missing:
        return ImportResult(
            0, [_("Columns missing from the first row: %(names)s.") % {"names": "、".join(missing)}]
        )
    index = {h: header.index(h) for h in wanted}

    parsed, errors = [], []
    for line, row in enumerate(rows, start=2):
        if line - 1 > MAX_ROWS:
            errors.append(_("At most %(n)d rows are read.") % {"n": MAX_ROWS})
            break
        if not any(c not in (None, "") for c in row):
            continue
        values = {h: (row[i] if i < len(row) else None) for h, i in index.items()}
        number = normalize_id_number(str(values[ID_HEADER] or ""))
        choices, row_errors = {}, []
        for motion in motions:
            value = str(values[motion_header(motion.number)] or "").strip()
            if value not in CHOICES:
                row_errors.append(
                    _("column %(col)s must be 同意, 反对 or 弃权, not “%(value)s”")
                    % {"col": motion_header(motion.number), "value": value}
                )
            else:
                choices[motion.pk] = CHOICES[value]
        if not number:
            row_errors.append(_("the ID number is empty"))
        if row_errors:
            errors.append(
                _("Row %(row)d: %(errors)s.") % {"row": line, "errors": "; ".join(row_errors)}
            )
        parsed.append((line, number, choices))
    if errors:
        return ImportResult(0, errors)

    numbers = [number for _line, number, _c in parsed]
    people = {p.id_number: p for p in people_for_user(user).filter(id_number__in=numbers)}
    owners = set(
        current_ownerships().filter(owner__in=people.values()).values_list("owner_id", flat=True)
    )
    voted = set(
        BallotSheet.objects.filter(meeting=meeting, owner__in=people.values())
        .exclude(status=BallotSheet.Status.REJECTED)
        .values_list("owner_id", flat=True)
    )
    seen: dict[str, int] = {}
    for line, number, _c in parsed:
        person = people.get(number)
        if person is None:
            errors.append(
                _("Row %(row)d: no resident has the ID number %(number)s.")
                % {"row": line, "number": number}
            )
        elif person.pk not in owners:
            errors.append(
                _("Row %(row)d: %(name)s owns no dwelling in the owners' register.")
                % {"row": line, "name": person.name}
            )
        elif person.pk in voted:
            errors.append(
                _("Row %(row)d: %(name)s has already voted in this meeting.")
                % {"row": line, "name": person.name}
            )
        elif number in seen:
            errors.append(
                _("Row %(row)d: the same owner as row %(first)d.")
                % {"row": line, "first": seen[number]}
            )
        seen.setdefault(number, line)
    if errors:
        return ImportResult(0, errors)
    try:
        _write(meeting=meeting, parsed=parsed, people=people, motions=motions, user=user)
    except IntegrityError:  # a sheet of one of these owners was entered meanwhile
        return ImportResult(0, [_("An owner of this file voted meanwhile: nothing was imported.")])
    return ImportResult(len(parsed), [])


@transaction.atomic
def _write(*, meeting, parsed, people, motions, user) -> None:
    OwnersMeeting.objects.select_for_update().get(pk=meeting.pk)  # one writer per meeting
    now = timezone.now()
    sheets = BallotSheet.objects.bulk_create(
        BallotSheet(
            meeting=meeting,
            owner=people[number],
            source=BallotSheet.Source.STAFF,
            status=BallotSheet.Status.CONFIRMED,
            signed_on=timezone.localdate(),
            collected_by=user,
            collected_at=now,
            reviewed_by=user,
            reviewed_at=now,
        )
        for _line, number, _c in parsed
    )
    Ballot.objects.bulk_create(
        Ballot(sheet=sheet, motion=motion, owner_id=sheet.owner_id, choice=choices[motion.pk])
        for sheet, (_line, _number, choices) in zip(sheets, parsed, strict=True)
        for motion in motions
    )
