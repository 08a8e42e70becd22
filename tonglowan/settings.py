"""Settings, read from the environment (django-environ).

Every variable the project reads is listed in the README's production section.
"""

import sys
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost"]),
    REDIS_URL=(str, ""),
    SECURE_SSL_REDIRECT=(bool, False),
)
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env("DEBUG")
TESTING = "pytest" in sys.modules
# A production system must set SECRET_KEY; development and the test suite get a fixed key.
SECRET_KEY = env(
    "SECRET_KEY", default="insecure-development-key-change-me" if DEBUG or TESTING else None
)
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "tonglowan.admin_config.TonglowanAdminConfig",  # the admin, for administrators only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "bootstrap",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "simple_history",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "community",
    "buildings",
    "households",
    "services",
    "ownersassoc",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.IdleSessionMiddleware",
    "core.twofactor.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "core.middleware.DailyJobsMiddleware",
    # AxesMiddleware should be the last middleware.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tonglowan.urls"
WSGI_APPLICATION = "tonglowan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "community.context_processors.roles",
            ],
        },
    },
]

VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'tonglowan.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = 0 if TESTING else env.int("CONN_MAX_AGE", default=60)
    # A kept connection is checked before reuse: after a database restart the next request
    # reconnects instead of failing on the dead connection.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # The planner's cost of reading a page at random, against 1 for the next page in order.
    # PostgreSQL's default, 4, is for spinning disks; on an SSD, or a registry whose tables
    # the server holds in memory, the usual setting is 1.1. With 4, the household search by
    # the last four ID characters read all 250,000 households to join the 1,125 it had
    # found (35 ms at a million people, whenever the table was not in shared buffers), where
    # 1,125 lookups by key take 2-10 ms. ``DB_RANDOM_PAGE_COST=`` (empty) keeps the server's.
    random_page_cost = env.str("DB_RANDOM_PAGE_COST", default="1.1")
    if random_page_cost:
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = (
            f"{options.get('options', '')} -c random_page_cost={float(random_page_cost)}".strip()
        )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "core.permissions.CachedModelBackend",
]
# Seconds a user's permission set is kept in the cache across requests (core.permissions:
# any change to who holds which permission forgets every cached set at once); 0 reads it
# from the database on every request, as Django's own backend does.
PERMISSION_CACHE_SECONDS = env.int("PERMISSION_CACHE_SECONDS", default=300)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes: lock an account+address after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = env.bool("AXES_VERBOSE", default=False)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# A filter left empty reads 全部 (all), not django-filter's "---------".
FILTERS_EMPTY_CHOICE_LABEL = gettext_lazy("All")
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Celery: Redis when REDIS_URL is set, otherwise tasks run in-process when sent.
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Daily jobs: (name, dotted task path). Beat runs them at 01:30 with a broker; without one,
# core.middleware.DailyJobsMiddleware runs each at most once a day on the first request.
DAILY_TASKS = {
    "flag_overdue_requests": "services.requests.tasks.flag_overdue_requests",
    # Snapshot of every obligation rule's count and flagging of overdue work tasks.
    "check_obligations": "services.obligations.tasks.check_obligations",
}
DAILY_TASKS["expire_job_files"] = "core.tasks.expire_job_files"
DAILY_TASKS["purge_audit_log"] = "core.tasks.purge_audit_log"
# Background jobs (core.jobs): {kind: dotted path of its core.jobs.JobKind}; each feature adds
# its own. Result files are kept JOB_FILE_DAYS days unless the kind says otherwise; a job with
# no progress for JOB_STALE_MINUTES (its worker died) is run again when its task comes back.
JOB_KINDS: dict[str, str] = {}
JOB_FILE_DAYS = env.int("JOB_FILE_DAYS", default=7)
JOB_STALE_MINUTES = env.int("JOB_STALE_MINUTES", default=30)
# A job whose worker died is run again when the broker gives its task back, at most this many
# runs in all; a job left running by a dead worker is failed when a worker starts and by
# beat's reap_jobs every JOB_REAP_SECONDS (default five minutes; core.jobs.jobs_reap).
JOB_MAX_ATTEMPTS = env.int("JOB_MAX_ATTEMPTS", default=2)
JOB_REAP_SECONDS = env.float("JOB_REAP_SECONDS", default=300.0)
CELERY_BEAT_SCHEDULE = {
    name: {"task": task, "schedule": crontab(hour=1, minute=30)}
    for name, task in DAILY_TASKS.items()
}
CELERY_BEAT_SCHEDULE["reap_jobs"] = {"task": "core.tasks.reap_jobs", "schedule": JOB_REAP_SECONDS}
RUN_DAILY_JOBS_IN_PROCESS = env.bool("RUN_DAILY_JOBS_IN_PROCESS", default=not REDIS_URL)

