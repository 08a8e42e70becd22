"""``python -m bench.load``: the registry under load, on the benchmark database.

gunicorn with the production settings (``DEBUG=0``, a Redis cache, collected static files)
on a loopback port, and locust (``bench/requirements.txt``) running 50 staff sessions
browsing and searching and 30 building leaders on ``/m/`` for ``BENCH_LOAD_SECONDS``
(default 120). Then the same load with the staff on the Django admin's changelists instead
of the staff pages, for comparison. Then the head-to-head of one page: ``BENCH_LOAD_LIST_USERS``
connections (default 16) requesting the household list back to back for
``BENCH_LOAD_LIST_SECONDS`` (default 60), then the admin's household changelist the same way.
It prints two tables; it asserts nothing. ``BENCH_LOAD_RUNS`` ("mixed,list" by default) can
leave out either part.

Environment: as ``python -m bench`` (``BENCH_DATABASE_URL``, ``BENCH_HOUSEHOLDS``), plus
``BENCH_LOAD_SECONDS``, ``BENCH_LOAD_WORKERS`` (gunicorn workers, default 3),
``BENCH_LOAD_REDIS`` (default redis://127.0.0.1:6379/14) and ``BENCH_LOAD_PORT`` (8765).
Only loopback addresses are used.
"""

import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.__main__ import _configure_environment, _ensure_database, _seed

ROOT = Path(__file__).resolve().parent.parent
STAFF, LEADERS = 50, 30


def _sessions() -> dict:
    """Users and their sessions: 50 staff, 30 leaders of 30 buildings, one admin."""
    import datetime

    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from buildings.models import Building, BuildingLeaderTerm
    from community.roles import Role
    from core.twofactor import needs_two_factor
    from households.models import Household, Person

    User = get_user_model()

    def session_for(user):
        """A signed-in session, with its second factor given when the account needs one
        (production asks staff and administrators for it: ``REQUIRE_2FA``), as after a
        code was entered on the verify page."""
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        if needs_two_factor(user):
            device, _created = TOTPDevice.objects.get_or_create(
                user=user, name="load benchmark", defaults={"confirmed": True}
            )
            store[DEVICE_ID_SESSION_KEY] = device.persistent_id
        store.create()
        return store.session_key

    def user(name, role=None, **extra):
        obj, _created = User.objects.get_or_create(username=name, defaults=extra)
        obj.set_password(f"{name}-load-only")
        obj.save()
        if role:
            obj.groups.add(Group.objects.get(name=role.value))
        return obj

    staff = [session_for(user(f"load-staff-{i}", Role.STAFF)) for i in range(STAFF)]
    admins = [
        session_for(user(f"load-admin-{i}", is_staff=True, is_superuser=True)) for i in range(STAFF)
    ]
    buildings = list(Building.objects.order_by("?")[:LEADERS])
    leaders, leader_households = [], {}
    for i, building in enumerate(buildings):
        leader = user(f"load-leader-{i}", Role.BUILDING_LEADER)
        BuildingLeaderTerm.objects.filter(building=building, ended_on__isnull=True).exclude(
            user=leader
        ).update(ended_on=datetime.date.today())
        BuildingLeaderTerm.objects.get_or_create(
            building=building,
            user=leader,
            ended_on=None,
            defaults={
                "elected_on": datetime.date(2019, 7, 1),
                "started_on": datetime.date(2019, 7, 1),
            },
        )
        key = session_for(leader)
        leaders.append(key)
        leader_households[key] = list(
            Household.objects.filter(dwelling__building=building).values_list("pk", flat=True)[:40]
        )
    people = Person.objects.order_by("?")[:200]
    search = [p.name[:2] for p in people[:100]] + [p.id_number for p in people[100:]]
    households = list(Household.objects.order_by("?").values_list("pk", flat=True)[:500])
    return {
        "staff": staff,
        "admins": admins,
        "leaders": leaders,
        "leader_households": leader_households,
        "search": search,
        "households": households,
    }


def _wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 — loopback only
            return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"gunicorn did not answer on {url}")


def _rss_mb(pid: int) -> float:
    """Resident memory of gunicorn's workers (the children of the master), in MB."""
    total = 0
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        for line in Path(f"/proc/{child}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total = max(total, int(line.split()[1]))
    return total / 1024


def _run_locust(
    env, seconds: int, mode: str, csv_prefix: str, host: str, *, users: int, classes: list
) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            *classes,
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            "20",
            "--run-time",
            f"{seconds}s",
            "--host",
            host,
            "--csv",
            csv_prefix,
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        env={**env, "BENCH_LOAD_MODE": mode},
        check=False,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )


