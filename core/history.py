"""Change history from django-simple-history, as "who, when, what" rows for a page."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .idnumbers import mask_document_number

# Fields that hold an ID number, in full or as their start (a disability certificate is the
# holder's ID number and two digits): masked unless the page shows full ID numbers.
ID_BEARING_FIELDS = frozenset({"id_number", "disability_certificate"})

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


def _display(field_obj, value, mask_ids, display, related_labels):
    if value in (None, "", []):
        return "—"
    name = field_obj.name
    if name in related_labels:
        return related_labels[name].get(value, f"#{value}")
    if name in display:
        return display[name](value)
    if field_obj.choices:
        return str(dict(field_obj.flatchoices).get(value, value))
    if mask_ids and name in ID_BEARING_FIELDS:
        return mask_document_number(str(value))
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def history_entries(
    records,
    *,
    label="",
    mask_ids=True,
    skip=("version",),
    display: dict[str, Callable] | None = None,
    related: dict[str, Callable] | None = None,
) -> list[HistoryEntry]:
    """Turn historical rows (newest first, ``history_user`` selected) into entries with the
    fields changed since the previous row of the same object. No query per row.

    ``display`` maps a field name to a function that shows one value (a list of codes, say);
    ``related`` maps a foreign key's name to a function that takes the set of ids changed
    in all the rows and returns ``{id: label}``: one query per such field, not per row.
    """
    grouped = history_entries_by(
        records,
        group=lambda rec: None,
        label=label,
        mask_ids=mask_ids,
        skip=skip,
        display=display,
        related=related,
    )
    return grouped.get(None, [])


def history_entries_by(
    records,
    *,
    group: Callable,
    label="",
    mask_ids=True,
    skip=("version",),
    display: dict[str, Callable] | None = None,
    related: dict[str, Callable] | None = None,
) -> dict:
    """``history_entries`` of the rows of many pages at once: ``{group(row): entries}``,
    each list exactly what ``history_entries`` makes of that group's rows alone (a row is
    paired only with an older row of the same object in the same group), with one query
    per ``related`` field for all the groups together."""
    display = display or {}
    related = related or {}
    records = list(records)
    previous_of = {}
    # Records of one object are consecutive by date when sorted; pair each with the next
    # older record of the same object (in the same group).
    last_seen = {}
    for rec in reversed(records):
        key = (group(rec), rec.id)
        previous_of[rec.pk] = last_seen.get(key)
        last_seen[key] = rec
    raw = []
    related_ids = {name: set() for name in related}
    for rec in records:
        old = previous_of[rec.pk]
        changes = []
        if old is not None and rec.history_type == "~":
            delta = rec.diff_against(old, excluded_fields=list(skip))
            for ch in delta.changes:
                field_obj = rec.instance_type._meta.get_field(ch.field)
                changes.append((field_obj, ch.old, ch.new))
                if ch.field in related_ids:
                    related_ids[ch.field].update(v for v in (ch.old, ch.new) if v is not None)
            if not changes:
                continue
        raw.append((rec, changes))
    related_labels = {name: related[name](ids) for name, ids in related_ids.items() if ids}
    entries = {}
    for rec, changes in raw:
        entries.setdefault(group(rec), []).append(
            HistoryEntry(
                when=rec.history_date,
                who=rec.history_user,
                kind=str(HISTORY_TYPES.get(rec.history_type, rec.history_type)),
                reason=rec.history_change_reason or "",
                label=label or str(rec.instance),
                changes=[
                    Change(
                        field=str(field_obj.verbose_name),
                        old=_display(field_obj, old, mask_ids, display, related_labels),
                        new=_display(field_obj, new, mask_ids, display, related_labels),
                    )
                    for field_obj, old, new in changes
                ],
            )
        )
    return entries
