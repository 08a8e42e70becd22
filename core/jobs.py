"""Background jobs: the one row (``core.Job``) behind every report, import and long task.

A feature declares a *kind* of job in ``settings.JOB_KINDS`` ({kind: dotted path of a
``JobKind``}); ``job_start`` writes the row and enqueues ``core.tasks.run_job``, which runs
the kind's ``run(job)`` in a Celery worker (in-process in the embedded default). The job's
page polls the row for a progress bar. A run that raises ``JobError`` ends the job failed
with that message (a sentence a person can read, in Chinese); anything else ends it failed
with a generic message and the traceback in the log.

Runs are safe to repeat: ``job_claim`` moves a job from waiting to running once, so a task
delivered twice runs once, and a result file is attached only when it is complete (written
to a temporary file first) and served only once the job is done, so a half-written file is
never served.

A worker that dies in the middle of a job (killed, out of memory, the machine stopped)
leaves the job running. The claim records the worker process ("host:pid"); a job whose
process is gone (on this host) or that has made no progress for ``JOB_STALE_MINUTES``
(anywhere) is *abandoned*. ``jobs_reap`` fails abandoned jobs with a message saying so; it
runs when a worker starts and every few minutes from beat. When the broker gives the task
back (``acks_late`` with ``reject_on_worker_lost``), ``job_claim`` takes the abandoned job
over and runs it afresh instead, at most ``JOB_MAX_ATTEMPTS`` times in all.
"""

import datetime
import logging
import os
import socket
import tempfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .models import Job
from .querysets import outside_snapshot

logger = logging.getLogger(__name__)


class JobError(Exception):
    """An expected failure: its message is shown to the user as it is."""


@dataclass
class JobKind:
    """What a kind of job does: ``run(job)`` does the work (calling ``job_progress`` as it
    goes and ``job_attach`` for its file); ``can_read(user, job)`` says who may see the job
    and download its file (checked again at every download); ``label`` names it on pages."""

    label: str
    run: object
    can_read: object = None
    file_days: int | None = None  # how long the result file is kept (None: JOB_FILE_DAYS)

    def may_read(self, user, job: Job) -> bool:
        if job.requested_by_id != user.pk:
            return False
        return True if self.can_read is None else bool(self.can_read(user, job))


def job_kind(kind: str) -> JobKind:
    try:
        return import_string(settings.JOB_KINDS[kind])
    except KeyError:
        raise JobError(_("Unknown kind of job: %(kind)s") % {"kind": kind}) from None


def job_start(*, kind: str, user, params: dict | None = None) -> Job:
    """Write a waiting job and enqueue its run once the current transaction commits."""
    from .tasks import run_job

    job_kind(kind)
    job = Job.objects.create(kind=kind, params=params or {}, requested_by=user)
    transaction.on_commit(lambda: run_job.delay(job.pk))
    return job


def _this_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def _process_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, run by another user
        return False
    return False


def job_abandoned(job: Job, *, now: datetime.datetime | None = None) -> bool:
    """A running job whose worker is gone: its process no longer exists on this host, or it
    has made no progress for ``JOB_STALE_MINUTES``."""
    if job.status != Job.Status.RUNNING:
        return False
    now = now or timezone.now()
    if job.updated_at < now - datetime.timedelta(minutes=settings.JOB_STALE_MINUTES):
        return True
    host, _sep, pid = job.worker.rpartition(":")
    return host == socket.gethostname() and pid.isdigit() and _process_gone(int(pid))


