"""The roster import: reading, checking every row, the all-or-nothing idempotent write, the
history it leaves, the shell command."""

import datetime
import os
import zipfile
from decimal import Decimal

import pytest
from django.core.management import call_command

from buildings.models import Dwelling
from core.idnumbers import make_id_number
from households.imports.reader import OLE2_MAGIC, ImportFileError, read_table
from households.imports.services import (
    ImportConflict,
    batch_from_path,
    batch_record_check,
    batch_write,
)
from households.imports.validate import Options, check_table
from households.models import Household, ImportBatch, Person
from tests.households.factories import DwellingFactory, HouseholdFactory
from tests.households.rosters.build import HEADERS, good_rows, person, write_csv, write_xlsx
from tests.households.rosters.corpus import CORPUS, everything


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


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_each_bad_roster_gives_its_messages_and_writes_nothing(case, tmp_path, dwellings):
    rows = good_rows()
    mutate, expected = CORPUS[case]
    mutate(rows)
    path = write_xlsx(tmp_path / f"{case}.xlsx", rows)
    check = _check(path)
    assert [str(m) for m in check.errors] == expected
    with pytest.raises(SystemExit) as exit_:
        call_command("import_households", str(path))
    assert exit_.value.code == 1
    assert (Person.objects.count(), Household.objects.count()) == (0, 0)
    assert (tmp_path / f"{case}-错误.xlsx").exists()


def test_a_roster_with_every_mistake_reports_them_all(tmp_path, dwellings):
    rows = good_rows()
    expected = everything(rows)
    check = _check(write_xlsx(tmp_path / "all.xlsx", rows))
    assert sorted(str(m) for m in check.errors) == sorted(expected)
    summary = {e["header"]: e for e in check.column_summary()}
    assert summary["脱贫户类型"]["samples"] == ["富裕户"]
    assert summary["脱贫户类型"]["expected"] == "一般脱贫户、低保户、特困供养户"


# --- files refused ------------------------------------------------------------------------


def _refusal(path):
    with pytest.raises(ImportFileError) as exc:
        read_table(str(path))
    return str(exc.value)


def test_files_that_are_not_rosters_are_refused_with_a_reason(tmp_path, settings, db):
    text = tmp_path / "photo.jpg"
    text.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 100)
    assert _refusal(text) == "该文件不是电子表格：请上传 Excel 工作簿（.xlsx）或 CSV 文件。"
    xls = tmp_path / "old.xls"
    xls.write_bytes(OLE2_MAGIC + b"\x00" * 600)
    assert _refusal(xls) == "不接受旧版 Excel 文件（.xls）：请另存为 .xlsx 后重新上传。"
    locked = tmp_path / "locked.xlsx"
    locked.write_bytes(OLE2_MAGIC + b"\x00" * 100 + "EncryptionInfo".encode("utf-16-le"))
    assert _refusal(locked) == "工作簿设有密码保护：请取消密码后重新上传。"
    macro = tmp_path / "macro.xlsx"
    write_xlsx(macro, good_rows())
    with zipfile.ZipFile(macro, "a") as zf:
        zf.writestr("xl/vbaProject.bin", b"macro")
    assert _refusal(macro).startswith("不接受含宏的工作簿")
    assert _refusal(write_xlsx(tmp_path / "roster.xlsm", good_rows())).startswith("不接受含宏")
    no_header = write_csv(tmp_path / "n.csv", good_rows(), headers=["甲", "乙", "丙"])
    assert _refusal(no_header).startswith("未找到表头")
    settings.IMPORT_MAX_ROWS = 3
    assert _refusal(write_csv(tmp_path / "many.csv", good_rows() * 3)) == (
        "文件有 12 行，一次最多可导入 3 行。"
    )
    assert _refusal(write_xlsx(tmp_path / "many.xlsx", good_rows() * 5)) == (
        "文件超过 3 行，一次最多可导入 3 行。"
    )
    settings.IMPORT_MAX_MB = 0
    assert _refusal(write_csv(tmp_path / "big.csv", good_rows())).startswith("文件大小为 0.0 MB")


