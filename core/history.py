"""Change history from django-simple-history, as "who, when, what" rows for a page."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .idnumbers import mask_id_number

HISTORY_TYPES = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: object
    who: object
    kind: str
    reason: str
    label: str
    changes: list[Change] = field(default_factory=list)


def _display(record, field_obj, value, mask_ids):
    if value in (None, ""):
        return "—"
    if field_obj.choices:
        return str(dict(field_obj.flatchoices).get(value, value))
    if mask_ids and field_obj.name == "id_number":
        return mask_id_number(value)
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def history_entries(records, *, label="", mask_ids=True, skip=("version",)) -> list[HistoryEntry]:
    """Turn historical rows (newest first, ``history_user`` selected) into entries with the
    fields changed since the previous row of the same object. No query per row."""
    records = list(records)
    previous_of = {}
    # Records of one object are consecutive by date when sorted; pair each with the next
    # older record of the same object.
    last_seen = {}
    for rec in reversed(records):
        previous_of[rec.pk] = last_seen.get(rec.id)
        last_seen[rec.id] = rec
    entries = []
    for rec in records:
        old = previous_of[rec.pk]
        changes = []
        if old is not None and rec.history_type == "~":
            delta = rec.diff_against(old, excluded_fields=list(skip))
            for ch in delta.changes:
                field_obj = rec.instance_type._meta.get_field(ch.field)
                changes.append(
                    Change(
                        field=str(field_obj.verbose_name),
                        old=_display(rec, field_obj, ch.old, mask_ids),
                        new=_display(rec, field_obj, ch.new, mask_ids),
                    )
                )
            if not changes:
                continue
        entries.append(
            HistoryEntry(
                when=rec.history_date,
                who=rec.history_user,
                kind=str(HISTORY_TYPES.get(rec.history_type, rec.history_type)),
                reason=rec.history_change_reason or "",
                label=label or str(rec.instance),
                changes=changes,
            )
        )
    return entries
