"""``python -m bench.reports``: the bureaus' reports on a seeded PostgreSQL database, beside
the bare writers writing the same values from memory (the floor).

For each size the database is seeded once (``seed_demo --households N --no-accounts``, then
``ANALYZE``) and reused by later runs. Each measurement runs in its own process, so its peak
RSS is its own: the report (``services.reports.services.report_export`` as the job and the
shell run it, masked IDs) and, for the floor, the same sheets' values sampled from the
report (up to 2,000 rows a sheet, repeated to the same row counts) written by the chosen
writer (``core.excel``: xlsxwriter ``constant_memory``, the data rows' XML written by
``core.excel`` itself), by the same writer with every cell through xlsxwriter's own cell
methods (what ``core.excel`` did before it wrote the rows' XML), and by openpyxl write-only.

Environment:
  BENCH_REPORT_DATABASE   database name prefix (default tonglowan_i8): one database per size,
                          ``<prefix>_<households>`` on BENCH_REPORT_SERVER
  BENCH_REPORT_SERVER     default postgres://postgres@127.0.0.1:5432
  BENCH_REPORT_HOUSEHOLDS sizes in households, comma-separated (default 2500,25000: about
                          10,000 and 100,000 people)
  BENCH_REPORTS           reports to run (default roster,employment)
  BENCH_REPORT_FLOORS     floors to run beside each report (default
                          xlsxwriter,xlsxwriter-cells,openpyxl; "xlsxwriter" alone, or "none"
                          for the reports only, as at a size where each floor takes as long
                          as the report)
"""

import json
import os
import resource
import subprocess
import sys
import time

SAMPLE = 2000


def _env(households: int) -> dict:
    server = os.environ.get("BENCH_REPORT_SERVER", "postgres://postgres@127.0.0.1:5432")
    prefix = os.environ.get("BENCH_REPORT_DATABASE", "tonglowan_i8")
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"{server}/{prefix}_{households}",
        BENCH_DATABASE_URL=f"{server}/{prefix}_{households}",
        DEBUG="1",
        RUN_DAILY_JOBS_IN_PROCESS="0",
        DJANGO_SETTINGS_MODULE="tonglowan.settings",
    )
    env.pop("REDIS_URL", None)
    return env


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _setup():
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from community.roles import Role

    user, _ = get_user_model().objects.get_or_create(username="bench-staff")
    user.groups.add(Group.objects.get(name=Role.STAFF.value))
    return user


def _count_queries():
    from django.db import connection

    counter = {"n": 0}

    def wrapper(execute, sql, params, many, context):
        counter["n"] += 1
        return execute(sql, params, many, context)

    connection.execute_wrappers.append(wrapper)
    return counter


def child_report(code: str, path: str) -> dict:
    user = _setup()
    from django.utils import translation

    from services.reports.definitions import REPORTS
    from services.reports.services import report_export

    with translation.override("zh-hans"):
        pass  # the Chinese catalogues loaded once, as in a worker that has run a job before
    counter = _count_queries()
    total = {"rows": 0}

    def progress(done, _total):
        total["rows"] = done

    started = time.perf_counter()
    first = report_export(
        report=REPORTS[code], user=user, params={}, path=path, full_ids=False, progress=progress
    )
    seconds = time.perf_counter() - started
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    rows = sum(max(ws.max_row - 6, 0) for ws in book.worksheets)  # 5 title rows + header
    return {
        "seconds": seconds,
        "rows": rows,
        "first_sheet_rows": first,
        "queries": counter["n"],
        "peak_mb": _peak_mb(),
    }


def _samples(code: str):
    """Per sheet: (name, columns, sample values, row count), read from the report."""
    import itertools

    user = _setup()
    from django.utils import timezone, translation

    from core.excel import Column
    from services.reports.catalogue import ReportContext
    from services.reports.definitions import REPORTS

    with translation.override("zh-hans"):
        ctx = ReportContext(user=user, params={}, full_ids=False, today=timezone.localdate())
        out = []
        for spec in REPORTS[code].sheets(ctx):
            columns = [Column(str(c.header), c.type) for c in spec.columns]
            values = [
                [c.accessor(obj) for c in spec.columns]
                for obj in itertools.islice(spec.rows(), SAMPLE)
            ]
            out.append((str(spec.name), columns, values, spec.count()))
    return out