def job_claim(job_id: int) -> Job | None:
    """Move the job from waiting to running; None when it is not waiting (already run or
    running: a task delivered twice does the work once). A job abandoned by a worker that
    died (``job_abandoned``) is claimed again and run afresh, up to ``JOB_MAX_ATTEMPTS``
    claims in all; past them it ends failed."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            return None
        if job.status != Job.Status.PENDING and not job_abandoned(job):
            return None
        if job.attempts >= settings.JOB_MAX_ATTEMPTS:
            _fail_abandoned(job)
            return None
        job.status = Job.Status.RUNNING
        job.worker = _this_worker()
        job.attempts += 1
        job.save(update_fields=["status", "worker", "attempts", "updated_at"])
    return job


def _fail_abandoned(job: Job) -> None:
    if job.result_file:  # attached by the run that stopped: not served, not kept
        job.result_file.delete(save=False)
    job.status = Job.Status.FAILED
    job.message = _(
        "The job stopped half-way because the background worker running it stopped; no "
        "file was kept. Start it again."
    )
    job.finished_at = timezone.now()
    job.result_file = ""
    job.save(update_fields=["status", "message", "finished_at", "result_file", "updated_at"])


def jobs_reap(*, now: datetime.datetime | None = None) -> int:
    """Fail every abandoned job (``job_abandoned``); returns how many. Run when a worker
    starts and every few minutes: a job never stays "running" after its worker died."""
    now = now or timezone.now()
    reaped = 0
    for pk in Job.objects.filter(status=Job.Status.RUNNING).values_list("pk", flat=True):
        with transaction.atomic():
            job = Job.objects.select_for_update().filter(pk=pk).first()
            if job is not None and job_abandoned(job, now=now):
                logger.warning("job %s (%s): its worker %s stopped", job.pk, job.kind, job.worker)
                _fail_abandoned(job)
                reaped += 1
    return reaped


def job_progress(job: Job, *, done_rows: int, total_rows: int | None = None) -> None:
    """Record progress, so that the page sees it at once: during an export's
    ``read_snapshot`` (a transaction) through the snapshot's second connection."""
    if total_rows is not None:
        job.total_rows = total_rows
    job.done_rows = done_rows
    job.progress = min(99, int(100 * done_rows / job.total_rows)) if job.total_rows else 0
    values = {
        "total_rows": job.total_rows,
        "done_rows": job.done_rows,
        "progress": job.progress,
        "updated_at": timezone.now(),
    }
    side = outside_snapshot()
    if side is None:
        Job.objects.filter(pk=job.pk).update(**values)
        return
    # The ORM's queries go through this thread's connection, in the snapshot: this one
    # statement is written for the second connection.
    quote = side.ops.quote_name
    fields = [Job._meta.get_field(name) for name in values]
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    params = [f.get_db_prep_save(values[f.name], side) for f in fields]
    with side.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(Job._meta.db_table)} SET {assignments} "
            f"WHERE {quote(Job._meta.pk.column)} = %s",
            [*params, job.pk],
        )


def job_temp_path(suffix: str) -> str:
    """A temporary file for a run to write its result into before ``job_attach``."""
    fd, path = tempfile.mkstemp(suffix=suffix, prefix="tonglowan-job-")
    os.close(fd)
    return path


def job_attach(job: Job, *, path: str, name: str) -> None:
    """Store the complete file at ``path`` as the job's result (then remove ``path``)."""
    days = job_kind(job.kind).file_days or settings.JOB_FILE_DAYS
    try:
        with open(path, "rb") as fh:
            job.result_file.save(name, File(fh), save=False)
    finally:
        os.unlink(path)
    job.result_name = name
    job.expires_at = timezone.now() + datetime.timedelta(days=days)


def job_finish(job: Job, *, message: str = "", rows: int | None = None) -> Job:
    job.status = Job.Status.DONE
    job.progress = 100
    if rows is not None:
        job.done_rows = job.total_rows = rows
    job.message = message
    job.finished_at = timezone.now()
    job.save()
    return job


def job_fail(job: Job, *, message: str) -> Job:
    if job.result_file:
        job.result_file.delete(save=False)
    job.status = Job.Status.FAILED
    job.message = message
    job.finished_at = timezone.now()
    job.save()
    return job


def job_run(job_id: int) -> str:
    """Claim and run the job; returns its final status (or "skipped")."""
    job = job_claim(job_id)
    if job is None:
        return "skipped"
    try:
        job_kind(job.kind).run(job)
    except JobError as exc:
        job_fail(job, message=str(exc))
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        job_fail(
            job,
            message=_(
                "The job failed because of an internal error. Tell the administrator the "
                "job number #%(pk)s."
            )
            % {"pk": job.pk},
        )
    else:
        if job.status == Job.Status.RUNNING:
            job_finish(job)
    return job.status


def jobs_for_user(user, *, kind: str | None = None):
    qs = Job.objects.filter(requested_by=user)
    if kind is not None:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at", "-pk")


def job_get_for_user(*, user, pk: int) -> Job:
    """The user's own job, while the user may still read it; 404 otherwise."""
    job = Job.objects.filter(pk=pk, requested_by=user).first()
    if job is None or not job_kind(job.kind).may_read(user, job):
        raise Http404
    return job


def jobs_expire_files(*, now: datetime.datetime | None = None) -> int:
    """Daily: remove the result files kept past their time; the job row stays, and its
    page says the file has expired."""
    now = now or timezone.now()
    jobs = list(Job.objects.filter(expires_at__lte=now, expired_at__isnull=True))
    for job in jobs:
        if job.result_file:
            job.result_file.delete(save=False)
        job.expired_at = now
        job.save(update_fields=["result_file", "expired_at", "updated_at"])
    return len(jobs)
