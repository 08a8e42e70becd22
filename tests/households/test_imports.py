"""The roster import: reading, checking every row, the all-or-nothing idempotent write, the
history it leaves, the shell command."""

from decimal import Decimal

import pytest

from households.imports.reader import read_table
from households.imports.services import batch_from_path, batch_record_check, batch_write
from households.imports.validate import Options, check_table
from households.models import Household, ImportBatch, Person
from tests.households.factories import DwellingFactory
from tests.households.rosters.build import HEADERS, good_rows, write_csv, write_xlsx


@pytest.fixture
def dwellings(building_a):
    return [
        DwellingFactory(building=building_a, entrance=1, floor=3, room=room, area=Decimal("75"))
        for room in ("301", "302")
    ]


def _check(path, **options):
    return check_table(read_table(str(path)), Options(**options))


def _import(path, user=None, **options):
    check = _check(path, **options)
    assert check.ok, [str(m) for m in check.errors]
    batch = batch_from_path(path=str(path), user=user, options=Options(**options))
    batch_record_check(batch=batch, check=check)
    return batch_write(batch=batch, user=user, path=str(path)), batch


def test_a_good_roster_is_written_with_history_naming_the_import(tmp_path, dwellings, staff_user):
    path = write_xlsx(tmp_path / "名单.xlsx", good_rows())
    written, batch = _import(path, staff_user)
    assert written["households_created"] == 2 and written["people_created"] == 4
    head = Person.objects.get(name="测试1")
    assert head.household.number == "H001" and head.household.dwelling == dwellings[0]
    entry = head.history.get()
    assert entry.history_change_reason == f"户籍名单导入 #{batch.pk}（名单.xlsx）"
    assert entry.history_user == staff_user
    assert ImportBatch.objects.get().status == "written"


def test_the_same_file_twice_changes_nothing_the_second_time(tmp_path, dwellings, staff_user):
    path = write_xlsx(tmp_path / "r.xlsx", good_rows())
    _import(path, staff_user)
    history = Person.history.count(), Household.history.count()
    check = _check(path)
    assert check.counts["people_unchanged"] == 4 and check.counts["households_unchanged"] == 2
    written, _batch = _import(path, staff_user)
    assert written == {
        "dwellings_created": 0,
        "households_created": 0,
        "households_changed": 0,
        "people_created": 0,
        "people_changed": 0,
    }
    assert (Person.history.count(), Household.history.count()) == history


def test_a_changed_field_is_previewed_old_to_new_and_written_with_a_new_version(
    tmp_path, dwellings, staff_user
):
    _import(write_xlsx(tmp_path / "r.xlsx", good_rows()), staff_user)
    rows = good_rows()
    rows[1]["健康状况"] = "长期慢性病"
    rows[0]["脱贫户类型"] = rows[1]["脱贫户类型"] = "低保户"
    path = write_xlsx(tmp_path / "r2.xlsx", rows)
    check = _check(path)
    assert check.counts["people_changed"] == 1 and check.counts["households_changed"] == 1
    changes = {tuple(c) for item in check.changed_rows for c in item["changes"]}
    assert ("健康状况", "健康", "长期慢性病") in changes
    assert ("脱贫户类型", "一般脱贫户", "低保户") in changes
    _import(path, staff_user)
    spouse = Person.objects.get(name="测试2")
    assert (spouse.health, spouse.version) == ("chronic", 2)
    assert spouse.history.first().history_change_reason.startswith("户籍名单导入")


def test_gbk_and_utf8_bom_csv_read_the_same_as_xlsx(tmp_path, dwellings):
    for name, encoding in (("gbk.csv", "gbk"), ("bom.csv", "utf-8-sig"), ("gb.csv", "gb18030")):
        check = _check(write_csv(tmp_path / name, good_rows(), encoding=encoding))
        assert check.ok, [str(m) for m in check.errors]
        assert check.counts["people_new"] == 4
        assert {p.name for p in check.change.new_people} == {"测试1", "测试2", "测试3", "测试4"}


def test_headers_in_another_order_with_variants_a_title_row_blank_rows_and_columns(
    tmp_path, dwellings
):
    headers = list(reversed(HEADERS))
    headers[headers.index("公民身份号码")] = "身份证号码"
    headers[headers.index("联系电话")] = "手机号"
    headers[headers.index("与户主关系")] = "户主关系"
    rows = good_rows()
    for row in rows:
        row["身份证号码"] = row.pop("公民身份号码")
        row["手机号"] = row.pop("联系电话")
        row["户主关系"] = row.pop("与户主关系")
    path = tmp_path / "r.xlsx"
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["石城县易地搬迁户花名册（2026年）"])
    ws.append([])
    ws.append(headers + ["", "", "备注"])
    for row in rows[:2]:
        ws.append([row.get(h, "") for h in headers] + ["", "", ""])
    ws.append([])
    ws.append([None, "", None])
    for row in rows[2:]:
        ws.append([row.get(h, "") for h in headers])
    wb.save(path)
    check = _check(path)
    assert check.ok, [str(m) for m in check.errors]
    assert check.table.header_row == 3 and check.table.unknown_headers == ["备注"]
    assert check.counts["people_new"] == 4 and check.counts["rows"] == 4


def test_full_width_digits_spaces_lowercase_x_synonyms_and_date_formats(tmp_path, dwellings):
    rows = good_rows()
    full = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in rows[0]["公民身份号码"])
    rows[0]["公民身份号码"] = full[:6] + " " + full[6:]
    rows[0]["与户主关系"] = "本人"
    rows[0]["性别"] = "男性"
    rows[1]["与户主关系"] = "妻"
    rows[1]["健康状况"] = "良好"
    rows[0]["出生日期"] = "1985年6月15日"
    rows[1]["出生日期"] = rows[1]["出生日期"].replace("-", "/")
    rows[2]["出生日期"] = rows[2]["出生日期"].replace("-", ".")
    rows[3]["出生日期"] = rows[3]["出生日期"].replace("-", "")
    rows[0]["搬迁入住日期"] = "2019/5/25"
    check = _check(write_csv(tmp_path / "r.csv", rows))
    assert check.ok, [str(m) for m in check.errors]
    head = next(p for p in check.change.new_people if p.name == "测试1")
    assert head.id_number == rows[2]["公民身份号码"][:-4] + head.id_number[-4:]
    assert (head.relationship, head.sex) == ("01", "M")
    assert next(p for p in check.change.new_people if p.name == "测试2").health == "healthy"
