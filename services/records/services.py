"""Every write to the obligation records. The unit's pages, staff pages and seed data call
these functions; ``recorded_unit`` and ``recorded_by`` always come from the user here."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import Department
from community.roles import Role
from community.selectors import unit_members
from core.notifications import notify
from core.versioning import save_versioned
from households.models import HukouStatus, Person
from households.services import person_update
from services.records.base import months_before, years_after
from services.records.kinds import HOUSEHOLD, KINDS, PERSON, RecordKind, kind_of
from services.records.models import (
    Allowance,
    HukouMigration,
    LandHolding,
    LandRightEvent,
    ResidencePermit,
    SchoolEnrolment,
)
from services.records.selectors import (
    can_edit_record,
    is_records_staff,
    recordable_kinds,
    recording_unit_of,
)

HUKOU_OF_MIGRATION = {
    HukouMigration.Status.MOVED: HukouStatus.MOVED,
    HukouMigration.Status.KEPT: HukouStatus.ORIGIN,
    HukouMigration.Status.IN_PROGRESS: HukouStatus.IN_PROGRESS,
}
LAND_EVENT_FIELDS = ("kind", "happened_on", "counterparty", "income", "notice_given_on", "note")


def _subkind_labels(kind: RecordKind, unit_code: str) -> str:
    labels = dict(kind.model._meta.get_field("kind").flatchoices)
    return "、".join(str(labels[v]) for v in kind.unit_subkinds.get(unit_code, ()))


def _recording_unit(
    *, user, kind: RecordKind, unit: Department | None, subkind: str | None
) -> Department:
    """The unit a new record is made for. A department user records for their own unit
    and only kinds it owns (PermissionDenied otherwise); staff choose the unit."""
    if not user.has_perm(f"services.add_{kind.model._meta.model_name}"):
        raise PermissionDenied
    if is_records_staff(user):
        if unit is None:
            raise ValidationError({"unit": _("Choose the unit on whose behalf you record this.")})
        if unit.code not in kind.units:
            raise ValidationError(
                {
                    "unit": _("%(unit)s is not responsible for %(kind)s.")
                    % {"unit": unit, "kind": kind.label}
                }
            )
    else:
        own = recording_unit_of(user)
        if own is None or own.code not in kind.units or (unit is not None and unit.pk != own.pk):
            raise PermissionDenied
        unit = own
    if not kind.unit_may_record(unit.code, subkind):
        raise ValidationError(
            {
                "kind": _("%(unit)s records only: %(kinds)s.")
                % {"unit": unit, "kinds": _subkind_labels(kind, unit.code)}
            }
        )
    return unit


def _check_subject_active(kind: RecordKind, fields: dict) -> None:
    subject = fields.get(kind.subject)
    if subject is None:
        message = _("Choose the person.") if kind.subject == PERSON else _("Choose the household.")
        raise ValidationError({kind.subject: message})
    if kind.subject == PERSON and not (subject.is_active and subject.household.is_active):
        raise ValidationError(
            {"person": _("%(name)s no longer lives in the community.") % {"name": subject.name}}
        )
    if kind.subject == HOUSEHOLD and not subject.is_active:
        raise ValidationError(
            {"household": _("Household %(number)s has moved out.") % {"number": subject.number}}
        )


def _allowed_fields(kind: RecordKind) -> set[str]:
    extra = {"person"} if kind.key == "allowance" else set()
    return set(kind.fields) | extra


# Free text: a record with the same facts and another remark is still the same record.
NOT_COMPARED = {"note"}


def _refuse_duplicate(model, *, subject_lock, label, **facts) -> None:
    """Refuse a record whose facts equal those of one already kept (a form sent twice).
    The subject's row is locked first, so two identical submissions at once cannot both
    pass the check."""
    subject_lock.select_for_update().get()
    compared = {k: v for k, v in facts.items() if k not in NOT_COMPARED}
    earlier = model.objects.filter(**compared).order_by("pk").first()
    if earlier is not None:
        raise ValidationError(
            _(
                "This %(kind)s is already recorded (the same facts were saved on %(at)s by "
                "%(unit)s): it was not saved again."
            )
            % {
                "kind": label,
                "at": timezone.localtime(earlier.recorded_at).strftime("%Y-%m-%d %H:%M"),
                "unit": earlier.recorded_unit,
            },
            code="duplicate",
        )


def _subject_lock(subject):
    return type(subject).objects.filter(pk=subject.pk)


@transaction.atomic
def record_create(*, user, record_kind: str, unit: Department | None = None, **fields):
    """Record what a unit delivered. ``record_kind``: a key of ``services.records.kinds.KINDS``;
    ``fields``: that kind's form fields plus its subject (``person`` or ``household``)."""
    spec = KINDS[record_kind]
    unknown = set(fields) - _allowed_fields(spec) - {spec.subject}
    if unknown:
        raise ValueError(f"not recordable: {sorted(unknown)}")
    unit = _recording_unit(user=user, kind=spec, unit=unit, subkind=fields.get("kind"))
    _check_subject_active(spec, fields)
    _refuse_duplicate(
        spec.model,
        subject_lock=_subject_lock(fields[spec.subject]),
        label=spec.label_singular,
        **fields,
    )
    record = spec.model(**fields, recorded_unit=unit, recorded_by=user)
    if isinstance(record, ResidencePermit) and record.issued_on and not record.valid_until:
        record.valid_until = years_after(record.issued_on)
    if isinstance(record, SchoolEnrolment) and record.status == SchoolEnrolment.Status.REFUSED:
        record.escalated_at = timezone.now()
    record.full_clean()
    record._history_user = user
    record.save()
    _after_save(
        record,
        user=user,
        escalate=getattr(record, "escalated_at", None) is not None,
        status_changed=True,
    )
    return record