def test_a_zip_bomb_is_refused_from_its_declared_sizes_before_decompressing(tmp_path, settings):
    settings.IMPORT_MAX_UNZIPPED_MB = 5
    bomb = tmp_path / "bomb.xlsx"
    write_xlsx(bomb, good_rows())
    with zipfile.ZipFile(bomb, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/zeros.bin", b"\x00" * (6 * 1024 * 1024))
    assert _refusal(bomb) == "该工作簿解压后将达 6 MB，远超任何名单所需，出于安全考虑拒收。"


def test_an_id_number_saved_as_a_number_is_explained(tmp_path, dwellings):
    rows = good_rows()
    rows[0]["公民身份号码"] = float(rows[0]["公民身份号码"][:17] + "0")
    check = _check(write_xlsx(tmp_path / "r.xlsx", rows))
    assert [str(m) for m in check.errors] == [
        "第 2 行「公民身份号码」：身份证号被存成了数字，末几位已丢失：请将该列设为文本格式后重新填写。"
    ]


def test_cells_that_compare_equal_across_types_are_each_judged_as_written(tmp_path, dwellings):
    """The check parses a column once per distinct cell value: an Excel TRUE, a number 1
    and a text "1" in one column (equal as dict keys, True == 1 == 1.0) are still each
    reported with their own value, and a bad value repeated is reported on every row."""
    rows = good_rows()
    rows[0]["在校状况"], rows[1]["在校状况"], rows[2]["在校状况"] = True, 1, "1"
    rows[3]["培训意愿"] = rows[2]["培训意愿"] = "看情况吧"
    check = _check(write_xlsx(tmp_path / "r.xlsx", rows))
    by_row = {(m.row, m.header): m.value for m in check.errors}
    assert by_row[(2, "在校状况")] == "True"
    assert by_row[(3, "在校状况")] == by_row[(4, "在校状况")] == "1"
    said = {m.row: str(m) for m in check.errors if m.header == "在校状况"}
    assert "“True”" in said[2] and "“1”" in said[3] and "“1”" in said[4], said
    assert by_row[(4, "培训意愿")] == by_row[(5, "培训意愿")] == "看情况吧"
    assert len(check.errors) == 5, [str(m) for m in check.errors]


def test_a_csv_row_shorter_than_the_header_reads_as_empty_cells(tmp_path, dwellings):
    path = write_csv(tmp_path / "r.csv", good_rows())
    lines = path.read_text(encoding="utf-8").splitlines()
    # The last person's row keeps only its first 12 cells (a CSV cut short).
    lines[-1] = ",".join(lines[-1].split(",")[:12])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    check = _check(path)
    assert check.ok, [str(m) for m in check.errors]
    assert check.counts["people_new"] == 4


# --- the registry as it is -----------------------------------------------------------------


def test_a_person_in_another_household_is_a_move_applied_only_with_the_option(
    tmp_path, dwellings, staff_user
):
    _import(write_xlsx(tmp_path / "r.xlsx", good_rows()), staff_user)
    rows = good_rows()
    rows[1]["户编号"] = "H002"  # the spouse of H001 now lives with H002
    rows[1]["房号"] = "302"
    path = write_xlsx(tmp_path / "move.xlsx", rows)
    assert [str(m) for m in _check(path).errors] == [
        "第 3 行「公民身份号码」：此人已登记在户 H001：迁入户 H002 需选择“允许迁户”。"
    ]
    check = _check(path, apply_moves=True)
    assert check.ok and check.counts["people_moved"] == 1
    assert ["户编号", "H001", "H002"] in check.changed_rows[0]["changes"]
    _import(path, staff_user, apply_moves=True)
    assert Person.objects.get(name="测试2").household.number == "H002"


def test_a_head_cannot_move_out_and_a_registered_head_missing_from_the_file_is_an_error(
    tmp_path, dwellings, staff_user
):
    _import(write_xlsx(tmp_path / "r.xlsx", good_rows()), staff_user)
    rows = good_rows()
    rows[0].update(户编号="H002", 房号="302", 与户主关系="兄弟姐妹")
    path = write_xlsx(tmp_path / "move.xlsx", [rows[0]] + rows[2:])
    assert [str(m) for m in _check(path, apply_moves=True).errors] == [
        "第 2 行「公民身份号码」：此人是户 H001 的户主，不能迁出：请先为该户更换户主。"
    ]
    head = Person.objects.get(name="测试1")
    other = person("H001", 9, relationship="户主", **{"房号": "301"})
    path = write_xlsx(tmp_path / "newhead.xlsx", [other])
    assert [str(m) for m in _check(path).errors] == [
        f"第 2 行「与户主关系」：户 H001 在系统中的户主为 测试1（{head.masked_id_number}），此人不在"
        "文件中：请在文件中列出此人并填写新的与户主关系，或先在系统中更换户主。"
    ]


def test_the_head_changes_hands_in_one_write(tmp_path, dwellings, staff_user):
    _import(write_xlsx(tmp_path / "r.xlsx", good_rows()), staff_user)
    rows = good_rows()
    rows[0]["与户主关系"], rows[1]["与户主关系"] = "配偶", "户主"
    _import(write_xlsx(tmp_path / "swap.xlsx", rows), staff_user)
    assert Person.objects.get(name="测试2").relationship == "01"
    assert Person.objects.get(name="测试1").relationship == "10"


def test_warnings_same_name_and_birth_date_and_the_housing_red_line(
    tmp_path, dwellings, household_a
):
    existing = household_a.members.get()
    rows = good_rows()
    rows[2].update(姓名=existing.name, 出生日期="")
    rows[2]["公民身份号码"] = make_id_number("360735", existing.birth_date, 901)
    rows[2]["性别"] = "男"
    check = _check(write_xlsx(tmp_path / "r.xlsx", rows))
    assert check.ok, [str(m) for m in check.errors]
    warnings = [str(m) for m in check.warnings]
    assert (
        f"第 4 行「姓名」：系统中已有同名且出生日期相同、但身份证号不同的人员（{existing.masked_id_number}）："
        "请核实是否为同一人。"
    ) in warnings
    assert (
        "第 2 行「户编号」：住房面积 75.00 m²、家庭人口 2 人，超过人均 25 m² 的红线。" in warnings
    )


def test_a_namesake_is_warned_of_only_against_another_id_number(tmp_path, dwellings, staff_user):
    """Two rows of the file with the same name and birth date: once the first is
    registered, the second is warned of it, and the first is never its own namesake."""
    _import(write_xlsx(tmp_path / "r.xlsx", good_rows()), staff_user)
    registered = Person.objects.get(name="测试2")
    rows = good_rows()
    twin = person("H002", 9, relationship="女", sex="F", **{"房号": "302"})
    twin["姓名"] = registered.name
    rows.append(twin)
    check = _check(write_xlsx(tmp_path / "twin.xlsx", rows))
    assert check.ok, [str(m) for m in check.errors]
    named = [m for m in check.warnings if m.header == "姓名"]
    assert [(m.row, registered.masked_id_number in str(m)) for m in named] == [(6, True)]


def test_a_registered_namesake_is_warned_of_when_the_file_makes_them_one(
    tmp_path, dwellings, staff_user
):
    """Two namesakes already registered are not warned of again on every import of the
    roster; a person the file renames into someone's namesake is."""
    rows = good_rows()
    twin = person("H002", 9, relationship="女", sex="F", **{"房号": "302"})
    twin["姓名"] = rows[1]["姓名"]
    rows.append(twin)
    _import(write_xlsx(tmp_path / "r.xlsx", rows), staff_user)
    check = _check(write_xlsx(tmp_path / "again.xlsx", rows))
    assert check.ok and check.counts["people_unchanged"] == len(rows)
    assert [m for m in check.warnings if m.header == "姓名"] == []
    renamed = good_rows()
    renamed.append(twin)
    renamed[0]["姓名"] = rows[1]["姓名"]  # the head, born on the same day, takes her name
    check = _check(write_xlsx(tmp_path / "renamed.xlsx", renamed))
    named = [m.row for m in check.warnings if m.header == "姓名"]
    assert named == [2], [str(m) for m in check.warnings]


def test_missing_dwellings_are_created_only_with_the_option(tmp_path, building_a, staff_user):
    path = write_xlsx(tmp_path / "r.xlsx", good_rows())
    assert "楼栋 A 的 1 单元没有房号 301" in str(_check(path).errors[0])
    written, _b = _import(path, staff_user, create_dwellings=True)
    assert written["dwellings_created"] == 2
    dwelling = Dwelling.objects.get(building=building_a, room="301")
    assert (dwelling.floor, dwelling.area) == (3, Decimal("75.00"))
    assert dwelling.history.get().history_change_reason.startswith("户籍名单导入")


def test_a_record_changed_after_the_check_makes_the_write_refuse(tmp_path, dwellings, staff_user):
    from households.services import person_update

    _import(write_xlsx(tmp_path / "r.xlsx", good_rows()), staff_user)
    rows = good_rows()
    rows[1]["健康状况"] = "长期慢性病"
    path = write_xlsx(tmp_path / "r2.xlsx", rows)
    batch = batch_from_path(path=str(path), user=staff_user, options=Options())
    batch_record_check(batch=batch, check=_check(path))
    spouse = Person.objects.get(name="测试2")
    person_update(person=spouse, expected_version=spouse.version, phone="13900000000")
    with pytest.raises(ImportConflict):
        batch_write(batch=batch, user=staff_user, path=str(path))
    assert Person.objects.get(name="测试2").health == "healthy"


def test_the_write_marks_only_the_buildings_it_touched_for_the_rule_counts(
    tmp_path, dwellings, building_a, household_b, staff_user
):
    from django.utils import timezone

    from services.obligations.counts import counts_refresh
    from services.obligations.models import RuleCountDirty
    from services.obligations.rules import RULE_LIST
    from services.obligations.selectors import rule_figures

    # Building B's household, with an ID number of its own (not one of the file's).
    household_b.members.update(id_number=make_id_number("360730", datetime.date(1970, 1, 1), 7))
    today = timezone.localdate()
    counts_refresh(today=today)
    RuleCountDirty.objects.all().delete()
    _import(write_xlsx(tmp_path / "r.xlsx", good_rows()), staff_user)
    # The bulk write sends no per-row signals: in its transaction it marks the one building
    # the import wrote into, and leaves building B (and "every building") unmarked…
    marked = set(RuleCountDirty.objects.values_list("building_key", flat=True))
    assert marked == {building_a.pk}
    # …and the next read counts again what the import changed, building B as it was.
    figures = rule_figures(rules=RULE_LIST, today=today)
    assert figures.counts == {rule.code: rule.failing(today).count() for rule in RULE_LIST}
    assert any(figures.counts.values())
    assert not RuleCountDirty.objects.exists()


def test_a_move_marks_the_building_left_and_the_building_entered(
    tmp_path, dwellings, building_a, building_b, staff_user
):
    from services.obligations.models import RuleCountDirty

    DwellingFactory(building=building_b, entrance=1, floor=2, room="201", area=Decimal("75"))
    _import(write_xlsx(tmp_path / "r.xlsx", good_rows()), staff_user)
    RuleCountDirty.objects.all().delete()
    rows = good_rows()[2:]
    for row in rows:
        row.update(楼栋="B", 房号="201")  # household H002 moves from A-1-302 to B-1-201
    _import(write_xlsx(tmp_path / "move.xlsx", rows), staff_user)
    marked = set(RuleCountDirty.objects.values_list("building_key", flat=True))
    assert marked == {building_a.pk, building_b.pk}
    # An unchanged file writes nothing and marks nothing.
    RuleCountDirty.objects.all().delete()
    written, _batch = _import(write_xlsx(tmp_path / "again.xlsx", rows), staff_user)
    assert not any(written.values()) and not RuleCountDirty.objects.exists()


# --- the shell command ----------------------------------------------------------------------


def test_the_command_exit_statuses(tmp_path, dwellings, staff_user, capsys):
    good = write_xlsx(tmp_path / "good.xlsx", good_rows())
    call_command("import_households", str(good), "--dry-run")
    assert Person.objects.count() == 0 and "检查通过" in capsys.readouterr().out
    call_command("import_households", str(good), "--user", "staff")
    assert Person.objects.count() == 4
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.created_by, batch.file_name) == ("written", staff_user, "good.xlsx")
    unreadable = tmp_path / "x.csv"
    unreadable.write_bytes(b"\x00\x01\x02")
    with pytest.raises(SystemExit) as exit_:
        call_command("import_households", str(unreadable))
    assert exit_.value.code == 2
    rows = good_rows()
    rows[0]["联系电话"] = "123"
    with pytest.raises(SystemExit) as exit_:
        call_command("import_households", str(write_xlsx(tmp_path / "bad.xlsx", rows)))
    assert exit_.value.code == 1
    assert Person.objects.get(name="测试1").phone == rows[1]["联系电话"][:3] + "00000001"


