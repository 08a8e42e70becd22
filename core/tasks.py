"""Celery tasks of core: running background jobs and removing their expired files."""

import logging

from celery import shared_task
from celery.signals import worker_ready

from .jobs import job_run, jobs_expire_files, jobs_reap

logger = logging.getLogger(__name__)


@shared_task(
    time_limit=60 * 60, soft_time_limit=55 * 60, acks_late=True, reject_on_worker_lost=True
)
def run_job(job_id: int) -> str:
    """Run one ``core.Job`` (safe to deliver twice: a job runs once; a job whose worker died
    is given back to the broker and run again by the next worker, see ``core.jobs``)."""
    return job_run(job_id)


@shared_task(time_limit=300, soft_time_limit=240)
def reap_jobs() -> int:
    """Every few minutes: fail the jobs left running by a worker that died."""
    return jobs_reap()


@worker_ready.connect
def _reap_when_a_worker_starts(**_kwargs):
    """A worker that starts fails the jobs its dead predecessor left running."""
    reaped = jobs_reap()
    if reaped:
        logger.warning("%s job(s) left running by a stopped worker marked failed", reaped)


@shared_task(time_limit=600, soft_time_limit=540)
def expire_job_files() -> int:
    """Daily: remove result files past ``JOB_FILE_DAYS`` (or their kind's own days)."""
    return jobs_expire_files()


@shared_task(time_limit=600, soft_time_limit=540)
def purge_audit_log() -> int:
    """Daily: remove audit entries older than ``AUDIT_KEEP_DAYS`` (at least 183)."""
    from django.conf import settings

    from .accounts import purge_audit_log as purge

    return purge(keep_days=max(settings.AUDIT_KEEP_DAYS, 183))
