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