def test_the_error_workbook_holds_every_row_marks_each_bad_cell_and_summarises_by_column(
    tmp_path, dwellings
):
    from openpyxl import load_workbook

    rows = good_rows()
    rows[0]["联系电话"] = "123"
    rows[3]["脱贫户类型"] = "富裕户"
    rows[3]["姓名"] = ""
    path = write_xlsx(tmp_path / "bad.xlsx", rows)
    with pytest.raises(SystemExit):
        call_command("import_households", str(path))
    wb = load_workbook(tmp_path / "bad-错误.xlsx")
    sheet = wb["检查结果"]
    assert [c.value for c in sheet[1]][:3] == ["错误信息", "原行号", "户编号"]
    # Every row of the file, in its order: the valid ones too, unmarked.
    assert sheet.max_row == 5 and [sheet.cell(row=r, column=2).value for r in range(2, 6)] == [
        2,
        3,
        4,
        5,
    ]
    phone_column = 2 + HEADERS.index("联系电话") + 1
    assert sheet["A2"].value == "第 2 行「联系电话」：手机号应为 11 位数字，以 13–19 开头。"
    phone = sheet.cell(row=2, column=phone_column)
    assert phone.value == "123" and phone.fill.start_color.rgb.endswith("FFC7CE")
    assert phone.comment.text == "手机号应为 11 位数字，以 13–19 开头。"
    valid = [sheet.cell(row=3, column=c) for c in range(1, sheet.max_column + 1)]
    assert valid[0].value is None and valid[1].value == 3
    assert [c.value for c in valid[2:]] == [rows[1].get(h) or None for h in HEADERS]
    assert not any(c.comment for c in valid) and not any(
        (c.fill.start_color.rgb or "").endswith("FFC7CE") for c in valid
    )
    assert sheet.cell(row=4, column=phone_column).value == rows[2]["联系电话"]
    # Two messages on one row: both in the first column, each cell with its own comment.
    assert sheet["A5"].value.split("\n") == [
        "第 5 行「姓名」：必填，单元格为空。",
        "第 5 行「脱贫户类型」：“富裕户”不是可选值。可选：一般脱贫户、低保户、特困供养户。",
    ]
    name = sheet.cell(row=5, column=2 + HEADERS.index("姓名") + 1)
    assert name.value is None and name.fill.start_color.rgb.endswith("FFC7CE")
    assert name.comment.text == "必填，单元格为空。"
    summary = [[c.value for c in r] for r in wb["按列汇总"].iter_rows()]
    assert summary[0] == ["列", "出错行数", "错误值示例", "应填写"]
    assert ["联系电话", 1, "123", "11位手机号"] in summary
    assert ["脱贫户类型", 1, "富裕户", "一般脱贫户、低保户、特困供养户"] in summary


