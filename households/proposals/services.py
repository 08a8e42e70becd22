"""Proposed changes to identity facts (name, ID number, relationship, leaving, a new
member): a building leader proposes, community staff approve or reject. Approval applies
the change through ``households.services`` in one transaction; nothing is applied before.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.idnumbers import normalize_id_number, parse_id_number
from core.notifications import notify
from households import services
from households.models import Household, LabourCapacity, LeftReason, Person, Relationship
from households.proposals.models import MemberChangeProposal
from households.selectors import households_for_user

# Facts that only change through a proposal; the rest of a member's facts a leader updates
# at once (households.checks).
IDENTITY_FIELDS = ["name", "id_number", "relationship"]
NEW_MEMBER_FIELDS = ["name", "id_number", "relationship", "labour_capacity", "phone"]


def _clean_identity(fields: dict, *, person: Person | None, household: Household) -> dict:
    """Normalise and validate proposed facts as the registry would, without writing."""
    errors = {}
    cleaned = {}
    for name, value in fields.items():
        if name == "id_number":
            value = normalize_id_number(value)
            try:
                parse_id_number(value)
            except ValidationError as exc:
                errors[name] = exc.messages
                continue
            # Whether another person holds the number is checked when staff approve: a
            # leader cannot probe the whole registry's ID numbers from here.
        elif name == "name":
            value = (value or "").strip()
            if not value:
                errors[name] = [_("Enter the name.")]
                continue
        elif name == "relationship":
            if value not in Relationship.values:
                errors[name] = [_("Choose a relationship to the head of household.")]
                continue
            if value == Relationship.HEAD and (person is None or not person.is_head):
                errors[name] = [
                    _("A new head of household is decided by community staff: say so in the note.")
                ]
                continue
        elif name == "labour_capacity" and value not in LabourCapacity.values:
            errors[name] = [_("Choose a labour capacity.")]
            continue
        cleaned[name] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def proposal_create_change(
    *, person: Person, proposed_by, fields: dict, note: str = ""
) -> MemberChangeProposal:
    """Propose new identity facts for ``person``: only the fields that differ are kept."""
    unknown = set(fields) - set(IDENTITY_FIELDS)
    if unknown:
        raise ValueError(f"not proposable: {sorted(unknown)}")
    changed = {k: v for k, v in fields.items() if v not in (None, "") and v != getattr(person, k)}
    changed = _clean_identity(changed, person=person, household=person.household)
    changed = {k: v for k, v in changed.items() if v != getattr(person, k)}
    if not changed:
        raise ValidationError(_("Nothing differs from the registry: there is nothing to propose."))
    return _save(
        MemberChangeProposal(
            household=person.household,
            person=person,
            kind=MemberChangeProposal.Kind.CHANGE,
            proposed=changed,
            base_version=person.version,
            proposed_by=proposed_by,
            note=note,
        )
    )


@transaction.atomic
def proposal_create_leave(
    *, person: Person, proposed_by, left_on: datetime.date, reason: str, note: str = ""
) -> MemberChangeProposal:
    if person.is_head:
        raise ValidationError(
            _("The head of household cannot leave: make another member head first.")
        )
    if not person.is_active:
        raise ValidationError(_("This person has already left the household."))
    if reason not in LeftReason.values:
        raise ValidationError({"reason": _("Choose why the person left.")})
    if left_on > timezone.localdate():
        raise ValidationError({"left_on": _("The date of leaving cannot be in the future.")})
    return _save(
        MemberChangeProposal(
            household=person.household,
            person=person,
            kind=MemberChangeProposal.Kind.LEAVE,
            proposed={"left_on": left_on.isoformat(), "reason": reason},
            base_version=person.version,
            proposed_by=proposed_by,
            note=note,
        )
    )


@transaction.atomic
def proposal_create_member(
    *, household: Household, proposed_by, fields: dict, note: str = ""
) -> MemberChangeProposal:
    unknown = set(fields) - set(NEW_MEMBER_FIELDS)
    if unknown:
        raise ValueError(f"not proposable: {sorted(unknown)}")
    missing = [
        f for f in ("name", "id_number", "relationship", "labour_capacity") if not fields.get(f)
    ]
    if missing:
        raise ValidationError({f: _("This field is required.") for f in missing})
    cleaned = _clean_identity(
        {k: v for k, v in fields.items() if k != "phone"}, person=None, household=household
    )
    info = parse_id_number(cleaned["id_number"])
    cleaned["sex"] = info.sex
    cleaned["birth_date"] = info.birth_date.isoformat()
    if fields.get("phone"):
        cleaned["phone"] = fields["phone"]
    return _save(
        MemberChangeProposal(
            household=household,
            kind=MemberChangeProposal.Kind.ADD,
            proposed=cleaned,
            proposed_by=proposed_by,
            note=note,
        )
    )


def _save(proposal: MemberChangeProposal) -> MemberChangeProposal:
    proposal.full_clean()
    proposal.save()
    return proposal


@transaction.atomic
def proposal_approve(
    *, proposal: MemberChangeProposal, reviewer, note: str = ""
) -> MemberChangeProposal:
    """Apply the proposal through the registry's services, all or nothing. A proposal made
    against facts that have changed since is refused and stays pending."""
    proposal = MemberChangeProposal.objects.select_for_update().get(pk=proposal.pk)
    if not proposal.is_pending:
        raise ValidationError(_("This proposal has already been decided."))
    reason = _("Proposed by %(who)s, approved by %(reviewer)s") % {
        "who": proposal.proposed_by.get_username(),
        "reviewer": reviewer.get_username(),
    }
    if proposal.kind == MemberChangeProposal.Kind.ADD:
        fields = dict(proposal.proposed)
        fields["birth_date"] = datetime.date.fromisoformat(fields["birth_date"])
        proposal.result_person = services.person_create(household=proposal.household, **fields)
    else:
        person = Person.objects.select_for_update().get(pk=proposal.person_id)
        if person.version != proposal.base_version:
            raise ValidationError(
                _(
                    "%(name)s's facts changed after this proposal was made, so it cannot be "
                    "applied as it stands. Check the current facts, then reject it with a reason "
                    "and ask for a new proposal."
                )
                % {"name": person.name}
            )
        person._change_reason = reason
        if proposal.kind == MemberChangeProposal.Kind.CHANGE:
            services.person_update(
                person=person, expected_version=person.version, **proposal.proposed
            )
        else:
            services.person_leave(
                person=person,
                expected_version=person.version,
                left_on=datetime.date.fromisoformat(proposal.proposed["left_on"]),
                reason=proposal.proposed["reason"],
            )
    proposal.state = MemberChangeProposal.State.APPROVED
    proposal.reviewed_by = reviewer
    proposal.reviewed_at = timezone.now()
    proposal.review_note = note
    proposal.full_clean()
    proposal.save(
        update_fields=["state", "reviewed_by", "reviewed_at", "review_note", "result_person"]
    )
    return proposal


@transaction.atomic
def proposal_reject(
    *, proposal: MemberChangeProposal, reviewer, reason: str
) -> MemberChangeProposal:
    proposal = MemberChangeProposal.objects.select_for_update().get(pk=proposal.pk)
    if not proposal.is_pending:
        raise ValidationError(_("This proposal has already been decided."))
    if not (reason or "").strip():
        raise ValidationError({"review_note": _("Say why the proposal is rejected.")})
    proposal.state = MemberChangeProposal.State.REJECTED
    proposal.reviewed_by = reviewer
    proposal.reviewed_at = timezone.now()
    proposal.review_note = reason.strip()
    proposal.full_clean()
    proposal.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_note"])
    _notify_proposer(proposal)
    return proposal


def _notify_proposer(proposal: MemberChangeProposal) -> None:
    """Tell the leader who proposed the change how it was decided, while they may still
    read the household: a leader whose term has ended is told nothing about it."""
    if not households_for_user(proposal.proposed_by).filter(pk=proposal.household_id).exists():
        return
    subject = proposal.person.name if proposal.person_id else proposal.proposed.get("name", "")
    if proposal.state == MemberChangeProposal.State.APPROVED:
        text = _("Your proposal (%(kind)s, %(name)s) was approved and applied.")
    else:
        text = _("Your proposal (%(kind)s, %(name)s) was rejected: %(reason)s")
    notify(
        users=[proposal.proposed_by],
        text=text
        % {"kind": proposal.get_kind_display(), "name": subject, "reason": proposal.review_note},
        url=reverse("mobile:household_detail", args=[proposal.household_id]),
    )


# Reads ----------------------------------------------------------------------------------


def proposals_for_user(user):
    """Proposals of the households the user may read, with what the pages show."""
    return MemberChangeProposal.objects.filter(
        household__in=households_for_user(user)
    ).select_related(
        "household__dwelling__building", "person", "proposed_by__profile", "reviewed_by__profile"
    )


def proposal_get_for_review(*, user, pk: int) -> MemberChangeProposal:
    try:
        proposal = proposals_for_user(user).get(pk=pk)
    except MemberChangeProposal.DoesNotExist:
        raise Http404 from None
    if not user.has_perm("households.review_memberchangeproposal"):
        # Only its author learns that it exists (and may not review it); for anyone else who
        # does not review proposals it is "not found", like a missing one (DESIGN.md, Access).
        if proposal.proposed_by_id == user.pk:
            raise PermissionDenied
        raise Http404
    return proposal


def proposal_rows(proposal: MemberChangeProposal, *, full_ids: bool) -> list[tuple[str, str, str]]:
    """(field label, current value, proposed value) for display."""
    rows = []
    person = proposal.person
    for name, value in proposal.proposed.items():
        if proposal.kind == MemberChangeProposal.Kind.LEAVE:
            field = Person._meta.get_field({"reason": "left_reason"}.get(name, name))
        else:
            field = Person._meta.get_field(name)
        current = getattr(person, field.name, "") if person is not None else ""
        rows.append(
            (
                str(field.verbose_name),
                _show(field, current, full_ids),
                _show(field, value, full_ids),
            )
        )
    return rows


def _show(field, value, full_ids):
    from core.idnumbers import mask_id_number

    if value in (None, ""):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.name == "id_number" and not full_ids:
        return mask_id_number(value)
    return str(value)
