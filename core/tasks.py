"""Celery tasks of core: running background jobs and removing their expired files."""

from celery import shared_task

from .jobs import job_run, jobs_expire_files


@shared_task(time_limit=60 * 60, soft_time_limit=55 * 60, acks_late=True)
def run_job(job_id: int) -> str:
    """Run one ``core.Job`` (safe to deliver twice: a job runs once)."""
    return job_run(job_id)


@shared_task(time_limit=600)
def expire_job_files() -> int:
    """Daily: remove result files past ``JOB_FILE_DAYS`` (or their kind's own days)."""
    return jobs_expire_files()


@shared_task(time_limit=600)
def purge_audit_log() -> int:
    """Daily: remove audit entries older than ``AUDIT_KEEP_DAYS`` (at least 183)."""
    from django.conf import settings

    from .accounts import purge_audit_log as purge

    return purge(keep_days=max(settings.AUDIT_KEEP_DAYS, 183))