def test_a_household_moving_to_another_dwelling_is_previewed_old_to_new(
    tmp_path, dwellings, building_a, staff_user
):
    _import(write_xlsx(tmp_path / "r.xlsx", good_rows()), staff_user)
    DwellingFactory(building=building_a, entrance=2, room="501")
    rows = good_rows()
    for row in rows[:2]:
        row.update(单元=2, 房号="501")
    check = _check(write_xlsx(tmp_path / "r2.xlsx", rows))
    assert check.ok and check.counts["households_changed"] == 1
    assert check.changed_rows == [
        {"row": 2, "what": "H001", "changes": [["住房", "A-1-301", "A-2-501"]]}
    ]


def test_an_edit_between_the_recheck_and_the_write_is_refused(
    tmp_path, dwellings, staff_user, monkeypatch
):
    from households.imports import services as import_services
    from households.services import person_update

    _import(write_xlsx(tmp_path / "r.xlsx", good_rows()), staff_user)
    rows = good_rows()
    rows[1]["健康状况"] = "长期慢性病"
    path = write_xlsx(tmp_path / "r2.xlsx", rows)
    batch = batch_from_path(path=str(path), user=staff_user, options=Options())
    batch_record_check(batch=batch, check=_check(path))
    real = import_services.registry_bulk_write

    def edit_then_write(**kwargs):
        spouse = Person.objects.get(name="测试2")
        person_update(person=spouse, expected_version=spouse.version, phone="13900000000")
        return real(**kwargs)

    monkeypatch.setattr(import_services, "registry_bulk_write", edit_then_write)
    history = Person.history.count()
    with pytest.raises(ImportConflict):
        batch_write(batch=batch, user=staff_user, path=str(path))
    spouse = Person.objects.get(name="测试2")
    assert spouse.health == "healthy"
    assert Person.history.count() == history  # the edit was rolled back with the import


