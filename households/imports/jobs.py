"""The import's two background jobs (``settings.JOB_KINDS``): the check of an uploaded
file, with a progress bar and the error workbook as the job's file, and the write after
the user confirmed the preview."""

import os

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.jobs import JobError, JobKind, job_attach, job_finish, job_progress, job_temp_path

from .models import ImportBatch
from .services import ImportConflict, batch_check, batch_write


def can_import(user, job=None) -> bool:
    return user.has_perm("households.import_households")


def _batch(job) -> ImportBatch:
    batch = ImportBatch.objects.filter(pk=job.params.get("batch")).first()
    if batch is None:
        raise JobError(_("The roster import no longer exists."))
    return batch


def run_check(job) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        batch = _batch(job)
        error_path = job_temp_path(".xlsx")
        try:
            check = batch_check(
                batch=batch,
                progress=lambda done, total: job_progress(job, done_rows=done, total_rows=total),
                error_path=error_path,
            )
            if check is None:
                raise JobError(batch.message)
            if not check.ok:
                stem = os.path.splitext(batch.file_name)[0]
                job_attach(job, path=error_path, name=_("%(stem)s-errors.xlsx") % {"stem": stem})
        finally:
            if os.path.exists(error_path):
                os.unlink(error_path)
        job_finish(
            job,
            rows=check.counts["rows"],
            message=_("%(errors)d errors, %(warnings)d warnings.")
            % {"errors": check.counts["errors"], "warnings": check.counts["warnings"]},
        )


def run_write(job) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        batch = _batch(job)
        user = job.requested_by
        try:
            written = batch_write(batch=batch, user=user)
        except ImportConflict as exc:
            batch.status = ImportBatch.Status.FAILED
            batch.message = str(exc)
            batch.save(update_fields=["status", "message"])
            raise JobError(str(exc)) from None
        except Exception:
            batch.status = ImportBatch.Status.FAILED
            batch.save(update_fields=["status"])
            raise
        job_finish(
            job,
            rows=batch.counts.get("rows", 0),
            message=_("%(hn)d households and %(pn)d people created, %(hc)d and %(pc)d changed.")
            % {
                "hn": written["households_created"],
                "pn": written["people_created"],
                "hc": written["households_changed"],
                "pc": written["people_changed"],
            },
        )


CHECK_JOB = JobKind(label=gettext_lazy("Roster import: check"), run=run_check, can_read=can_import)
WRITE_JOB = JobKind(label=gettext_lazy("Roster import: write"), run=run_write, can_read=can_import)
