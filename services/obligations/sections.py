"""The "obligations not met" section of the staff person and household pages
(``PERSON_PAGE_SECTIONS`` / ``HOUSEHOLD_PAGE_SECTIONS``): the rules, of those the user may
read, that this person or household fails today, in one query (one for all the households
of a building's print)."""

from django.db.models import Count
from django.utils import timezone

from community.roles import Role, has_role
from core.querysets import compiled_rows
from services.obligations.rules import HOUSEHOLD, PERSON, base_queryset
from services.obligations.selectors import rules_for_user


def _rules_section(*, user, rules, subject: str, pk: int, failed: dict) -> dict:
    return {
        "template": "services/obligations/partials/_failed_rules.html",
        "context": {
            "rules": [r for r in rules if failed[r.code]],
            "subject": subject,
            "pk": pk,
            # "the obligations you are responsible for" speaks to a unit; staff follow all.
            "for_unit": has_role(user, Role.DEPARTMENT),
        },
    }


def _failed_rules(*, user, subject: str, pks: list[int]) -> dict:
    """``{pk: section}``: the rules each of ``pks`` fails today, in one grouped query."""
    rules = [r for r in rules_for_user(user) if r.subject == subject]
    if not rules:
        return {pk: None for pk in pks}
    today = timezone.localdate()
    codes = [r.code for r in rules]

    def build():
        return (
            base_queryset(subject)
            .order_by()
            .values("pk")
            .annotate(**{r.code: Count("pk", filter=r.condition(today)) for r in rules})
        )

    # Compiled once a day per rule set: building the query costs more than running it.
    table = base_queryset(subject).model._meta.db_table
    rows = compiled_rows(
        ("failed-rules", subject, tuple(codes), today), build, f'"{table}"."id"', pks
    )
    failed = {row[0]: dict(zip(codes, row[1:], strict=True)) for row in rows}
    none_failed = dict.fromkeys((r.code for r in rules), 0)
    return {
        pk: _rules_section(
            user=user, rules=rules, subject=subject, pk=pk, failed=failed.get(pk, none_failed)
        )
        for pk in pks
    }


def person_section(*, request, person, full_ids=False):
    return _failed_rules(user=request.user, subject=PERSON, pks=[person.pk])[person.pk]


def household_sections(*, request, households, full_ids=False):
    """The section of many households (a building's print) in one query."""
    return _failed_rules(user=request.user, subject=HOUSEHOLD, pks=[h.pk for h in households])


def household_section(*, request, household, full_ids=False):
    return household_sections(request=request, households=[household])[household.pk]
