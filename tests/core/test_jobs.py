"""Background jobs: run once, fail with a readable message, file attached only when whole,
page and download for the user who asked, expiry."""

import datetime

import pytest
from django.utils import timezone

from core.jobs import (
    JobError,
    JobKind,
    job_attach,
    job_claim,
    job_progress,
    job_run,
    job_start,
    job_temp_path,
    jobs_expire_files,
)
from core.models import Job

RUNS = []
ALLOWED = {"yes": True}


def _run(job):
    RUNS.append(job.pk)
    mode = job.params.get("mode")
    if mode == "refuse":
        raise JobError("报表“测试”不存在")
    if mode == "crash":
        raise RuntimeError("boom")
    job_progress(job, done_rows=1, total_rows=2)
    path = job_temp_path(".txt")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("行1\n行2\n")
    job_attach(job, path=path, name="结果.txt")
    job.done_rows = 2


KIND = JobKind(label="测试任务", run=_run, can_read=lambda user, job: ALLOWED["yes"])


@pytest.fixture(autouse=True)
def _kinds(settings):
    settings.JOB_KINDS = {"test": "tests.core.test_jobs.KIND"}
    RUNS.clear()
    ALLOWED["yes"] = True


def _start(user, django_capture_on_commit_callbacks, **params):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(kind="test", user=user, params=params)
    job.refresh_from_db()
    return job


def test_a_job_runs_once_and_keeps_its_file(staff_user, django_capture_on_commit_callbacks):
    job = _start(staff_user, django_capture_on_commit_callbacks)
    assert (job.status, job.progress, job.result_name) == ("done", 100, "结果.txt")
    assert job.result_file.read().decode() == "行1\n行2\n"
    assert job_run(job.pk) == "skipped"  # the task delivered again
    assert RUNS == [job.pk]
    assert job.expires_at > timezone.now() + datetime.timedelta(days=6)


def test_a_refusal_and_a_crash_end_failed_with_a_readable_message(
    staff_user, django_capture_on_commit_callbacks
):
    refused = _start(staff_user, django_capture_on_commit_callbacks, mode="refuse")
    assert (refused.status, refused.message) == ("failed", "报表“测试”不存在")
    crashed = _start(staff_user, django_capture_on_commit_callbacks, mode="crash")
    assert crashed.status == "failed" and f"#{crashed.pk}" in crashed.message
    assert "boom" not in crashed.message and not crashed.result_file


def test_a_job_left_running_by_a_dead_worker_is_run_again(staff_user, settings):
    job = Job.objects.create(kind="test", requested_by=staff_user, status=Job.Status.RUNNING)
    assert job_claim(job.pk) is None  # a live run is not taken over
    Job.objects.filter(pk=job.pk).update(
        updated_at=timezone.now() - datetime.timedelta(minutes=settings.JOB_STALE_MINUTES + 1)
    )
    assert job_run(job.pk) == "done"


