"""The "obligations not met" section of the staff person and household pages
(``PERSON_PAGE_SECTIONS`` / ``HOUSEHOLD_PAGE_SECTIONS``): the rules, of those the user may
read, that this person or household fails today, in one query."""

from django.db.models import Count
from django.utils import timezone

from community.roles import Role, has_role
from services.obligations.rules import HOUSEHOLD, PERSON, base_queryset
from services.obligations.selectors import rules_for_user


def _failed_rules(*, user, subject: str, pk: int):
    rules = [r for r in rules_for_user(user) if r.subject == subject]
    if not rules:
        return None
    today = timezone.localdate()
    counts = (
        base_queryset(subject)
        .filter(pk=pk)
        .aggregate(**{r.code: Count("pk", filter=r.condition(today)) for r in rules})
    )
    return {
        "template": "services/obligations/partials/_failed_rules.html",
        "context": {
            "rules": [r for r in rules if counts[r.code]],
            "subject": subject,
            "pk": pk,
            # "the obligations you are responsible for" speaks to a unit; staff follow all.
            "for_unit": has_role(user, Role.DEPARTMENT),
        },
    }


def person_section(*, request, person, full_ids=False):
    return _failed_rules(user=request.user, subject=PERSON, pk=person.pk)


def household_section(*, request, household, full_ids=False):
    return _failed_rules(user=request.user, subject=HOUSEHOLD, pk=household.pk)
