"""The embedded default's daily jobs run off the request, in a background thread: the
request that notices a new day answers at once, the jobs run once a day and never twice at
the same time."""

import threading

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from core import middleware
from core.models import DailyRun

STARTED = threading.Event()
RELEASE = threading.Event()
RUNS = []


def slow_job():
    RUNS.append(threading.current_thread().name)
    STARTED.set()
    assert RELEASE.wait(10)


@pytest.fixture
def slow_daily(settings):
    settings.RUN_DAILY_JOBS_IN_PROCESS = True
    settings.DAILY_TASKS = {"slow": "tests.core.test_daily_jobs.slow_job"}
    STARTED.clear()
    RELEASE.clear()
    RUNS.clear()
    yield
    RELEASE.set()


@pytest.mark.django_db(transaction=True)
def test_the_first_request_of_the_day_does_not_wait_for_the_jobs(slow_daily):
    mw = middleware.DailyJobsMiddleware(lambda request: HttpResponse("ok"))
    response = mw(RequestFactory().get("/"))
    # the page is answered while the job is still running in its thread
    assert response.content == b"ok"
    assert STARTED.wait(10)
    assert mw.last_thread.is_alive()
    # a second start while it runs is refused: never twice at once in a process
    assert middleware.run_daily_jobs_in_background() is None
    RELEASE.set()
    mw.last_thread.join(10)
    assert not mw.last_thread.is_alive()
    assert RUNS == ["daily-jobs"]
    assert DailyRun.objects.filter(name="slow").count() == 1
    # the same day again (another process, a restart): the DailyRun row keeps it to once
    thread = middleware.run_daily_jobs_in_background()
    thread.join(10)
    assert RUNS == ["daily-jobs"]
    # later requests of the same day start nothing
    mw(RequestFactory().get("/"))
    assert RUNS == ["daily-jobs"]


@pytest.mark.django_db(transaction=True)
def test_a_failing_job_releases_the_lock(settings):
    settings.DAILY_TASKS = {"boom": "tests.core.test_daily_jobs.no_such_job"}
    thread = middleware.run_daily_jobs_in_background()
    thread.join(10)
    settings.DAILY_TASKS = {}
    again = middleware.run_daily_jobs_in_background()
    assert again is not None
    again.join(10)