SESSION_COOKIE_AGE = 60 * 60 * 12
# A session ends after SESSION_IDLE_MINUTES without a request (core.middleware) and when
# the browser is closed (the cookie has no expiry date).
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# The audit log (full-ID views, exports, imports, logins) is kept AUDIT_KEEP_DAYS days, at
# least six months (Cybersecurity Law art. 21); a daily job deletes older entries.
AUDIT_KEEP_DAYS = env.int("AUDIT_KEEP_DAYS", default=400)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG and env.bool("SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env("SECURE_SSL_REDIRECT")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# The site title shown in the header; empty means the translated default.
SITE_NAME = env("SITE_NAME", default="")
# Area code used by seed_demo for synthetic ID numbers (Shicheng County).
DEMO_AREA_CODE = "360735"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # django-axes logs every login at INFO; failures and lockouts stay visible.
        "axes": {"level": env("AXES_LOG_LEVEL", default="WARNING")},
    },
}

# seed_demo: functions (rng=, stdout=) that add each app's demo records after the registry,
# and functions (stdout=) that run after the demo accounts exist. Each must be idempotent.
DEMO_SEEDERS: list[str] = []
DEMO_ACCOUNT_SEEDERS: list[str] = [
    "services.demo.requests.seed_requests",
]
# Sections that apps above the registry add to the household and person pages. A household
# section is made for many households at once (the household page, its file, a building's
# print): functions (request=, households=, full_ids=) -> {household pk: {"template",
# "context"} | None}, a fixed number of queries for any number of households. A person
# section: functions (request=, person=, full_ids=) -> {"template", "context"} | None.
HOUSEHOLD_PAGE_SECTIONS: list[str] = [
    "services.requests.views.household_requests_sections",
]
PERSON_PAGE_SECTIONS: list[str] = []