def test_a_roster_exported_by_staff_imports_back_with_no_change(tmp_path, staff_user, capsys):
    """The reports' ``roster`` workbook (its sheet 人员, IDs in full for staff) is a roster
    the importer reads: importing it back finds every household and person unchanged."""
    call_command("seed_demo", households=12, no_accounts=True, stdout=open(os.devnull, "w"))
    path = tmp_path / "roster.xlsx"
    call_command("export_report", "roster", "-o", str(path), "--user", "staff")
    capsys.readouterr()
    households, people = Household.objects.count(), Person.objects.count()
    call_command("import_households", str(path), "--user", "staff")  # exit 0: no SystemExit
    out = capsys.readouterr().out
    assert "错误: 0" in out
    assert f"未变户: {households}" in out and "新增户: 0" in out and "变更户: 0" in out
    assert f"未变人员: {people}" in out and "新增人员: 0" in out and "变更人员: 0" in out
    assert (Household.objects.count(), Person.objects.count()) == (households, people)


# --- the two write paths ---------------------------------------------------------------------


@pytest.mark.parametrize("path", ["copy", "orm"])
def test_both_write_paths_write_the_same_rows_and_history(
    path, tmp_path, dwellings, staff_user, monkeypatch
):
    """PostgreSQL writes with COPY / UPDATE … FROM (VALUES …) / INSERT … SELECT, other
    databases through simple-history's bulk helpers: the same rows and history rows either
    way (the CI runs the suite on PostgreSQL, where both run)."""
    from django.db import connection

    from households import bulkwrite

    if path == "copy" and connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's; the CI runs this on PostgreSQL")
    cls = bulkwrite.CopyWriter if path == "copy" else bulkwrite.OrmWriter
    monkeypatch.setattr(bulkwrite, "writer", lambda **kwargs: cls(**kwargs))
    rows = good_rows()
    for row in rows[2:]:
        row["搬迁入住日期"] = row["致贫原因"] = ""  # NULL and an empty text
    rows[3]["残疾证号"] = rows[3]["公民身份号码"] + "42"
    rows[3]["健康状况"] = "残疾"
    _written, first = _import(write_xlsx(tmp_path / "r.xlsx", rows), staff_user)
    h002 = Household.objects.get(number="H002")
    assert (h002.move_in_date, h002.main_cause, h002.secondary_causes) == (None, "", [])
    assert (h002.dwelling, h002.version, h002.is_active) == (dwellings[1], 1, True)
    son = Person.objects.get(name="测试4")
    assert (son.disability_certificate, son.health, son.ethnicity) == (
        rows[3]["公民身份号码"] + "42",
        "disabled",
        "汉族",
    )
    assert (son.household, son.version, son.months_worked, son.left_on) == (h002, 1, 0, None)
    entry = son.history.get()
    assert (entry.history_type, entry.history_user, entry.version) == ("+", staff_user, 1)
    for record, past in ((son, entry), (h002, h002.history.get())):
        fields = [f.attname for f in type(record)._meta.concrete_fields]
        assert {a: getattr(past, a) for a in fields} == {a: getattr(record, a) for a in fields}
    assert entry.history_change_reason == first.change_reason
    assert entry.disability_certificate == son.disability_certificate
    assert entry.household_id == h002.pk
    # A second file: the head changes hands in H001, H002 moves and gets poorer.
    rows[0]["与户主关系"], rows[1]["与户主关系"] = "配偶", "户主"
    rows[2]["脱贫户类型"] = rows[3]["脱贫户类型"] = "低保户"
    rows[2]["房号"] = rows[3]["房号"] = "301"
    _written, second = _import(write_xlsx(tmp_path / "r2.xlsx", rows), staff_user)
    h002.refresh_from_db()
    assert (h002.poverty_status, h002.dwelling, h002.version) == ("dibao", dwellings[0], 2)
    assert h002.history.first().history_type == "~"
    assert h002.history.first().history_change_reason == second.change_reason
    assert h002.history.first().poverty_status == "dibao"
    head, spouse = Person.objects.get(name="测试2"), Person.objects.get(name="测试1")
    assert (head.relationship, head.version, spouse.relationship, spouse.version) == (
        "01",
        2,
        "10",
        2,
    )
    assert [(e.history_type, e.relationship, e.version) for e in head.history.all()] == [
        ("~", "01", 2),
        ("+", "10", 1),
    ]
    assert Person.history.count() == 4 + 2 and Household.history.count() == 2 + 1


