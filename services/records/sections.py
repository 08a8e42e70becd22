"""Sections of the staff person and household pages (settings ``PERSON_PAGE_SECTIONS`` /
``HOUSEHOLD_PAGE_SECTIONS``): the obligation records the user may read, one query per
record kind, scoped by the same selectors as the lists."""

from django.db.models import Prefetch

from services.records.kinds import HOUSEHOLD, PERSON, cell
from services.records.models import LandRightEvent
from services.records.selectors import readable_kinds, recordable_kinds, records_for_user


def _group(user, kind, qs, may_record):
    records = list(qs)
    names = [n for n in kind.columns if n != "person"]
    return {
        "kind": kind,
        "headers": [kind.model._meta.get_field(n).verbose_name for n in names],
        "rows": [(r, [cell(r, n) for n in names]) for r in records],
        "may_record": may_record,
    }


def person_records_section(*, request, person, full_ids=False):
    user = request.user
    kinds = readable_kinds(user)
    if not kinds:
        return None
    may_record = {k.key for k in recordable_kinds(user)}
    groups = []
    for kind in kinds:
        if kind.subject == PERSON:
            qs = records_for_user(user, kind).filter(person=person)
        elif kind.key == "allowance":
            qs = records_for_user(user, kind).filter(person=person)
        else:
            continue
        groups.append(_group(user, kind, qs, kind.key in may_record and kind.subject == PERSON))
    return {
        "template": "services/records/partials/_records_section.html",
        "context": {
            "groups": groups,
            "param": "person",
            "subject_pk": person.pk,
            "has_empty": any(not g["rows"] for g in groups),
            "may_set_willingness": "training" in may_record,
        },
    }


def household_records_section(*, request, household, full_ids=False):
    user = request.user
    kinds = readable_kinds(user)
    if not kinds:
        return None
    may_record = {k.key for k in recordable_kinds(user)}
    groups = []
    for kind in kinds:
        qs = records_for_user(user, kind)
        if kind.subject == HOUSEHOLD:
            qs = qs.filter(household=household)
            if kind.key == "landholding":
                qs = qs.prefetch_related(
                    Prefetch("events", queryset=LandRightEvent.objects.order_by("-happened_on"))
                )
        else:
            qs = qs.filter(person__household=household)
        groups.append(_group(user, kind, qs, kind.key in may_record))
    return {
        "template": "services/records/partials/_records_section.html",
        "context": {
            "groups": groups,
            "param": "household",
            "subject_pk": household.pk,
            "show_person": True,
        },
    }
