"""``python -m bench``: time the registry's pages on a seeded PostgreSQL database.

Environment:
  BENCH_DATABASE_URL  default postgres://postgres@127.0.0.1:5432/tlw_bench (created if missing)
  BENCH_HOUSEHOLDS    households to seed with ``seed_demo --households N --no-accounts``
                      (default 20000); a database that already holds N demo households is
                      reused as it is
  BENCH_REPEAT        timed requests per page (default 7; the median is reported)
  BENCH_PAGES         only the pages whose label contains one of these comma-separated
                      words (default: every page), e.g. ``search,household``
"""

import os
import platform
import statistics
import sys
import time
from urllib.parse import urlencode

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tlw_bench"
AFTER_SAVE = "#after-save"  # a marker on a case's URL: save a person before each request


def _configure_environment():
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    # Development settings: static files without a collected manifest, no daily jobs run
    # by the first request, no broker.
    os.environ.setdefault("DEBUG", "1")
    os.environ["RUN_DAILY_JOBS_IN_PROCESS"] = "0"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tonglowan.settings")


def _ensure_database(url: str):
    """Create the benchmark database when it does not exist yet."""
    import environ
    import psycopg2
    from psycopg2 import sql

    config = environ.Env.db_url_config(url)
    if "postgresql" not in config["ENGINE"]:
        sys.exit("BENCH_DATABASE_URL must point at PostgreSQL.")
    params = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
    }
    conn = psycopg2.connect(dbname="postgres", **params)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if cur.fetchone() is None:
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
            print(f"Created database {config['NAME']}.")
    conn.close()


def _seed(households: int) -> str:
    from django.core.management import call_command

    from households.demo import registry as demo
    from households.models import Household

    call_command("migrate", verbosity=0)
    existing = Household.objects.filter(number__startswith=demo.NUMBER_PREFIX).count()
    if existing == households:
        _vacuum()
        return f"reused a database with {households:,} demo households"
    if existing:
        sys.exit(
            f"The database holds {existing:,} demo households, not {households:,}: use another "
            "BENCH_DATABASE_URL or drop this database."
        )
    started = time.monotonic()
    call_command("seed_demo", households=households, no_accounts=True)
    _vacuum()
    return f"seeded {households:,} households in {time.monotonic() - started:.0f} s"