@transaction.atomic
def record_update(*, user, record, expected_version: int, **fields):
    """Change a record. Only staff or the unit that recorded it may (PermissionDenied)."""
    spec = kind_of(record)
    unknown = set(fields) - _allowed_fields(spec)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if not can_edit_record(user, record):
        raise PermissionDenied
    if "kind" in fields and spec.unit_subkinds:
        unit = (
            record.recorded_unit
        )  # the record stays the recording unit's: it must own the new kind
        if not spec.unit_may_record(unit.code, fields["kind"]):
            raise ValidationError(
                {
                    "kind": _("%(unit)s records only: %(kinds)s.")
                    % {"unit": unit, "kinds": _subkind_labels(spec, unit.code)}
                }
            )
    old_status = getattr(record, "status", None)
    for name, value in fields.items():
        setattr(record, name, value)
    update_fields = list(fields)
    escalate = (
        isinstance(record, SchoolEnrolment)
        and record.status == SchoolEnrolment.Status.REFUSED
        and record.escalated_at is None
    )
    if escalate:
        record.escalated_at = timezone.now()
        update_fields.append("escalated_at")
    record.full_clean()
    record._history_user = user
    save_versioned(record, expected_version=expected_version, update_fields=update_fields)
    _after_save(
        record,
        user=user,
        escalate=escalate,
        status_changed=getattr(record, "status", None) != old_status,
    )
    return record


def _after_save(record, *, user, escalate: bool, status_changed: bool) -> None:
    if escalate:
        _notify_refusal(record)
    if isinstance(record, HukouMigration) and status_changed:
        person = Person.objects.select_for_update().get(pk=record.person_id)
        wanted = HUKOU_OF_MIGRATION[record.status]
        if person.hukou_status != wanted:
            person._history_user = user
            person_update(person=person, expected_version=person.version, hukou_status=wanted)


def refusal_recipients():
    """Users told of a school's refusal: the education bureau's and the supervisors'."""
    units = Department.objects.filter(Q(code="education") | Q(supervises=True))
    return (
        get_user_model()
        .objects.filter(
            Q(pk__in=unit_members(unit_ids=units.values("pk")).values("pk"))
            | Q(is_active=True, groups__name=Role.SUPERVISOR.value)
        )
        .distinct()
    )


def refusal_url(enrolment: SchoolEnrolment) -> str:
    return reverse("services:record_detail", kwargs={"kind": "schoolenrolment", "pk": enrolment.pk})


def refusal_text(enrolment: SchoolEnrolment) -> str:
    return _(
        "School refusal: %(school)s refused %(name)s (%(reason)s). The plan forbids refusals."
    ) % {
        "school": enrolment.school,
        "name": enrolment.person.name,
        "reason": enrolment.reason,
    }


def _notify_refusal(enrolment: SchoolEnrolment) -> None:
    recipients = refusal_recipients().values_list("pk", flat=True)
    notify(users=recipients, text=refusal_text(enrolment), url=refusal_url(enrolment))


@transaction.atomic
def residence_permit_endorse(
    *, user, permit: ResidencePermit, endorsed_on: datetime.date, expected_version: int
) -> ResidencePermit:
    """The annual endorsement (签注), due in the month before ``valid_until``: moves
    ``valid_until`` a year on. A late one ends the suspension and starts a new year from
    the day it is made (DOMAIN.md §7; 居住证暂行条例 Art. 15)."""
    if not can_edit_record(user, permit):
        raise PermissionDenied
    opens_on = months_before(permit.valid_until, 1)
    if endorsed_on < opens_on:
        raise ValidationError(
            {
                "endorsed_on": _(
                    "The endorsement is due in the month before %(due)s: not before %(opens)s."
                )
                % {"due": permit.valid_until.isoformat(), "opens": opens_on.isoformat()}
            }
        )
    if endorsed_on > timezone.localdate():
        raise ValidationError({"endorsed_on": _("The endorsement date cannot be in the future.")})
    if endorsed_on <= permit.valid_until:
        permit.valid_until = years_after(permit.valid_until)
    else:
        permit._change_reason = _("Endorsed late: suspended from %(from)s to %(to)s") % {
            "from": (permit.valid_until + datetime.timedelta(days=1)).isoformat(),
            "to": endorsed_on.isoformat(),
        }
        permit.valid_until = years_after(endorsed_on)
    permit.last_endorsed_on = endorsed_on
    permit.full_clean()
    permit._history_user = user
    save_versioned(
        permit, expected_version=expected_version, update_fields=["valid_until", "last_endorsed_on"]
    )
    return permit


