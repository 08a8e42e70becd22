"""``python -m bench.plans``: the query plans of the household page, the household file, a
building's print and every kind of household and people search, on the benchmark database.

Each page is requested once as a community-staff user (after one warm-up request); every
SQL statement it sent is run again under ``EXPLAIN (ANALYZE, FORMAT JSON)`` with the same
parameters. Per page it prints the statements, their planning and execution times as
PostgreSQL reports them, and every sequential scan of a registry table (households,
people, their history) in any plan: a search whose plan scans such a table reads every
row of it and grows with the registry. ``BENCH_PLANS_FILE=path`` also writes the full
plans there as text.

Environment: BENCH_DATABASE_URL as for ``python -m bench`` (the database must be seeded:
run ``python -m bench`` once first).
"""

import json
import os
import sys
from urllib.parse import urlencode

from bench.__main__ import _configure_environment

REGISTRY_TABLES = (
    "households_household",
    "households_person",
    "households_historicalhousehold",
    "households_historicalperson",
)


def _cases():
    from buildings.models import Building
    from households.models import Household, Person

    count = Household.objects.count()
    middle = Household.objects.order_by("pk").values_list("pk", flat=True)[count // 2]
    person = Person.objects.filter(household_id=middle, relationship="01").first()
    with_phone = Person.objects.filter(household_id__gte=middle).exclude(phone="").first()
    building = Building.objects.order_by("code")[Building.objects.count() // 2]
    surname = person.name[:1]

    def households(**params):
        return "/households/?" + urlencode(params)

    def people(**params):
        return "/households/people/?" + urlencode(params)

    return [
        ("household page", f"/households/{middle}/"),
        ("household file", f"/households/{middle}/file/"),
        (f"building print ({building.code})", f"/households/buildings/{building.pk}/files/"),
        ("household list", households()),
        ("household search: full ID number", households(q=person.id_number)),
        (f"household search: name {person.name}", households(q=person.name)),
        (f"household search: surname {surname}", households(q=surname)),
        ("household search: last 4 of ID", households(q=person.id_number[-4:])),
        ("household search: phone", households(q=with_phone.phone)),
        ("household search: household number", households(q=person.household.number)),
        ("people search: full ID number", people(q=person.id_number)),
        (f"people search: name {person.name}", people(q=person.name)),
        (f"people search: surname {surname}", people(q=surname)),
        ("people search: last 4 of ID", people(q=person.id_number[-4:])),
        ("people search: phone", people(q=with_phone.phone)),
    ]


def _seq_scans(node, found):
    if node.get("Node Type") == "Seq Scan" and node.get("Relation Name") in REGISTRY_TABLES:
        found.append(f"{node['Relation Name']} ({node.get('Actual Rows', '?')} rows)")
    for child in node.get("Plans", []):
        _seq_scans(child, found)
    return found


def main():
    _configure_environment()
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.__main__ import _users

    if connection.vendor != "postgresql":
        sys.exit("BENCH_DATABASE_URL must point at PostgreSQL.")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    staff, _ = _users()
    client = Client()
    client.force_login(staff)
    plans_file = os.environ.get("BENCH_PLANS_FILE")
    out = open(plans_file, "w") if plans_file else None  # noqa: SIM115
    rows = []
    for label, url in _cases():
        client.get(url)  # warm up
        with CaptureQueriesContext(connection) as ctx:
            status = client.get(url).status_code
        planning = execution = 0.0
        scans = []
        selects = 0
        for query in ctx.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            selects += 1
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
                plan = cursor.fetchone()[0]
            plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
            planning += plan["Planning Time"]
            execution += plan["Execution Time"]
            _seq_scans(plan["Plan"], scans)
            if out:
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE) " + sql)
                    text = "\n".join(r[0] for r in cursor.fetchall())
                out.write(f"-- {label}: {url}\n{sql}\n{text}\n\n")
        rows.append(
            (
                label,
                str(len(ctx.captured_queries)),
                f"{planning:.1f}",
                f"{execution:.1f}",
                "; ".join(scans) or "none",
                str(status),
            )
        )
    if out:
        out.close()
    headers = ("page", "queries", "planning ms", "execution ms", "registry seq scans", "status")
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")


if __name__ == "__main__":
    main()
