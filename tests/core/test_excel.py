"""core.excel: typed cells, text that looks like a formula, ID numbers as text, title rows,
frozen header and autofilter, Chinese widths, totals, rollover at the row limit, CSV."""

import datetime
from decimal import Decimal

import openpyxl

from core.excel import (
    DATE,
    DECIMAL,
    INTEGER,
    MONEY,
    TEXT,
    Column,
    display_width,
    escape_formula,
    open_writer,
)

COLUMNS = [
    Column("姓名", TEXT),
    Column("身份证号", TEXT),
    Column("出生日期", DATE),
    Column("人数", INTEGER),
    Column("面积", DECIMAL),
    Column("月收入（元）", MONEY),
]
ROW = [
    '=HYPERLINK("x")',
    "360735198506150011",
    datetime.date(1985, 6, 15),
    4,
    Decimal("75.5"),
    Decimal("2800.50"),
]


def test_cells_are_typed_and_nothing_is_a_formula(tmp_path):
    path = tmp_path / "t.xlsx"
    with open_writer(path) as book:
        sheet = book.sheet("人员", COLUMNS, title_lines=["花名册", "数据截至 2026-12-01"])
        for value in ("+8613807970001", "-1", "@SUM(A1)", "13807970001"):
            sheet.write_row([value, *ROW[1:]])
        sheet.write_row(ROW)
        sheet.write_totals(["合计", None, None, 20, None, Decimal("14002.50")])
    assert book.rows_written == 5
    ws = openpyxl.load_workbook(path)["人员"]
    assert (ws["A1"].value, ws["A2"].value, ws["A3"].value) == (
        "花名册",
        "数据截至 2026-12-01",
        "姓名",
    )
    assert ws.freeze_panes == "A4" and ws.auto_filter.ref == "A3:F9"
    names = [ws.cell(row=r, column=1) for r in range(4, 9)]
    assert [c.value for c in names] == ["+8613807970001", "-1", "@SUM(A1)", "13807970001", ROW[0]]
    assert {c.data_type for c in names} == {"s"}
    row = [c for c in ws[8]]
    assert (row[1].value, row[1].data_type) == ("360735198506150011", "s")
    assert row[2].value == datetime.datetime(1985, 6, 15) and row[2].number_format == "yyyy-mm-dd"
    assert (row[3].value, row[4].value, row[4].number_format) == (4, 75.5, "0.00")
    assert (row[5].value, row[5].number_format) == (2800.5, "#,##0.00")
    totals = [c.value for c in ws[9]]
    assert totals == ["合计", None, None, 20, None, 14002.5] and ws["A9"].font.b
    assert ws.column_dimensions["B"].width >= 18  # the 18 digits fit


def test_a_full_sheet_continues_on_the_next_with_the_same_header(tmp_path):
    path = tmp_path / "t.xlsx"
    with open_writer(path, max_rows=5) as book:  # 1 title row + header + 3 rows a sheet
        sheet = book.sheet("人员", COLUMNS[:2], title_lines=["花名册"])
        for i in range(7):
            sheet.write_row([f"人{i}", "360735198506150011"])
        book.sheet("汇总", [Column("楼栋")]).write_row(["1栋"])
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["人员", "人员 (2)", "人员 (3)", "汇总"]
    for name, first, count in (("人员", "人0", 3), ("人员 (2)", "人3", 3), ("人员 (3)", "人6", 1)):
        rows = list(wb[name].iter_rows(values_only=True))
        assert rows[:2] == [("花名册", None), ("姓名", "身份证号")]
        assert rows[2][0] == first and len(rows) == 2 + count
    assert book.rows_written == 8


def test_widths_count_a_chinese_character_twice():
    assert display_width("铜锣湾") == 6 and display_width("abc") == 3


def test_csv_has_a_bom_the_first_sheet_and_escaped_formulas(tmp_path):
    path = tmp_path / "t.csv"
    with open_writer(path, fmt="csv") as book:
        sheet = book.sheet("人员", COLUMNS, title_lines=["花名册"])
        sheet.write_row(ROW)
        book.sheet("汇总", [Column("楼栋")]).write_row(["1栋"])
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines == [
        "姓名,身份证号,出生日期,人数,面积,月收入（元）",
        '"\'=HYPERLINK(""x"")",360735198506150011,1985-06-15,4,75.50,2800.50',
    ]
    assert book.rows_written == 1
    assert escape_formula("-3") == "'-3" and escape_formula("温") == "温"
