"""Optimistic locking: an edit made from a stale form is refused, never overwrites."""

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext_lazy as _


class EditConflict(ValidationError):
    def __init__(self):
        super().__init__(
            _(
                "Someone else changed this record after you opened it. Your changes were not "
                "saved: reload the page to see the current facts, then edit again."
            ),
            code="conflict",
        )


def save_versioned(instance, *, expected_version: int, update_fields: list[str]) -> None:
    """Save ``instance`` only if its row still has ``expected_version``; bump the version.

    Call inside ``transaction.atomic``. The conditional UPDATE is the lock: of two edits
    made from the same version, exactly one succeeds.
    """
    bumped = (
        type(instance)
        ._default_manager.filter(pk=instance.pk, version=expected_version)
        .update(version=F("version") + 1)
    )
    if not bumped:
        raise EditConflict()
    instance.version = expected_version + 1
    instance.save(update_fields=[*update_fields, "version"])
