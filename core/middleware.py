import logging
import threading

from django.conf import settings
from django.db import IntegrityError, connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import DailyRun

logger = logging.getLogger(__name__)


def run_daily_jobs(*, force: bool = False) -> list[str]:
    """Run each task of ``settings.DAILY_TASKS`` at most once per local day.

    Used in the embedded default (no broker, no beat) and by management commands. The
    ``DailyRun`` row's unique constraint makes two processes racing for the same job run it
    once. Returns the names of the jobs run.
    """
    today = timezone.localdate()
    ran = []
    for name, path in settings.DAILY_TASKS.items():
        if not force:
            try:
                with transaction.atomic():
                    DailyRun.objects.create(name=name, day=today)
            except IntegrityError:
                continue
        task = import_string(path)
        try:
            task.apply() if hasattr(task, "apply") else task()
        except Exception:  # a failing job must not break the page that triggered it
            logger.exception("daily job %s failed", name)
            continue
        ran.append(name)
    return ran


_running = threading.Lock()


def run_daily_jobs_in_background() -> threading.Thread | None:
    """Start ``run_daily_jobs`` in a background thread and return it, or return None when
    this process is already running them (never twice at once here; the ``DailyRun`` rows
    keep other processes from running a job a second time the same day)."""
    if not _running.acquire(blocking=False):
        return None

    def work():
        try:
            run_daily_jobs()
        except Exception:  # the thread must end and release the lock whatever happens
            logger.exception("daily jobs failed")
        finally:
            connections.close_all()  # this thread's own connections
            _running.release()

    thread = threading.Thread(target=work, name="daily-jobs", daemon=True)
    thread.start()
    return thread


class DailyJobsMiddleware:
    """Without Celery beat, start the daily jobs on the first request of each day, in a
    background thread: the request that notices the new day does not wait for them."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._last_day = None
        self.last_thread = None

    def __call__(self, request):
        if settings.RUN_DAILY_JOBS_IN_PROCESS and settings.DAILY_TASKS:
            today = timezone.localdate()
            if self._last_day != today:
                self._last_day = today
                self.last_thread = run_daily_jobs_in_background()
        return self.get_response(request)


class IdleSessionMiddleware:
    """End a session idle for more than ``SESSION_IDLE_MINUTES``. The time of the last
    request is kept in the session and written at most once a minute, so a page costs no
    extra query; a login sets it (``core.accounts``)."""

    WRITE_EVERY = 60  # seconds

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.contrib.auth import logout
        from django.contrib.auth.views import redirect_to_login

        from .accounts import SESSION_LAST_SEEN

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = timezone.now().timestamp()
            last = request.session.get(SESSION_LAST_SEEN)
            if last is not None and now - last > settings.SESSION_IDLE_MINUTES * 60:
                logout(request)
                from django.contrib import messages
                from django.utils.translation import gettext as _

                messages.info(
                    request,
                    _("You were logged out after %(n)d minutes without activity.")
                    % {"n": settings.SESSION_IDLE_MINUTES},
                )
                return redirect_to_login(request.get_full_path())
            if last is None or now - last > self.WRITE_EVERY:
                request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)
