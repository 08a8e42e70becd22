"""The cache of the rules' counts (``services.obligations.selectors.rule_figures``) and what makes it
stale: any saved or deleted person, household, dwelling or obligation record starts a new
generation of the cached counts, so that a count falls as soon as a unit records what
fixes it. Bulk writes of the registry (the roster import) send one
``households.signals.registry_changed`` instead, which starts a new generation too."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

GENERATION_KEY = "obligations:rule_figures:generation"
# The generation key outlives the counts it versions by far.
GENERATION_SECONDS = 7 * 24 * 3600


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, GENERATION_SECONDS)
        value = cache.get(GENERATION_KEY, 1)
    return value


def counts_changed(**kwargs):
    """Signal receiver: the facts the rules read changed."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet (or expired): nothing cached under it is current
        cache.set(GENERATION_KEY, 2, GENERATION_SECONDS)


def connect():
    from buildings.models import Dwelling
    from households.models import Household, Person
    from households.signals import registry_changed
    from services import models

    registry_changed.connect(counts_changed, dispatch_uid="obligations-registry-changed")

    senders = [
        Person,
        Household,
        Dwelling,
        models.HukouMigration,
        models.ResidencePermit,
        models.MedicalInsurance,
        models.FamilyPlanningRecord,
        models.SchoolEnrolment,
        models.Training,
        models.Employment,
        models.PensionEnrolment,
        models.Allowance,
        models.LandHolding,
    ]
    for sender in senders:
        post_save.connect(counts_changed, sender=sender, dispatch_uid=f"obligations-{sender}")
        post_delete.connect(counts_changed, sender=sender, dispatch_uid=f"obligations-d-{sender}")
