"""The import's writes: a batch for each uploaded file, its check, its write. The staff
pages (through two background jobs) and ``manage.py import_households`` call these."""

import contextlib
import gc
import hashlib
import os
import threading

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.audit import audit_log
from households.services import RegistryConflict, registry_bulk_write

from .models import ImportBatch
from .reader import ImportFileError, read_table
from .validate import Check, Options, check_table
from .workbooks import write_error_workbook


class ImportConflict(Exception):
    """The registry changed between the check and the write: nothing was written."""


def file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def batch_create(*, user, upload, create_dwellings: bool = False, apply_moves: bool = False):
    """Keep the uploaded file with a new batch, waiting for its check."""
    batch = ImportBatch(
        created_by=user,
        file_name=os.path.basename(upload.name)[:200],
        create_dwellings=create_dwellings,
        apply_moves=apply_moves,
    )
    batch.file.save(
        f"roster-{timezone.now():%Y%m%d%H%M%S}{_suffix(upload.name)}", upload, save=False
    )
    batch.file_hash = file_sha256(batch.file.path)
    batch.save()
    return batch


def _suffix(name: str) -> str:
    suffix = os.path.splitext(name)[1].lower()
    return suffix if suffix in (".xlsx", ".csv", ".xlsm", ".xls", ".txt") else ".bin"


@contextlib.contextmanager
def bulk_work():
    """No cyclic garbage collection while a roster is read, checked or written: its
    hundreds of thousands of small objects hold no cycles, and each full collection would
    walk all of them again (a tenth of the time of a 100,000-row import)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def check_file(
    *, path: str, name: str, options: Options, progress=None, defer_models: bool = False
) -> Check:
    """Read and check a roster; raises ``ImportFileError`` for a file that cannot be read.
    ``defer_models``: see ``check_table``."""
    with bulk_work():
        table = read_table(path, name)
        return check_table(table, options, progress=progress, defer_models=defer_models)


def _options(batch: ImportBatch) -> Options:
    return Options(create_dwellings=batch.create_dwellings, apply_moves=batch.apply_moves)


def batch_check(
    *, batch: ImportBatch, progress=None, error_path: str | None = None
) -> Check | None:
    """Check the batch's file and keep what the preview shows; with errors and
    ``error_path``, write the error workbook there. None when the file cannot be read."""
    try:
        check = check_file(
            path=batch.file.path, name=batch.file_name, options=_options(batch), progress=progress
        )
    except ImportFileError as exc:
        batch.status = ImportBatch.Status.UNREADABLE
        batch.message = str(exc)
        batch.save(update_fields=["status", "message"])
        return None
    batch_record_check(batch=batch, check=check)
    if not check.ok and error_path:
        write_error_workbook(error_path, check)
    return check


def batch_record_check(*, batch: ImportBatch, check: Check) -> None:
    batch.status = ImportBatch.Status.VALID if check.ok else ImportBatch.Status.INVALID
    batch.counts = check.counts
    batch.fingerprint = check.fingerprint
    batch.preview = {
        "new": check.new_rows,
        "changed": check.changed_rows,
        "errors": [str(m) for m in check.errors[:1000]],
        "warnings": [str(m) for m in check.warnings[:1000]],
        "summary": check.column_summary(),
        "unknown_headers": check.table.unknown_headers,
        "header_row": check.table.header_row,
    }
    batch.message = ""
    batch.save(update_fields=["status", "counts", "fingerprint", "preview", "message"])


def batch_write(
    *, batch: ImportBatch, user, path: str | None = None, check: Check | None = None
) -> dict:
    """Check the file again against the registry as it is now and write it, all or nothing.
    Refused (nothing written) when the file has errors or when a record it was checked
    against changed since the preview (``ImportConflict``). ``check``: one just made (the
    shell's import, which has no preview in between); without it, the check made here
    leaves the models' validation of the rows to run beside the write."""
    path = path or batch.file.path
    with bulk_work(), transaction.atomic():
        if check is None:
            # The models' validation of the rows (pure Python) is left out of this check
            # and runs in a thread while the database writes them (``_validated_beside``).
            try:
                check = check_file(
                    path=path, name=batch.file_name, options=_options(batch), defer_models=True
                )
            except ImportFileError as exc:
                raise ImportConflict(str(exc)) from None
        if not check.ok:
            raise _errors(check)
        # Compared twice: the fresh check against the preview's, then, in the write, each
        # row it changes (locked) against the version this check read, so that an edit
        # made meanwhile is refused, never overwritten.
        conflict = _(
            "Records of this file were changed by someone else after the check: "
            "nothing was imported. Check the file again to see the new differences."
        )
        if batch.fingerprint and check.fingerprint != batch.fingerprint:
            raise ImportConflict(conflict)
        with _validated_beside(check):
            try:
                with transaction.atomic():
                    written = registry_bulk_write(
                        change=check.change, user=user, reason=batch.change_reason, checked=True
                    )
            except ValidationError as exc:
                raise ImportConflict("；".join(exc.messages)) from None
            except (RegistryConflict, IntegrityError):
                raise ImportConflict(conflict) from None
        batch.status = ImportBatch.Status.WRITTEN
        batch.written_at = timezone.now()
        batch.counts = {**check.counts, **written}
        batch.save(update_fields=["status", "written_at", "counts"])
        audit_log(
            user=user,
            action="import",
            target=f"roster import #{batch.pk}",
            detail={"file": batch.file_name, "sha256": batch.file_hash, **written},
        )
    return written


def _errors(check: Check) -> ImportConflict:
    return ImportConflict(
        _("The file now has %(n)d errors: check it again.") % {"n": len(check.errors)}
    )


@contextlib.contextmanager
def _validated_beside(check: Check):
    """Run the check's deferred models' validation (``check.validate_models``) in a thread
    while the block writes: the write is mostly the database's time (the people's ``COPY``,
    the history, the foreign keys), the validation all Python's, so the two overlap on two
    cores. Leaving the block waits for the validation, and a row it finds wrong raises
    ``ImportConflict`` (the file's errors, as the check would have given them) in place of
    whatever the block did or raised, so that the transaction is rolled back."""
    validate = check.validate_models
    if validate is None:
        yield
        return
    language = translation.get_language()
    outcome: dict = {}

    def run():
        try:
            with translation.override(language):
                outcome["ok"] = validate()
        except BaseException as exc:  # noqa: BLE001 — raised again by the caller
            outcome["error"] = exc
        finally:
            connections.close_all()  # this thread's own, had a validator opened one

    thread = threading.Thread(target=run, name="roster-validate", daemon=True)
    thread.start()
    try:
        yield
    except BaseException:
        thread.join()
        if "error" not in outcome and not outcome.get("ok"):
            raise _errors(check) from None
        raise
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    if not outcome["ok"]:
        raise _errors(check)


def batch_from_path(*, path: str, user, options: Options) -> ImportBatch:
    """A batch for a file imported from the shell (the file stays where it is)."""
    batch = ImportBatch(
        created_by=user,
        file_name=os.path.basename(path)[:200],
        file_hash=file_sha256(path),
        create_dwellings=options.create_dwellings,
        apply_moves=options.apply_moves,
    )
    batch.save()
    return batch


def batch_attach_file(*, batch: ImportBatch, path: str) -> None:
    with open(path, "rb") as fh:
        batch.file.save(os.path.basename(path), File(fh), save=True)
