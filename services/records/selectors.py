"""Reads of the obligation records, scoped to the user.

- Community staff, administrators, supervisors and users of a supervising unit (the town
  government, the poverty-alleviation office) read every record.
- A department user reads the kinds their unit owns (``services.records.kinds.KINDS``), limited to
  the sub-kinds the unit records (the women's federation reads women's assistance only),
  and changes only the records their own unit made.
- A building leader reads the records of the people and households of their buildings.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from buildings.selectors import leader_building_ids
from community.roles import Role, has_role
from community.selectors import department_of_user
from services.records.kinds import HOUSEHOLD, KINDS, RecordKind, kind_of, kinds_owned_by


def is_records_staff(user) -> bool:
    """Staff and administrators record any kind on behalf of a unit they choose."""
    return has_role(user, Role.STAFF, Role.ADMINISTRATOR)


def recording_unit_of(user):
    """The unit a department user records for, or None."""
    if not has_role(user, Role.DEPARTMENT):
        return None
    return department_of_user(user)


def reads_all_records(user) -> bool:
    if has_role(user, Role.STAFF, Role.ADMINISTRATOR, Role.SUPERVISOR):
        return True
    unit = department_of_user(user)
    return unit is not None and unit.supervises


def readable_kinds(user) -> list[RecordKind]:
    if reads_all_records(user) or leader_building_ids(user):
        return list(KINDS.values())
    unit = recording_unit_of(user)
    return kinds_owned_by(unit.code) if unit is not None else []


def recordable_kinds(user) -> list[RecordKind]:
    if is_records_staff(user):
        kinds = list(KINDS.values())
    else:
        unit = recording_unit_of(user)
        kinds = kinds_owned_by(unit.code) if unit is not None else []
    return [k for k in kinds if user.has_perm(f"services.add_{k.key}")]


def _subject_building_path(kind: RecordKind) -> str:
    return (
        "household__dwelling__building_id"
        if kind.subject == HOUSEHOLD
        else "person__household__dwelling__building_id"
    )


def records_for_user(user, kind: RecordKind):
    """Records of ``kind`` the user may read, with what the lists and pages show."""
    qs = kind.model.objects.all()
    if not reads_all_records(user):
        unit = recording_unit_of(user)
        building_ids = leader_building_ids(user)
        if unit is not None and unit.code in kind.units:
            allowed = kind.unit_subkinds.get(unit.code)
            if allowed is not None:
                qs = qs.filter(kind__in=allowed)
        elif building_ids:
            qs = qs.filter(**{f"{_subject_building_path(kind)}__in": building_ids})
        else:
            qs = qs.none()
    if kind.subject == HOUSEHOLD:
        related = ["household__dwelling__building", "recorded_unit"]
        if kind.key == "allowance":
            related += ["person", "converted_from"]
    else:
        related = ["person__household__dwelling__building", "recorded_unit"]
    return qs.select_related(*related)


def record_get_for_user(*, user, kind: RecordKind, pk: int, write: bool = False):
    """One record the user may read (404 otherwise); with ``write``, PermissionDenied unless
    the user may change it."""
    try:
        record = records_for_user(user, kind).get(pk=pk)
    except kind.model.DoesNotExist:
        raise Http404 from None
    if write and not can_edit_record(user, record):
        raise PermissionDenied
    return record


def can_edit_record(user, record) -> bool:
    """Staff edit any record; a department user edits the records their own unit made, of
    the kinds (and sub-kinds) their unit owns."""
    kind = kind_of(record)
    if not user.has_perm(f"services.change_{type(record)._meta.model_name}"):
        return False
    if is_records_staff(user):
        return True
    unit = recording_unit_of(user)
    if unit is None or record.recorded_unit_id != unit.pk:
        return False
    subkind = getattr(record, "kind", None) if kind.unit_subkinds else None
    if kind.key == "landholding" and type(record) is not kind.model:
        subkind = record.holding.kind
    return kind.unit_may_record(unit.code, subkind)


def can_convert_allowance(user, allowance) -> bool:
    """Whether the user's unit (or staff) may switch this 低保 between rural and urban: a
    unit that records 低保 converts it, whichever unit recorded the original."""
    dibao = ("dibao_rural", "dibao_urban")
    if allowance.kind not in dibao or allowance.ended_on is not None:
        return False
    kind = KINDS["allowance"]
    if kind not in recordable_kinds(user):
        return False
    if is_records_staff(user):
        return True
    unit = recording_unit_of(user)
    return all(kind.unit_may_record(unit.code, k) for k in dibao)


def editable_ids(user, records) -> set[int]:
    """The pks among ``records`` (already loaded) that the user may change: no query."""
    return {r.pk for r in records if can_edit_record(user, r)}


def person_by_id_number(*, user, id_number: str):
    """The person in the user's scope with this exact ID number, or None (unique index)."""
    from households.selectors import people_for_user

    return people_for_user(user).select_related("household").filter(id_number=id_number).first()


def household_by_number(*, user, number: str):
    from households.selectors import households_for_user

    return households_for_user(user).filter(number=number).first()
