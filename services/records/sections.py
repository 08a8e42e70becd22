"""Sections of the staff person and household pages (settings ``PERSON_PAGE_SECTIONS`` /
``HOUSEHOLD_PAGE_SECTIONS``): the obligation records the user may read, one query per
record kind, scoped by the same selectors as the lists. The household sections are made for
many households at once (``household_records_sections``): a building's print costs the same
queries as one household's page."""

from operator import attrgetter

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


def household_records_sections(*, request, households, full_ids=False):
    """The records sections of many households (the household page, one household file,
    a whole building's print): one query per record kind for all of them together, and one
    for the land holdings' events. Each query joins only what the section shows (the
    person and the recording unit), not the household, dwelling and building the page
    already has."""
    user = request.user
    kinds = readable_kinds(user)
    if not kinds:
        return {h.pk: None for h in households}
    may_record = {k.key for k in recordable_kinds(user)}
    pks = [h.pk for h in households]
    groups = {pk: [] for pk in pks}
    for kind in kinds:
        qs = records_for_user(user, kind).select_related(None)
        if kind.subject == HOUSEHOLD:
            qs = qs.filter(household_id__in=pks).select_related("recorded_unit")
            if kind.key == "allowance":
                qs = qs.select_related("person", "converted_from")
            if kind.key == "landholding":
                qs = qs.prefetch_related(
                    Prefetch(
                        "events",
                        queryset=LandRightEvent.objects.order_by("-happened_on", "-pk"),
                    )
                )
            household_of = attrgetter("household_id")
        else:
            qs = qs.filter(person__household_id__in=pks).select_related("person", "recorded_unit")
            household_of = attrgetter("person.household_id")
        by_household = {pk: [] for pk in pks}
        for record in qs.order_by(*kind.model._meta.ordering, "-pk"):
            by_household[household_of(record)].append(record)
        for pk in pks:
            groups[pk].append(_group(user, kind, by_household[pk], kind.key in may_record))
    return {
        pk: {
            "template": "services/records/partials/_records_section.html",
            "context": {
                "groups": groups[pk],
                "param": "household",
                "subject_pk": pk,
                "show_person": True,
            },
        }
        for pk in pks
    }


def household_records_section(*, request, household, full_ids=False):
    """The records section of one household's page."""
    return household_records_sections(request=request, households=[household])[household.pk]