def _vacuum():
    """``VACUUM ANALYZE``, as autovacuum does on a production server after rows are added
    or changed: fresh planner statistics, and the visibility map that index-only scans
    read (the server may run with autovacuum off, as a benchmark machine's may; a table
    whose pages are not marked all-visible sends every index-only scan to the table's rows).
    Quick on a database already vacuumed: pages marked all-visible are skipped."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _users():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from community.roles import Role

    User = get_user_model()
    staff, _ = User.objects.get_or_create(username="bench-staff")
    staff.groups.add(Group.objects.get(name=Role.STAFF.value))
    admin, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    return staff, admin


def _service_users():
    """A user of the employment bureau, a supervisor, and the leader of a middle building."""
    import datetime

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from buildings.models import Building, BuildingLeaderTerm
    from community.models import Department, UserProfile
    from community.roles import Role

    User = get_user_model()

    def user(username, role, unit=None):
        obj, _ = User.objects.get_or_create(username=username)
        obj.groups.add(Group.objects.get(name=role.value))
        if unit:
            UserProfile.objects.update_or_create(
                user=obj, defaults={"department": Department.objects.get(code=unit)}
            )
        return obj

    renshe = user("bench-renshe", Role.DEPARTMENT, "human-resources")
    fupin = user("bench-fupin", Role.SUPERVISOR, "poverty-office")
    leader = user("bench-leader", Role.BUILDING_LEADER)
    building = Building.objects.order_by("code")[Building.objects.count() // 2]
    if not BuildingLeaderTerm.objects.filter(building=building, ended_on__isnull=True).exists():
        BuildingLeaderTerm.objects.create(
            building=building,
            user=leader,
            elected_on=datetime.date(2019, 7, 1),
            started_on=datetime.date(2019, 7, 1),
        )
    return renshe, fupin, leader


def _cases(staff, admin, renshe, fupin, leader):
    """(label, user, url) for every measured page, with search terms taken from the data."""
    from django.db.models import Count
    from django.db.models.functions import Left

    from buildings.models import Building
    from households.models import Household, Person
    from households.views import MAX_PAGES, PAGE_SIZE

    count = Household.objects.count()
    middle = Household.objects.order_by("pk").values_list("pk", flat=True)[count // 2]
    person = Person.objects.filter(household_id=middle, relationship="01").first()
    with_phone = Person.objects.filter(household_id__gte=middle).exclude(phone="").first()
    building = Building.objects.order_by("code")[Building.objects.count() // 2]
    last_page = min(MAX_PAGES, -(-count // PAGE_SIZE))
    prefix = person.name[:2]
    # The commonest surname (its first character): the search that matches the most people.
    surname = (
        Person.objects.annotate(first=Left("name", 1))
        .values("first")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("first", flat=True)[0]
    )

    print_households = Household.objects.filter(dwelling__building=building, is_active=True).count()

    def households(**params):
        return "/households/?" + urlencode(params)

    def people(**params):
        return "/households/people/?" + urlencode(params)

    return [
        ("household list, page 1", staff, households()),
        (f"household list, page {last_page}", staff, households(page=last_page)),
        ("household search: full ID number", staff, households(q=person.id_number)),
        (f"household search: name prefix {prefix}", staff, households(q=prefix)),
        (f"household search: surname {surname}", staff, households(q=surname)),
        ("household search: last 4 of ID", staff, households(q=person.id_number[-4:])),
        ("household search: phone", staff, households(q=with_phone.phone)),
        ("household list: building filter", staff, households(building=building.code)),
        ("people search: full ID number", staff, people(q=person.id_number)),
        (f"people search: name prefix {prefix}", staff, people(q=prefix)),
        (f"people search: surname {surname}", staff, people(q=surname)),
        ("people search: last 4 of ID", staff, people(q=person.id_number[-4:])),
        ("people search: phone", staff, people(q=with_phone.phone)),
        ("household detail", staff, f"/households/{middle}/"),
        ("household file", staff, f"/households/{middle}/file/"),
        (
            f"building print ({print_households} households)",
            staff,
            f"/households/buildings/{building.pk}/files/",
        ),
        ("dashboard (counts cached for a minute)", staff, "/households/overview/"),
        ("dashboard, counting afresh", staff, "/households/overview/?fresh"),
        ("building list", staff, "/buildings/"),
        ("building detail", staff, f"/buildings/{building.pk}/"),
        ("admin: person changelist", admin, "/admin/households/person/"),
        (
            "admin: person search, ID number",
            admin,
            f"/admin/households/person/?q={person.id_number}",
        ),
        (
            "admin: person search, name prefix",
            admin,
            "/admin/households/person/?" + urlencode({"q": prefix}),
        ),
        ("admin: household changelist", admin, "/admin/households/household/"),
        ("admin: household change form", admin, f"/admin/households/household/{middle}/change/"),
        ("admin: person change form", admin, f"/admin/households/person/{person.pk}/change/"),
        ("unit dashboard (县人社局), counts kept", renshe, "/services/obligations/"),
        (
            "unit dashboard (县人社局), right after a save",
            renshe,
            "/services/obligations/" + AFTER_SAVE,
        ),
        ("unit dashboard (县人社局), counting afresh", renshe, "/services/obligations/?recount=1"),
        ("rule list: training overdue", renshe, "/services/obligations/rules/training-overdue/"),
        (
            "rule list: zero-employment households",
            renshe,
            "/services/obligations/rules/zero-employment/",
        ),
        ("supervisor overview, counts kept", fupin, "/services/obligations/overview/"),
        (
            "supervisor overview, right after a save",
            fupin,
            "/services/obligations/overview/" + AFTER_SAVE,
        ),
        (
            "supervisor overview, counting afresh",
            fupin,
            "/services/obligations/overview/?recount=1",
        ),
        ("request queue", staff, "/services/requests/"),
        ("records: trainings", renshe, "/services/records/training/"),
        ("records: medical insurance", staff, "/services/records/medicalinsurance/"),
        (
            "records: medical insurance recorded in a quarter",
            staff,
            "/services/records/medicalinsurance/?date_from=2025-01-01&date_to=2025-03-31",
        ),
        (
            "records: hukou migrations applied for in a quarter",
            staff,
            "/services/records/hukoumigration/?date_from=2019-04-01&date_to=2019-06-30",
        ),
        ("leader's phone home", leader, "/m/"),
    ]


def _measure(client, url: str, repeat: int):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from households.models import Person

    fresh = url.endswith("?fresh")  # empty the cache before each request
    after_save = url.endswith(AFTER_SAVE)  # save one person before each request
    url = url.removesuffix(AFTER_SAVE)
    client.get(url)  # warm up: caches, connection
    timings = []
    people = (
        Person.objects.order_by("?").values_list("pk", flat=True)[:repeat] if after_save else []
    )
    for i in range(repeat):
        if fresh:
            cache.clear()
        if after_save:
            # As a staff edit would: the person's building is marked for its counts.
            person = Person.objects.get(pk=people[i % len(people)])
            person.save(update_fields=["phone"])
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
    return response.status_code, statistics.median(timings), min(timings), len(ctx.captured_queries)


def main():
    _configure_environment()
    households = int(os.environ.get("BENCH_HOUSEHOLDS", "20000"))
    repeat = int(os.environ.get("BENCH_REPEAT", "7"))
    _ensure_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from households.models import Person

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    seeded = _seed(households)
    staff, admin = _users()
    renshe, fupin, leader = _service_users()
    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        pg_version = cur.fetchone()[0]
    print()
    print(
        f"Registry: {households:,} households, {Person.objects.count():,} people ({seeded}); "
        f"PostgreSQL {pg_version.split()[0]}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPU cores; median of {repeat} requests after one warm-up."
    )
    rows = []
    clients = {}
    wanted = [w for w in os.environ.get("BENCH_PAGES", "").split(",") if w]
    for label, user, url in _cases(staff, admin, renshe, fupin, leader):
        if wanted and not any(w in label for w in wanted):
            continue
        client = clients.get(user.pk)
        if client is None:
            client = clients[user.pk] = Client()
            client.force_login(user)
        status, median, fastest, queries = _measure(client, url, repeat)
        rows.append((label, f"{median:.0f}", f"{fastest:.0f}", str(queries), str(status)))
    headers = ("page", "median ms", "min ms", "queries", "status")
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        print("| " + " | ".join(cells) + " |")
    _print_goals({row[0]: float(row[1]) for row in rows})


# Issue 13's goals for these pages at county and province scale: (what, the pages' labels
# start with, the goal in ms; None: the admin's household change form's time in this run).
GOALS = [
    ("supervisor overview right after a save", "supervisor overview, right after", 500),
    ("a unit's dashboard right after a save", "unit dashboard (县人社局), right after", 300),
    ("a rule's list page", "rule list:", 50),
    ("household page", "household detail", 50),
    ("household page, against the admin's change form", "household detail", None),
    ("household search by the last 4 ID characters", "household search: last 4", 20),
    ("people search by the last 4 ID characters", "people search: last 4", 20),
    ("household search by the commonest surname", "household search: surname", 50),
    ("people search by the commonest surname", "people search: surname", 50),
]


def _print_goals(medians: dict) -> None:
    """Each goal beside the slowest of its pages' medians in this run, met or by how much
    not."""
    admin_form = medians.get("admin: household change form")
    lines = []
    for what, prefix, goal in GOALS:
        found = [ms for label, ms in medians.items() if label.startswith(prefix)]
        if goal is None:
            goal = admin_form
        if not found or goal is None:
            continue  # left out by BENCH_PAGES
        worst = max(found)
        verdict = "met" if worst < goal else f"not met: {worst - goal:.0f} ms over"
        lines.append((what, f"{worst:.0f}", f"under {goal:.0f}", verdict))
    if not lines:
        return
    print()
    print("Against the goals (the slowest median of each goal's pages in this run):")
    headers = ("goal", "median ms", "goal ms", "result")
    widths = [max(len(h), *(len(r[i]) for r in lines)) for i, h in enumerate(headers)]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for line in lines:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) + " |")


if __name__ == "__main__":
    main()