def _may_live_as_urban(household_id: int, day: datetime.date) -> bool:
    """Urban 低保 needs a member whose hukou moved to the community or who holds a
    residence permit valid on ``day`` (plan measure 6.4)."""
    moved = Person.objects.filter(
        household_id=household_id, is_active=True, hukou_status=HukouStatus.MOVED
    )
    permits = ResidencePermit.objects.filter(
        person__household_id=household_id, issued_on__lte=day, valid_until__gte=day
    )
    return moved.exists() or permits.exists()


@transaction.atomic
def allowance_convert(
    *,
    user,
    allowance: Allowance,
    converted_on: datetime.date,
    monthly_amount: Decimal,
    expected_version: int,
    unit: Department | None = None,
) -> Allowance:
    """Switch 低保 between rural and urban: the current one ends the day before
    ``converted_on`` and the other starts that day, linked by ``converted_from``."""
    dibao = (Allowance.Kind.DIBAO_RURAL, Allowance.Kind.DIBAO_URBAN)
    if allowance.kind not in dibao:
        raise ValidationError(
            {"kind": _("Only the minimum living allowance converts between rural and urban.")}
        )
    target = (
        Allowance.Kind.DIBAO_URBAN
        if allowance.kind == Allowance.Kind.DIBAO_RURAL
        else Allowance.Kind.DIBAO_RURAL
    )
    unit = _recording_unit(user=user, kind=KINDS["allowance"], unit=unit, subkind=target)
    if Allowance.objects.filter(converted_from=allowance).exists():
        raise ValidationError(_("This allowance has been converted already."))
    if converted_on <= allowance.started_on:
        raise ValidationError(
            {"converted_on": _("The conversion date must be after the allowance started.")}
        )
    if allowance.ended_on is not None and allowance.ended_on < converted_on:
        raise ValidationError({"converted_on": _("The allowance had ended before that date.")})
    if target == Allowance.Kind.DIBAO_URBAN and not _may_live_as_urban(
        allowance.household_id, converted_on
    ):
        raise ValidationError(
            {
                "converted_on": _(
                    "Urban allowance needs a member whose hukou moved here or who holds a valid residence permit."
                )
            }
        )
    allowance.ended_on = converted_on - datetime.timedelta(days=1)
    allowance._history_user = user
    allowance._change_reason = _("Converted to %(kind)s") % {"kind": Allowance.Kind(target).label}
    save_versioned(allowance, expected_version=expected_version, update_fields=["ended_on"])
    new = Allowance(
        household_id=allowance.household_id,
        person_id=allowance.person_id,
        kind=target,
        started_on=converted_on,
        monthly_amount=monthly_amount,
        converted_from=allowance,
        recorded_unit=unit,
        recorded_by=user,
    )
    new.full_clean()
    new._history_user = user
    new.save()
    return new


@transaction.atomic
def land_right_event_create(
    *, user, holding: LandHolding, unit: Department | None = None, **fields
) -> LandRightEvent:
    """Record a transfer, swap, lease, shares, mortgage, withdrawal or expropriation of a
    holding (DOMAIN.md §9). A withdrawal needs written notice six months ahead."""
    unknown = set(fields) - set(LAND_EVENT_FIELDS)
    if unknown:
        raise ValueError(f"not recordable: {sorted(unknown)}")
    unit = _recording_unit(user=user, kind=KINDS["landholding"], unit=unit, subkind=holding.kind)
    _refuse_duplicate(
        LandRightEvent,
        subject_lock=_subject_lock(holding),
        label=LandRightEvent._meta.verbose_name,
        holding=holding,
        **fields,
    )
    event = LandRightEvent(holding=holding, **fields, recorded_unit=unit, recorded_by=user)
    event.full_clean()
    event._history_user = user
    event.save()
    return event


@transaction.atomic
def training_willingness_set(
    *, user, person: Person, willingness: str, expected_version: int
) -> Person:
    """A unit that records training notes whether the person is willing to train; the
    registry's own service makes the change."""
    if not any(k.key == "training" for k in recordable_kinds(user)):
        raise PermissionDenied
    person._history_user = user
    return person_update(
        person=person, expected_version=expected_version, training_willingness=willingness
    )