def test_a_change_with_nothing_in_it_sends_no_query(django_assert_num_queries, db):
    from households.services import RegistryBulkChange, registry_bulk_write

    with django_assert_num_queries(0):
        written = registry_bulk_write(change=RegistryBulkChange(), reason="x")
    assert not any(written.values())


def test_the_values_of_any_go_as_one_text_unless_they_cannot():
    from households.imports.validate import _any

    sql, params = _any('"p"."id_number"', ["A", "B"])
    assert sql == '"p"."id_number" = ANY(string_to_array(%s, E\'\\x1f\'))'
    assert params == ["A\x1fB"]
    assert _any("c", [3, 4], negate=True) == (
        "NOT (c = ANY(string_to_array(%s, ',')::bigint[]))",
        ["3,4"],
    )
    for values in (["A\x1fB", "C"], ["", "C"], ["A", 3]):  # a separator, an empty text, mixed
        assert _any("c", values) == ("c = ANY(%s)", [values])


@pytest.mark.django_db
def test_households_are_found_by_number_whatever_their_characters():
    """The registry read finds a household number holding the separator too (as an
    array), on PostgreSQL and elsewhere."""
    from households.imports.validate import _rows

    household = HouseholdFactory(number="H\x1f1")
    found = list(_rows(Household.objects.all(), "number", ["H\x1f1", "other"], "pk"))
    assert found == [(household.pk,)]
    found = list(_rows(Household.objects.all(), "number", [household.number], "pk"))
    assert found == [(household.pk,)]