def _rows(csv_prefix: str) -> list[dict]:
    with open(f"{csv_prefix}_stats.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def main():
    _configure_environment()
    # One key for this process (which makes the sessions) and for the server (which reads
    # them): a session signed with another key is no session.
    os.environ["SECRET_KEY"] = "load-benchmark-" + os.urandom(16).hex()
    households = int(os.environ.get("BENCH_HOUSEHOLDS", "20000"))
    seconds = int(os.environ.get("BENCH_LOAD_SECONDS", "120"))
    list_seconds = int(os.environ.get("BENCH_LOAD_LIST_SECONDS", "60"))
    list_users = int(os.environ.get("BENCH_LOAD_LIST_USERS", "16"))
    runs = set(os.environ.get("BENCH_LOAD_RUNS", "mixed,list").split(","))
    workers = os.environ.get("BENCH_LOAD_WORKERS", "3")
    port = os.environ.get("BENCH_LOAD_PORT", "8765")
    redis = os.environ.get("BENCH_LOAD_REDIS", "redis://127.0.0.1:6379/14")
    _ensure_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from households.models import Person

    seeded = _seed(households)
    data = _sessions()
    workdir = Path(tempfile.mkdtemp(prefix="tlw-load-"))
    sessions_file = workdir / "sessions.json"
    sessions_file.write_text(json.dumps(data), encoding="utf-8")
    env = {
        **os.environ,
        "DEBUG": "0",
        "REDIS_URL": redis,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "0",
        "RUN_DAILY_JOBS_IN_PROCESS": "0",
        "BENCH_LOAD_SESSIONS": str(sessions_file),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        env=env,
        cwd=ROOT,
        check=True,
    )
    host = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "tonglowan.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            workers,
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        _wait_for(f"{host}/accounts/login/")
        results = {}
        for mode in ("pages", "admin") if "mixed" in runs else ():
            prefix = str(workdir / mode)
            _run_locust(
                env,
                seconds,
                mode,
                prefix,
                host,
                users=STAFF + LEADERS,
                classes=["StaffUser", "LeaderUser"],
            )
            results[mode] = (_rows(prefix), _rss_mb(server.pid))
        head_to_head = {}
        for mode in ("list", "admin-list") if "list" in runs else ():
            prefix = str(workdir / mode)
            load = os.getloadavg()[0]
            _run_locust(
                env, list_seconds, mode, prefix, host, users=list_users, classes=["ListUser"]
            )
            rows = [r for r in _rows(prefix) if r["Name"] != "Aggregated"]
            head_to_head[mode] = (rows[0], _rss_mb(server.pid), load)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    print()
    print(
        f"Load: {households:,} households, {Person.objects.count():,} people ({seeded}); "
        f"gunicorn {workers} workers, DEBUG=0, Redis cache; {STAFF} staff and {LEADERS} "
        f"leader sessions for {seconds} s per run, on loopback."
    )
    headers = ("run", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "worker RSS MB")
    lines = []
    for mode, (rows, rss) in results.items():
        for row in rows:
            label = (
                ("staff pages" if mode == "pages" else "admin changelists")
                + ": "
                + ("all" if row["Name"] == "Aggregated" else row["Name"])
            )
            rss_cell = f"{rss:.0f}" if row["Name"] == "Aggregated" else ""
            lines.append((label, *_stats(row), rss_cell))
    if lines:
        _table(headers, lines)
    if not head_to_head:
        return
    print()
    print(
        f"One list, {list_users} connections each requesting it again as soon as it comes "
        f"(pages 1–20 at random), {list_seconds} s per run:"
    )
    lines = []
    for row, rss, load in head_to_head.values():
        lines.append((row["Name"], *_stats(row), f"{rss:.0f}", f"{load:.1f}"))
    _table((*headers, "load avg at start"), lines)
    ours, theirs = (float(head_to_head[m][0]["Requests/s"]) for m in ("list", "admin-list"))
    if theirs:
        print(f"The household list serves {ours / theirs:.2f} times the admin changelist's req/s.")


def _stats(row: dict) -> tuple:
    """A locust stats row's requests, req/s, p50, p95, p99 and failures."""
    return (
        row["Request Count"],
        f"{float(row['Requests/s']):.1f}",
        row["50%"],
        row["95%"],
        row["99%"],
        row["Failure Count"],
    )


def _table(headers, lines) -> None:
    widths = [max(len(h), *(len(r[i]) for r in lines)) for i, h in enumerate(headers)]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for line in lines:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) + " |")


if __name__ == "__main__":
    main()
