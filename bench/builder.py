"""``python -m bench.builder``: a 30-column table of the table builder (一表通) beside the
fixed ``roster`` report, on a seeded PostgreSQL database.

Both run ``services.reports.services.report_export`` (what the job and ``export_report``
run) for a community-staff user, IDs masked, to an .xlsx file, each in a fresh process so
that its peak RSS is its own. The table is one row per person with 30 columns: registry
fields across the four registry models, derived facts (age, household size, laborers, the
head's name), the latest medical insurance, employment and training records (a
``Subquery`` each) and two rules (an ``Exists`` each). The roster writes its three sheets
(households, people, the buildings' figures); rows/s counts the data rows of every sheet.

The database is seeded once per size (``seed_demo --households N --no-accounts`` then
``ANALYZE``) and reused, as ``bench.reports`` does.

Environment:
  BENCH_REPORT_DATABASE   database name prefix (default tonglowan_i8): ``<prefix>_<households>``
  BENCH_REPORT_SERVER     default postgres://postgres@127.0.0.1:5432
  BENCH_BUILDER_HOUSEHOLDS sizes in households, comma-separated (default 2500: about 10,000
                          people)
"""

import json
import os
import subprocess
import sys
import time

from bench.reports import _count_queries, _env, _peak_mb, _people, _seed, _setup

COLUMNS = [
    "derived.row_number",
    "building.code",
    "dwelling.entrance",
    "dwelling.room",
    "household.number",
    "person.name",
    "person.id_number",
    "person.sex",
    "person.birth_date",
    "derived.age",
    "person.relationship",
    "person.phone",
    "person.ethnicity",
    "person.education",
    "person.health",
    "person.labour_capacity",
    "person.hukou_status",
    "household.poverty_status",
    "household.move_in_date",
    "household.origin_town",
    "household.phone",
    "derived.head_name",
    "derived.household_size",
    "derived.laborers",
    "record.medicalinsurance.place",
    "record.employment.employer",
    "record.employment.monthly_income",
    "record.training.course",
    "rule.zero-employment",
    "rule.medical-insurance-missing",
]
assert len(COLUMNS) == 30


def child(mode: str, path: str) -> dict:
    user = _setup()
    from services.reports.definitions import REPORTS
    from services.reports.services import report_export

    if mode == "table":
        from services.reports.builder.services import table_report

        spec = {
            "rows": "person",
            "columns": [{"key": key, "header": ""} for key in COLUMNS],
            "filters": {},
            "sort": [],
        }
        report = table_report(user=user, spec=spec)
    else:
        report = REPORTS[mode]
    counter = _count_queries()
    started = time.perf_counter()
    report_export(report=report, user=user, params={}, path=path, full_ids=False)
    seconds = time.perf_counter() - started
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    rows = sum(max(ws.max_row - 6, 0) for ws in book.worksheets)  # 5 title rows + header
    return {"seconds": seconds, "rows": rows, "queries": counter["n"], "peak_mb": _peak_mb()}


def _child(args: list[str], env: dict) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "bench.builder", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        sys.exit(result.stdout + result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    if len(sys.argv) > 1:  # a child process: one measurement, printed as JSON
        print(json.dumps(child(sys.argv[1], sys.argv[2])))
        return
    sizes = [int(s) for s in os.environ.get("BENCH_BUILDER_HOUSEHOLDS", "2500").split(",")]
    path = f"/tmp/tonglowan-bench-builder-{os.getpid()}.xlsx"
    table = []
    for households in sizes:
        env = _env(households)
        print(f"{households:,} households: {_seed(households, env)}", flush=True)
        people = _people(env)
        roster = _child(["roster", path], env)
        built = _child(["table", path], env)
        for label, m in (("roster report (3 sheets)", roster), ("30-column table", built)):
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
        share = (built["rows"] / built["seconds"]) / (roster["rows"] / roster["seconds"])
        print(f"  the table writes {share:.0%} of the roster's rows/s", flush=True)
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
