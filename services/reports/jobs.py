"""The ``report`` kind of background job: ``params`` = {"code", "format", filters…}."""

import os

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from core.jobs import JobError, JobKind, job_attach, job_progress, job_temp_path
from services.reports.builder.services import is_table_code, table_report_for_code
from services.reports.selectors import REPORTS, may_run
from services.reports.services import report_export


def report_file_name(code: str, title: str, fmt: str) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    safe = code.replace(":", "-")
    return f"{title}-{safe}-{stamp}.{fmt}"


def run_report_job(job) -> None:
    code = job.params.get("code", "")
    if is_table_code(code):
        report = table_report_for_code(user=job.requested_by, code=code, params=job.params)
    else:
        report = REPORTS.get(code)
    if report is None or not may_run(job.requested_by, code):
        raise JobError(
            _("The report “%(code)s” does not exist or is not yours to run.") % {"code": code}
        )
    fmt = job.params.get("format") or "xlsx"
    if fmt not in ("xlsx", "csv"):
        raise JobError(_("Unknown file format: %(fmt)s") % {"fmt": fmt})
    filters = {k: v for k, v in job.params.items() if k not in ("code", "format", "spec")}
    path = job_temp_path(f".{fmt}")

    def progress(done, total):
        job_progress(job, done_rows=done, total_rows=total)

    try:
        rows = report_export(
            report=report,
            user=job.requested_by,
            params=filters,
            path=path,
            fmt=fmt,
            progress=progress,
            job=job,
        )
    except BaseException:
        os.unlink(path)  # no half-written file is left behind
        raise
    job_attach(job, path=path, name=report_file_name(code, str(report.title), fmt))
    job.done_rows = job.total_rows = rows


def can_read_report_job(user, job) -> bool:
    """A download re-checks that the user may still run the report."""
    return may_run(user, job.params.get("code", ""))


REPORT_JOB = JobKind(
    label=_lazy("Excel report"),
    run=run_report_job,
    can_read=can_read_report_job,
    file_days=settings.REPORT_FILE_DAYS,
)
