from django.http import Http404

from .models import ImportBatch


def require_importer(user) -> None:
    """Only users who may import see anything of the import: others get a 404."""
    if not user.has_perm("households.import_households"):
        raise Http404


def import_batches_for_user(user):
    require_importer(user)
    return ImportBatch.objects.select_related(
        "created_by__profile", "validate_job", "write_job"
    ).order_by("-created_at", "-pk")


def import_batch_get_for_user(*, user, pk: int) -> ImportBatch:
    batch = import_batches_for_user(user).filter(pk=pk).first()
    if batch is None:
        raise Http404
    return batch