# Residents' requests: days from filing to the deadline, by urgency.
REQUEST_DEADLINE_DAYS = {
    "urgent": env.int("REQUEST_DEADLINE_URGENT_DAYS", default=3),
    "normal": env.int("REQUEST_DEADLINE_NORMAL_DAYS", default=7),
    "low": env.int("REQUEST_DEADLINE_LOW_DAYS", default=15),
}
# Largest photo accepted with a request, in megabytes (before re-encoding).
REQUEST_PHOTO_MAX_MB = env.int("REQUEST_PHOTO_MAX_MB", default=10)
# Obligation records (services/records/): demo records, refusal notices for the demo
# accounts, and the records sections of the staff person and household pages.
DEMO_SEEDERS += ["services.demo.records.seed_records"]
DEMO_ACCOUNT_SEEDERS += ["services.demo.records.notify_demo_refusals"]
HOUSEHOLD_PAGE_SECTIONS += ["services.records.sections.household_records_sections"]
PERSON_PAGE_SECTIONS += ["services.records.sections.person_records_section"]
# Obligation rules (services/obligations/rules.py). Age bands and windows are local policy
# (DOMAIN.md §8), so they are configuration read from the environment, not constants.
OBLIGATIONS = {
    "WORKING_AGE_MEN": (
        env.int("WORKING_AGE_MEN_FROM", default=16),
        env.int("WORKING_AGE_MEN_TO", default=59),
    ),
    "WORKING_AGE_WOMEN": (
        env.int("WORKING_AGE_WOMEN_FROM", default=16),
        env.int("WORKING_AGE_WOMEN_TO", default=49),
    ),
    "SCHOOL_AGE": (env.int("SCHOOL_AGE_FROM", default=6), env.int("SCHOOL_AGE_TO", default=15)),
    "PENSION_MIN_AGE": env.int("PENSION_MIN_AGE", default=16),
    "TRAINING_WINDOW_DAYS": env.int("TRAINING_WINDOW_DAYS", default=365),
    "HOUSING_M2_PER_PERSON": env.int("HOUSING_M2_PER_PERSON", default=25),
}
# Largest evidence file accepted on a work task's progress note.
WORK_TASK_EVIDENCE_MAX_BYTES = env.int("WORK_TASK_EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
# Seeders that count what the others wrote: run after the seed's transaction and ANALYZE.
DEMO_COUNT_SEEDERS: list[str] = ["services.demo.obligations.seed_rule_snapshots"]
DEMO_ACCOUNT_SEEDERS.append("services.demo.obligations.seed_work_tasks")
PERSON_PAGE_SECTIONS.append("services.obligations.sections.person_section")
HOUSEHOLD_PAGE_SECTIONS.append("services.obligations.sections.household_sections")
# Counts per household shown on the building leaders' phone pages, contributed by apps above
# the registry (functions (*, household_ids) -> {household pk: count}, with a ``label``).
MOBILE_HOUSEHOLD_COUNTS: list[str] = ["services.requests.mobile_hooks.open_requests_by_household"]
DEMO_ACCOUNT_SEEDERS += ["households.demo.fieldwork.seed_field_work"]
DEMO_ACCOUNT_SEEDERS.append("households.demo.representatives.seed_representatives")
# Excel reports for the county bureaus (services/reports/): a background job kind, and how
# many days a produced file is kept before the daily expiry removes it.
REPORT_FILE_DAYS = env.int("REPORT_FILE_DAYS", default=7)
JOB_KINDS["report"] = "services.reports.jobs.REPORT_JOB"
# The table builder's demo templates (一表通) belong to the demo accounts.
DEMO_ACCOUNT_SEEDERS.append("services.demo.tables.seed_tables")
# Monitoring against falling back into poverty (services/monitoring/, DOMAIN.md §3). The
# income thresholds themselves are data (监测标准, kept by staff per province and year).
MONITORING = {
    "PROVINCE": env("MONITORING_PROVINCE", default="江西省"),
    "DECISION_DAYS": env.int("MONITORING_DECISION_DAYS", default=15),  # lead → county decision
    "WARN_DAYS": env.int("MONITORING_WARN_DAYS", default=3),  # flagged this many days before
    "NOTICE_MIN_DAYS": env.int("MONITORING_NOTICE_MIN_DAYS", default=5),
    "CLEARING_STABLE_MONTHS": env.int("MONITORING_CLEARING_STABLE_MONTHS", default=6),
    "INCOME_MARGIN_PERCENT": env.int("MONITORING_INCOME_MARGIN_PERCENT", default=10),
    "ALERT_LOOKBACK_DAYS": env.int("MONITORING_ALERT_LOOKBACK_DAYS", default=30),
    "AUTHORISATION_MAX_MB": env.int("MONITORING_AUTHORISATION_MAX_MB", default=10),
}
# Visit cadence (户户见, DOMAIN.md §11): periods are "week" (Monday–Sunday) or "month".
VISITS = {
    "ALL_PERIOD": env("VISIT_ALL_PERIOD", default="month"),
    "KEY_GROUP_PERIOD": env("VISIT_KEY_GROUP_PERIOD", default="week"),
    "ELDERLY_ALONE_AGE": env.int("VISIT_ELDERLY_ALONE_AGE", default=70),
    "LEFT_BEHIND_CHILD_AGE": env.int("VISIT_LEFT_BEHIND_CHILD_AGE", default=16),
    "SEVERE_DISABILITY_GRADES": env("VISIT_SEVERE_DISABILITY_GRADES", default="12"),
}
# Household representatives (户长, households/representatives/): how many households one
# representative looks after at most.
REPRESENTATIVE_MAX_HOUSEHOLDS = env.int("REPRESENTATIVE_MAX_HOUSEHOLDS", default=15)
DAILY_TASKS["raise_monitoring_alerts"] = "services.monitoring.tasks.raise_monitoring_alerts"
CELERY_BEAT_SCHEDULE["raise_monitoring_alerts"] = {
    "task": DAILY_TASKS["raise_monitoring_alerts"],
    "schedule": crontab(hour=1, minute=30),
}
HOUSEHOLD_PAGE_SECTIONS.append("services.monitoring.sections.household_monitoring_sections")
# Sections that apps above the registry add to the leaders' phone home page
# (functions (request=) -> {"template", "context"} | None).
MOBILE_HOME_SECTIONS: list[str] = ["services.monitoring.sections.mobile_visits_due_section"]
# After the field work: the demo cases are raised by the leaders' visits and run by the accounts.
DEMO_ACCOUNT_SEEDERS.append("services.demo.monitoring.seed_monitoring")

# The community's organisation (community/organisation). Member counts and term lengths per
# organisation kind, as the law in force sets them (DOMAIN.md §6: the 2018 居民委员会组织法,
# 5–9 members, a 5-year term); a kind not listed is not checked.
ORGANISATION_RULES = {
    "committee": {
        "MEMBERS": (
            env.int("COMMITTEE_MEMBERS_MIN", default=5),
            env.int("COMMITTEE_MEMBERS_MAX", default=9),
        ),
        "TERM_YEARS": env.int("COMMITTEE_TERM_YEARS", default=5),
    },
}
# The plan's "年龄40周岁以下" for openly recruited cadres (以下 includes the number).
CADRE_RECRUITMENT_AGE_LIMIT = env.int("CADRE_RECRUITMENT_AGE_LIMIT", default=40)
# Fire-safety rectifications: days given when an inspection does not set a deadline.
FIRE_RECTIFICATION_DEFAULT_DAYS = env.int("FIRE_RECTIFICATION_DEFAULT_DAYS", default=30)
DEMO_SEEDERS.append("households.demo.organisation.seed_organisation")
DEMO_ACCOUNT_SEEDERS.append("services.demo.registers.seed_registers")
# Roster import (households/imports/): the two background jobs, and the limits of a file.
JOB_KINDS["household_import_check"] = "households.imports.jobs.CHECK_JOB"
JOB_KINDS["household_import_write"] = "households.imports.jobs.WRITE_JOB"
IMPORT_MAX_MB = env.int("IMPORT_MAX_MB", default=20)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=200_000)
# The declared uncompressed size of a workbook above which it is refused as a zip bomb.
IMPORT_MAX_UNZIPPED_MB = env.int("IMPORT_MAX_UNZIPPED_MB", default=1000)

# The owners' side (ownersassoc): the units whose department users read the community fund
# ledger (codes of community.Department).
OWNERS_LEDGER_UNITS = ["finance", "poverty-office"]
DEMO_ACCOUNT_SEEDERS.append("ownersassoc.demo.owners.seed_owners")

# Content-Security-Policy (django-csp 4): only the project's own files. No inline script or
# style (pages put their JS in static/js and their styles in static/css); images from the
# site and data: URIs, which Bootstrap's CSS uses for its icons (navbar toggler, select
# arrows, close buttons) and the two-factor page for its QR code; never in a frame.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Two-factor login (core.twofactor): required for administrators and for accounts holding
# one of these permissions (checked by codename) when REQUIRE_2FA is on; on by default in
# production (DEBUG off), off in the embedded demo (make run sets DEBUG) and in the tests.
TWO_FACTOR_PERMISSIONS = ["households.view_full_id_number", "services.export_full_id_number"]
REQUIRE_2FA = env.bool("REQUIRE_2FA", default=not DEBUG and not TESTING)
OTP_TOTP_ISSUER = "Tongluowan"