def child_floor(code: str, path: str, writer: str) -> dict:
    sheets = _samples(code)
    started = time.perf_counter()
    rows = 0
    if writer in ("xlsxwriter", "xlsxwriter-cells"):
        from core.excel import _XlsxSheet, open_writer

        if writer == "xlsxwriter-cells":  # every cell through xlsxwriter's cell methods
            _XlsxSheet._row_xml = lambda self, values: None

        with open_writer(path) as book:
            for name, columns, values, count in sheets:
                sheet = book.sheet(name, columns, title_lines=["floor"] * 5)
                for i in range(count if values else 0):
                    sheet.write_row(values[i % len(values)])
                    rows += 1
    else:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        for name, columns, values, count in sheets:
            ws = book.create_sheet(name[:31])
            for _line in range(5):
                ws.append(["floor"])
            ws.append([c.header for c in columns])
            for i in range(count if values else 0):
                ws.append(values[i % len(values)])
                rows += 1
        book.save(path)
    return {
        "seconds": time.perf_counter() - started,
        "rows": rows,
        "queries": 0,
        "peak_mb": _peak_mb(),
    }


def _child(args: list[str], env: dict) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "bench.reports", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        sys.exit(result.stdout + result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


def _seed(households: int, env: dict) -> str:
    script = (
        "import bench.__main__ as b, os\n"
        "b._ensure_database(os.environ['DATABASE_URL'])\n"
        "import django; django.setup()\n"
        f"print(b._seed({households}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode:
        sys.exit(result.stdout + result.stderr)
    return result.stdout.strip().splitlines()[-1]


def _people(env: dict) -> int:
    script = (
        "import django; django.setup()\n"
        "from households.models import Person\n"
        "print(Person.objects.filter(is_active=True, household__is_active=True).count())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    return int(result.stdout.strip().splitlines()[-1])


def main():
    if len(sys.argv) > 1:  # a child process: one measurement, printed as JSON
        mode, code, path = sys.argv[1:4]
        if mode == "report":
            print(json.dumps(child_report(code, path)))
        else:
            print(json.dumps(child_floor(code, path, mode)))
        return
    sizes = [int(s) for s in os.environ.get("BENCH_REPORT_HOUSEHOLDS", "2500,25000").split(",")]
    codes = os.environ.get("BENCH_REPORTS", "roster,employment").split(",")
    floors = os.environ.get("BENCH_REPORT_FLOORS", "xlsxwriter,xlsxwriter-cells,openpyxl").split(
        ","
    )
    path = f"/tmp/tonglowan-bench-report-{os.getpid()}.xlsx"
    table = []
    for households in sizes:
        env = _env(households)
        print(f"{households:,} households: {_seed(households, env)}", flush=True)
        people = _people(env)
        for code in codes:
            report = _child(["report", code, path], env)
            runs = [(f"{code} report", report)]
            if "xlsxwriter" in floors:
                floor = _child(["xlsxwriter", code, path], env)
                runs.append(("  floor: core.excel (xlsxwriter constant_memory)", floor))
            if "xlsxwriter-cells" in floors:
                cells = _child(["xlsxwriter-cells", code, path], env)
                runs.append(("  peer: the same, every cell through xlsxwriter", cells))
            if "openpyxl" in floors:
                other = _child(["openpyxl", code, path], env)
                runs.append(("  floor: openpyxl write-only", other))
            for label, m in runs:
                table.append(
                    (
                        f"{people:,}",
                        label,
                        f"{m['rows']:,}",
                        f"{m['seconds']:.1f}",
                        f"{m['rows'] / m['seconds']:,.0f}",
                        f"{m['peak_mb']:.0f}",
                        str(m["queries"]),
                    )
                )
            print(
                f"  {code}: {report['rows']:,} rows in {report['seconds']:.1f} s, "
                f"peak RSS {report['peak_mb']:.0f} MB, {report['queries']} queries",
                flush=True,
            )
            if "xlsxwriter" in floors:
                share = (report["rows"] / report["seconds"]) / (floor["rows"] / floor["seconds"])
                print(f"  {code}: {share:.0%} of the core.excel floor's rows/s", flush=True)
    if os.path.exists(path):
        os.unlink(path)
    headers = ("people", "run", "rows", "seconds", "rows/s", "peak RSS MB", "queries")
    widths = [max(len(h), *(len(r[i]) for r in table)) for i, h in enumerate(headers)]
    print()
    print("| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in table:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")


if __name__ == "__main__":
    main()
