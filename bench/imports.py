"""``python -m bench.imports``: the roster import on PostgreSQL, beside django-import-export 4
in its bulk mode and beside the floor (calamine read + a bare ``COPY``), on generated rosters.

Each variant runs in its own process (so its peak RSS is its own) on a registry emptied and
given the rosters' buildings and dwellings first. Prints a table; asserts nothing.

Environment:
  BENCH_IMPORT_DATABASE_URL  default postgres://postgres@127.0.0.1:5432/tonglowan_i9
  BENCH_IMPORT_SIZES         people per roster, default "10000,100000"
  BENCH_IMPORT_PEERS         "0" leaves out django-import-export (it takes minutes at 100,000)
  BENCH_IMPORT_PEER_SIZES    the sizes django-import-export runs at, default all of them
                             (e.g. "10000": at 100,000 it takes most of an hour here)
django-import-export is installed for the benchmark only: ``pip install -r bench/requirements.txt``.
"""

import datetime
import io
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tonglowan_i9"
PEOPLE_PER_HOUSEHOLD = 4
DWELLINGS_PER_BUILDING = 100
# Counties of Ganzhou: real area codes (an ID number's first six digits are checked), one
# per 15,000 households so that every generated number is different.
AREA_CODES = ("360735", "360730", "360731", "360732", "360733", "360734", "360781")
OUT = Path(__file__).resolve().parent.parent / "var" / "bench"


def _setup():
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_IMPORT_DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("DEBUG", "1")
    os.environ["RUN_DAILY_JOBS_IN_PROCESS"] = "0"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tonglowan.settings")
    import django

    django.setup()


# --- the roster ---------------------------------------------------------------------------


