"""``python -m bench.load``: the registry under load, on the benchmark database.

gunicorn with the production settings (``DEBUG=0``, a Redis cache, collected static files)
on a loopback port, and locust (``bench/requirements.txt``) running 50 staff sessions
browsing and searching and 30 building leaders on ``/m/`` for ``BENCH_LOAD_SECONDS``
(default 120). Then the same load with the staff on the Django admin's changelists instead
of the staff pages, for comparison. It prints a table; it asserts nothing.

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

    from buildings.models import Building, BuildingLeaderTerm
    from community.roles import Role
    from households.models import Household, Person

    User = get_user_model()

    def session_for(user):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
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


def _run_locust(env, seconds: int, mode: str, csv_prefix: str, host: str) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--users",
            str(STAFF + LEADERS),
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
        for mode in ("pages", "admin"):
            prefix = str(workdir / mode)
            _run_locust(env, seconds, mode, prefix, host)
            results[mode] = (_rows(prefix), _rss_mb(server.pid))
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
            lines.append(
                (
                    label,
                    row["Request Count"],
                    f"{float(row['Requests/s']):.1f}",
                    row["50%"],
                    row["95%"],
                    row["99%"],
                    row["Failure Count"],
                    f"{rss:.0f}" if row["Name"] == "Aggregated" else "",
                )
            )
    widths = [max(len(h), *(len(r[i]) for r in lines)) for i, h in enumerate(headers)]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for line in lines:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) + " |")


if __name__ == "__main__":
    main()