def test_a_sheet_that_starts_below_and_right_of_a1_names_its_rows_as_excel_does(
    tmp_path, dwellings
):
    """Two empty rows and two empty columns before the header: the header is row 3 and the
    people rows 4–7, as Excel numbers them, and the cells are read in their columns."""
    from openpyxl import Workbook

    rows = good_rows()
    rows[1]["出生日期"] = "1990-13-01"
    wb = Workbook()
    ws = wb.active
    for c, header in enumerate(HEADERS, start=3):
        ws.cell(row=3, column=c, value=header)
    for r, row in enumerate(rows, start=4):
        for c, header in enumerate(HEADERS, start=3):
            ws.cell(row=r, column=c, value=row.get(header, ""))
    path = tmp_path / "r.xlsx"
    wb.save(path)
    check = _check(path)
    assert check.table.header_row == 3
    assert [number for number, _cells in check.table.rows] == [4, 5, 6, 7]
    assert [(m.row, m.header) for m in check.errors] == [(5, "出生日期")]


@pytest.mark.django_db
def test_the_registry_read_ahead_gives_every_row_converted_and_leaves_the_connection_free(
    monkeypatch,
):
    """On PostgreSQL the registry is read a chunk ahead by a thread on the same connection:
    every row, each field converted as ``values_list`` converts it, the connection usable
    again once the rows are read or left, and a database error raised to the caller as
    Django's."""
    from django.db import DatabaseError, connection, transaction

    from households.imports import validate

    if connection.vendor != "postgresql":
        pytest.skip("the read ahead is PostgreSQL's")
    monkeypatch.setattr(validate, "FETCH_ROWS", 2)
    households = [HouseholdFactory(secondary_causes=["因病", "因学"]) for _ in range(5)]
    numbers = [h.number for h in households]
    with transaction.atomic():
        found = list(
            validate._rows(Household.objects.all(), "number", numbers, "number", "secondary_causes")
        )
        assert sorted(found) == sorted((n, ["因病", "因学"]) for n in numbers)
        left = validate._rows(Household.objects.all(), "number", numbers, "pk")
        next(left)
        left.close()
        assert Household.objects.filter(number__in=numbers).count() == 5
        broken = Household.objects.extra(where=["1 / (id - %s) > 0"], params=[households[3].pk])
        with pytest.raises(DatabaseError), transaction.atomic():
            list(validate._rows(broken, "number", numbers, "pk"))