def _household_rows(h: int):
    from core.idnumbers import make_id_number

    birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=h % 15000)
    child = birth + datetime.timedelta(days=9000)
    area = AREA_CODES[h // 15000]
    building = f"B{h // DWELLINGS_PER_BUILDING:04d}"
    room = f"{h % DWELLINGS_PER_BUILDING + 101}"
    common = {
        "户编号": f"R{h:08d}",
        "楼栋": building,
        "单元": 1,
        "楼层": h % 6 + 1,
        "房号": room,
        "原籍乡镇": "小松镇",
        "原籍村": "丹溪村",
        "安置方式": "集中安置",
        "搬迁入住日期": "2019-05-25",
        "脱贫户类型": "一般脱贫户",
        "致贫原因": "因病",
        "监测对象类别": "非监测户",
    }
    members = [
        ("户主", birth, 1, "普通劳动力"),
        ("配偶", birth, 2, "普通劳动力"),
        ("子", child, 3, "技能劳动力"),
        ("女", child, 4, "弱劳动力或半劳动力"),
    ]
    for i, (relationship, born, seq, labour) in enumerate(members):
        yield {
            **common,
            "姓名": f"测{h:06d}{i}",
            "公民身份号码": make_id_number(area, born, seq),
            "与户主关系": relationship,
            "性别": "男" if seq % 2 else "女",
            "出生日期": born.isoformat(),
            "民族": "汉族",
            "文化程度": "初中",
            "在校状况": "非在校",
            "健康状况": "健康",
            "劳动技能": labour,
            "培训意愿": "愿意参加培训",
            "联系电话": f"138{h:08d}",
            "户籍状态": "已迁入社区",
        }


def write_roster(people: int, *, shared_strings: bool = False) -> Path:
    """The roster as a workbook: by default with each text in its cell (inline strings, as
    the roster report and other streaming writers save it); ``shared_strings``: with the
    texts in one shared table, as Excel and WPS save a workbook."""
    import xlsxwriter

    from households.imports.columns import COLUMNS

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"roster-v2-{people}{'-shared' if shared_strings else ''}.xlsx"
    if path.exists():
        return path
    headers = [c.header for c in COLUMNS]
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": not shared_strings})
    ws = wb.add_worksheet("户籍名单")
    ws.write_row(0, 0, headers)
    r = 1
    for h in range(people // PEOPLE_PER_HOUSEHOLD):
        for row in _household_rows(h):
            ws.write_row(r, 0, [row.get(k, "") for k in headers])
            r += 1
    wb.close()
    return path


def reset_registry(people: int) -> None:
    """An empty registry with the buildings and dwellings the roster names."""
    from decimal import Decimal

    from django.db import connection

    from buildings.models import Building, Dwelling

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE households_person, households_household, households_historicalperson, "
            "households_historicalhousehold, buildings_dwelling, buildings_historicaldwelling, "
            "buildings_building, households_importbatch CASCADE"
        )
    households = people // PEOPLE_PER_HOUSEHOLD
    buildings = Building.objects.bulk_create(
        Building(code=f"B{b:04d}", name=f"B{b:04d}", floors=6)
        for b in range((households + DWELLINGS_PER_BUILDING - 1) // DWELLINGS_PER_BUILDING)
    )
    Dwelling.objects.bulk_create(
        (
            Dwelling(
                building=buildings[h // DWELLINGS_PER_BUILDING],
                entrance=1,
                floor=h % 6 + 1,
                room=f"{h % DWELLINGS_PER_BUILDING + 101}",
                area=Decimal("90"),
            )
            for h in range(households)
        ),
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --- the variants (each in its own process) ----------------------------------------------------


def phase_check(path: Path) -> dict:
    from households.imports.services import check_file
    from households.imports.validate import Options

    check = check_file(path=str(path), name=path.name, options=Options())
    assert check.ok, [str(m) for m in check.errors[:5]]
    return {"people_new": check.counts["people_new"]}


def phase_write(path: Path) -> dict:
    """Validate + write as the confirmed import's job does it: the file checked again and
    written in one transaction, the models' validation beside the write."""
    from django.utils import translation

    from households.imports.services import batch_from_path, batch_write
    from households.imports.validate import Options

    with translation.override("zh-hans"):
        batch = batch_from_path(path=str(path), user=None, options=Options())
        written = batch_write(batch=batch, user=None, path=str(path))
    return written


def phase_import_export(path: Path) -> dict:
    """django-import-export 4 in bulk mode: households first (one row per household, from
    the heads' rows), then people, both keyed as the import keys them."""
    import tablib
    from import_export import fields, resources, widgets

    from buildings.models import Dwelling
    from households.imports.columns import BY_KEY
    from households.models import Household, Person

    with open(path, "rb") as fh:
        data = tablib.Dataset().load(fh, format="xlsx")

    class Choice(widgets.Widget):
        def __init__(self, key):
            column = BY_KEY[key]
            self.table = {**column.synonyms, **column.choices}

        def clean(self, value, row=None, **kwargs):
            return str(self.table[value]) if value else ""

    class DwellingWidget(widgets.Widget):
        def __init__(self):
            self.table = {
                (d.building.code, str(d.entrance), d.room): d
                for d in Dwelling.objects.select_related("building")
            }

        def clean(self, value, row=None, **kwargs):
            return self.table[(row["楼栋"], str(row["单元"]), str(row["房号"]))]

    def field(attribute, header, widget=None):
        return fields.Field(attribute=attribute, column_name=header, widget=widget)

    class HouseholdResource(resources.ModelResource):
        number = field("number", "户编号")
        dwelling = field("dwelling", "楼栋", DwellingWidget())
        origin_town = field("origin_town", "原籍乡镇")
        origin_village = field("origin_village", "原籍村")
        relocation_mode = field("relocation_mode", "安置方式", Choice("relocation_mode"))
        move_in_date = field("move_in_date", "搬迁入住日期", widgets.DateWidget("%Y-%m-%d"))
        poverty_status = field("poverty_status", "脱贫户类型", Choice("poverty_status"))
        main_cause = field("main_cause", "致贫原因", Choice("main_cause"))
        monitoring_category = field(
            "monitoring_category", "监测对象类别", Choice("monitoring_category")
        )

        class Meta:
            model = Household
            import_id_fields = ["number"]
            fields = [
                "number", "dwelling", "origin_town", "origin_village", "relocation_mode",
                "move_in_date", "poverty_status", "main_cause", "monitoring_category",
            ]  # fmt: skip
            use_bulk = True
            batch_size = 1000
            skip_unchanged = True

    class PersonResource(resources.ModelResource):
        household = field("household", "户编号", widgets.ForeignKeyWidget(Household, "number"))
        name = field("name", "姓名")
        id_number = field("id_number", "公民身份号码")
        relationship = field("relationship", "与户主关系", Choice("relationship"))
        sex = field("sex", "性别", Choice("sex"))
        birth_date = field("birth_date", "出生日期", widgets.DateWidget("%Y-%m-%d"))
        ethnicity = field("ethnicity", "民族")
        education = field("education", "文化程度", Choice("education"))
        school_status = field("school_status", "在校状况", Choice("school_status"))
        health = field("health", "健康状况", Choice("health"))
        labour_capacity = field("labour_capacity", "劳动技能", Choice("labour_capacity"))
        training_willingness = field(
            "training_willingness", "培训意愿", Choice("training_willingness")
        )
        phone = field("phone", "联系电话")
        hukou_status = field("hukou_status", "户籍状态", Choice("hukou_status"))

        class Meta:
            model = Person
            import_id_fields = ["id_number"]
            fields = [
                "household", "name", "id_number", "relationship", "sex", "birth_date",
                "ethnicity", "education", "school_status", "health", "labour_capacity",
                "training_willingness", "phone", "hukou_status",
            ]  # fmt: skip
            use_bulk = True
            batch_size = 1000
            skip_unchanged = True

    heads = tablib.Dataset(headers=data.headers)
    for row in data.dict:
        if row["与户主关系"] == "户主":
            heads.append([row[h] for h in data.headers])
    result = HouseholdResource().import_data(heads, raise_errors=True)
    people = PersonResource().import_data(data, raise_errors=True)
    return {"households": result.totals["new"], "people": people.totals["new"]}


def phase_floor(path: Path) -> dict:
    """The fastest read and the fastest write, no validation: calamine, then one COPY of the
    rows as text into a bare table."""
    import csv

    from django.db import connection
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    width = len(rows[0])
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows[1:]:
        writer.writerow(row)
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_floor")
        cursor.execute(
            "CREATE TABLE bench_floor (" + ", ".join(f"c{i} text" for i in range(width)) + ")"
        )
        cursor.cursor.copy_expert("COPY bench_floor FROM STDIN WITH (FORMAT csv)", buffer)
        cursor.execute("SELECT count(*) FROM bench_floor")
        count = cursor.fetchone()[0]
        cursor.execute("DROP TABLE bench_floor")
    return {"rows": count}


PHASES = {
    "reset": None,
    "check": phase_check,
    "write": phase_write,
    "reimport": phase_write,
    "reimport_shared": phase_write,
    "import_export": phase_import_export,
    "floor": phase_floor,
}


def _child(phase: str, people: int) -> None:
    _setup()
    path = write_roster(people, shared_strings=phase == "reimport_shared")
    if phase == "reset":
        write_roster(people, shared_strings=True)  # here, not in a measured process
        reset_registry(people)
        print(json.dumps({}))
        return
    from django.db import connection

    connection.ensure_connection()
    started = time.perf_counter()
    detail = PHASES[phase](path)
    seconds = time.perf_counter() - started
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "rss_mb": rss_mb, "detail": detail}))


def _run(phase: str, people: int) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "bench.imports", "--phase", phase, str(people)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--phase":
        _child(sys.argv[2], int(sys.argv[3]))
        return
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_IMPORT_DATABASE_URL", DEFAULT_URL)
    from bench.__main__ import _ensure_database

    _ensure_database(os.environ["DATABASE_URL"])
    _setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    sizes = [int(s) for s in os.environ.get("BENCH_IMPORT_SIZES", "10000,100000").split(",")]
    peers = os.environ.get("BENCH_IMPORT_PEERS", "1") != "0"
    peer_sizes = {
        int(s) for s in os.environ.get("BENCH_IMPORT_PEER_SIZES", "").split(",") if s.strip()
    } or set(sizes)
    print(
        f"Roster import on PostgreSQL, {platform.python_version()}, {os.cpu_count()} cores; "
        "each variant in its own process on a registry emptied first. Load average at the "
        "start: {:.1f} {:.1f} {:.1f}.".format(*os.getloadavg())
    )
    print()
    print("| people | variant | seconds | rows/s | peak RSS MB |")
    print("|---:|---|---:|---:|---:|")
    for people in sizes:
        started = time.perf_counter()
        _setup_roster = _run("reset", people)  # also writes the roster file once
        del _setup_roster
        generated = time.perf_counter() - started
        variants = [
            ("check", "tonglowan: validate"),
            ("write", "tonglowan: validate + write"),
            ("reimport", "tonglowan: re-import unchanged"),
            ("reimport_shared", "tonglowan: re-import unchanged, saved as Excel saves it"),
        ]
        results = []
        for phase, label in variants:
            results.append((label, _run(phase, people)))
        if peers and people in peer_sizes:
            _run("reset", people)
            results.append(("django-import-export 4 bulk", _run("import_export", people)))
        _run("reset", people)
        results.append(("floor: calamine + COPY", _run("floor", people)))
        for label, result in results:
            print(
                f"| {people:,} | {label} | {result['seconds']:.1f} | "
                f"{people / result['seconds']:,.0f} | {result['rss_mb']:.0f} |"
            )
        print(
            f"| {people:,} | (load average after this size: "
            "{:.1f} {:.1f} {:.1f}) | | | |".format(*os.getloadavg())
        )
        sys.stdout.flush()
        del generated


if __name__ == "__main__":
    main()