def test_the_page_polls_then_offers_the_file_to_its_owner_only(
    client_for, staff_user, admin_user, django_capture_on_commit_callbacks
):
    pending = Job.objects.create(kind="test", requested_by=staff_user)
    page = client_for(staff_user).get(f"/jobs/{pending.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in page and "htmx-2.min.js" in page
    job = _start(staff_user, django_capture_on_commit_callbacks)
    client = client_for(staff_user)
    status = client.get(f"/jobs/{job.pk}/status/").content.decode()
    assert "hx-trigger" not in status and f"/jobs/{job.pk}/download/" in status
    download = client.get(f"/jobs/{job.pk}/download/")
    assert (
        download.status_code == 200
        and b"".join(download.streaming_content) == "行1\n行2\n".encode()
    )
    other = client_for(admin_user)
    for url in (f"/jobs/{job.pk}/", f"/jobs/{job.pk}/download/", "/jobs/999999/"):
        assert other.get(url).status_code == 404


def test_a_user_who_may_no_longer_read_the_job_gets_a_404(
    client_for, staff_user, django_capture_on_commit_callbacks
):
    job = _start(staff_user, django_capture_on_commit_callbacks)
    ALLOWED["yes"] = False
    assert client_for(staff_user).get(f"/jobs/{job.pk}/download/").status_code == 404


def test_an_expired_file_is_removed_and_the_page_says_so(
    client_for, staff_user, django_capture_on_commit_callbacks
):
    job = _start(staff_user, django_capture_on_commit_callbacks)
    assert jobs_expire_files(now=timezone.now()) == 0
    assert jobs_expire_files(now=job.expires_at + datetime.timedelta(seconds=1)) == 1
    client = client_for(staff_user)
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 404
    assert 'id="job-expired"' in client.get(f"/jobs/{job.pk}/").content.decode()


def _dead_pid():
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _running(user, *, worker, attempts=1, minutes_ago=0):
    job = Job.objects.create(
        kind="test",
        requested_by=user,
        status=Job.Status.RUNNING,
        worker=worker,
        attempts=attempts,
    )
    Job.objects.filter(pk=job.pk).update(
        updated_at=timezone.now() - datetime.timedelta(minutes=minutes_ago)
    )
    job.refresh_from_db()
    return job


def test_a_claim_records_the_worker_process_and_counts_the_attempt(staff_user):
    import os
    import socket

    job = Job.objects.create(kind="test", requested_by=staff_user)
    claimed = job_claim(job.pk)
    assert claimed.worker == f"{socket.gethostname()}:{os.getpid()}"
    assert claimed.attempts == 1 and claimed.status == "running"


def test_a_job_whose_worker_process_died_is_failed_by_the_reaper_at_once(staff_user):
    import os
    import socket

    from core.jobs import job_abandoned, jobs_reap

    host = socket.gethostname()
    dead = _running(staff_user, worker=f"{host}:{_dead_pid()}")
    alive = _running(staff_user, worker=f"{host}:{os.getpid()}")
    elsewhere = _running(staff_user, worker=f"another-host:{_dead_pid()}")
    assert job_abandoned(dead) and not job_abandoned(alive) and not job_abandoned(elsewhere)
    assert jobs_reap() == 1
    dead.refresh_from_db()
    assert dead.status == "failed" and "停止" in dead.message and dead.finished_at
    for job in (alive, elsewhere):
        job.refresh_from_db()
        assert job.status == "running"


def test_a_job_with_no_progress_for_the_stale_time_is_failed_wherever_it_ran(staff_user, settings):
    import os
    import socket

    from core.jobs import jobs_reap

    stale = _running(
        staff_user, worker="another-host:1", minutes_ago=settings.JOB_STALE_MINUTES + 1
    )
    recent = _running(staff_user, worker=f"{socket.gethostname()}:{os.getpid()}")
    assert jobs_reap() == 1
    stale.refresh_from_db()
    recent.refresh_from_db()
    assert (stale.status, recent.status) == ("failed", "running")


def test_a_task_given_back_after_its_worker_died_is_run_again_at_most_twice(staff_user, settings):
    import socket

    settings.JOB_MAX_ATTEMPTS = 2
    host = socket.gethostname()
    again = _running(staff_user, worker=f"{host}:{_dead_pid()}", attempts=1)
    assert job_run(again.pk) == "done"
    again.refresh_from_db()
    assert again.attempts == 2 and again.result_file
    twice = _running(staff_user, worker=f"{host}:{_dead_pid()}", attempts=2)
    assert job_run(twice.pk) == "skipped"
    twice.refresh_from_db()
    assert twice.status == "failed" and not twice.result_file


def test_a_file_of_a_job_that_did_not_finish_is_never_served(
    client_for, staff_user, django_capture_on_commit_callbacks
):
    """A file attached by a run that then stopped (the row saved with its file but still
    running, or failed by the reaper) is refused at download."""
    import socket

    from core.jobs import jobs_reap

    job = _start(staff_user, django_capture_on_commit_callbacks)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, worker=f"{socket.gethostname()}:{_dead_pid()}"
    )
    client = client_for(staff_user)
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 404
    assert f"/jobs/{job.pk}/download/" not in client.get(f"/jobs/{job.pk}/status/").content.decode()
    assert jobs_reap() == 1
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 404
    from django.core.files.storage import default_storage

    name = job.result_file.name
    job.refresh_from_db()
    assert not job.result_file and not default_storage.exists(name)  # not kept either


def test_the_reaper_runs_when_a_worker_starts_and_from_beat(settings):
    from core import tasks

    assert settings.CELERY_BEAT_SCHEDULE["reap_jobs"]["task"] == "core.tasks.reap_jobs"
    assert tasks.run_job.reject_on_worker_lost and tasks.run_job.acks_late
    from celery.signals import worker_ready

    receivers = [r[1]() for r in worker_ready.receivers]
    assert tasks._reap_when_a_worker_starts in receivers


@pytest.mark.django_db(transaction=True)
def test_progress_during_an_exports_snapshot_is_seen_by_others_at_once(staff_user):
    # An export reads in one transaction (read_snapshot); the job's page, on another
    # connection, must still see its progress as it is made, not at the end.
    from django.db import connection, connections

    from core.querysets import read_snapshot

    job = Job.objects.create(kind="test", requested_by=staff_user)
    other = connections.create_connection("default")
    try:
        with read_snapshot():
            if connection.vendor == "postgresql":
                assert connection.in_atomic_block
            job_progress(job, done_rows=500, total_rows=2000)
            with other.cursor() as cursor:
                cursor.execute(
                    "SELECT done_rows, total_rows, progress FROM core_job WHERE id = %s",
                    [job.pk],
                )
                assert cursor.fetchone() == (500, 2000, 25)
        assert not connection.in_atomic_block
    finally:
        other.close()
    job.refresh_from_db()
    assert (job.done_rows, job.progress) == (500, 25)