def test_the_models_validation_left_to_the_write_gives_the_same_messages(
    tmp_path, dwellings, monkeypatch
):
    """``defer_models``: the check knows every other error at once, and the models'
    validation run later adds its messages, named by row and column, as the whole check
    gives them."""
    from households.imports import validate

    real = validate.registry_bulk_errors

    def one_more(*, households=(), people=()):
        found = real(households=households, people=people)
        return [*found, ("person", 1, {"name": ["这个名字不行。"]})]

    monkeypatch.setattr(validate, "registry_bulk_errors", one_more)
    path = write_xlsx(tmp_path / "r.xlsx", good_rows())
    whole = _check(path)
    table = read_table(str(path))
    deferred = check_table(table, Options(), defer_models=True)
    assert deferred.ok and deferred.validate_models is not None
    assert deferred.validate_models() is False and deferred.validate_models is None
    assert [str(m) for m in deferred.errors] == [str(m) for m in whole.errors]
    assert [str(m) for m in whole.errors] == ["第 3 行「姓名」：这个名字不行。"]
    assert deferred.counts == whole.counts


def test_a_row_the_models_refuse_while_the_write_runs_leaves_nothing_written(
    tmp_path, dwellings, staff_user, monkeypatch
):
    """The confirmed write checks the file again and validates the rows beside the write:
    a row found wrong there rolls the whole write back."""
    from households.imports import validate

    def refuse_the_last(*, households=(), people=()):
        return [("person", len(people) - 1, {"phone": ["号码不对。"]})] if people else []

    path = write_xlsx(tmp_path / "r.xlsx", good_rows())
    batch = batch_from_path(path=str(path), user=staff_user, options=Options())
    monkeypatch.setattr(validate, "registry_bulk_errors", refuse_the_last)
    with pytest.raises(ImportConflict, match="1"):
        batch_write(batch=batch, user=staff_user, path=str(path))
    assert not Person.objects.exists() and not Household.objects.exists()
    assert not Person.history.exists()
    monkeypatch.undo()
    written = batch_write(batch=batch, user=staff_user, path=str(path))
    assert written["people_created"] == 4 and Person.objects.count() == 4
