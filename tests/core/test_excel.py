"""core.excel: typed cells, text that looks like a formula, ID numbers as text, title rows,
frozen header and autofilter, Chinese widths, totals, rollover at the row limit, CSV."""

import datetime
from decimal import Decimal

import openpyxl
import pytest

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


class _Blank:
    """A value whose text is empty (xlsxwriter writes it as an empty text cell)."""

    def __str__(self):
        return ""


# Rows that exercise every branch of the data rows' own XML: escapes, control characters, a
# literal _xHHHH_, whitespace kept, empty cells and an empty row, dates and a datetime,
# integers, decimals, money, floats and ints in decimal columns, a text over the limit.
ODD_ROWS = [
    ['a & b <c> "d"', "360735198506150011", datetime.date(1985, 6, 15), 4, Decimal("75.5"), 3],
    [" 前后有空格 ", "tab\there", datetime.datetime(2026, 12, 1, 8, 30), True, 1.25, 2.5],
    ["ctl\x01\x1f", "_x0041_ literal", None, None, None, None],
    [None, "", None, None, None, None],
    ["\ufffe\uffff", "line\nbreak", datetime.date(1900, 3, 1), 12345678901234567, 0, -1],
    ["长" * 20000, "x", datetime.date(2019, 5, 25), 0, Decimal("0.10"), Decimal("1e6")],
    ["<r>rich-looking</r>", "9", datetime.date(2019, 5, 25), -3, Decimal("-2.50"), 7],
    [_Blank(), "shown as nothing", None, None, None, None],
]


def _sheet_xml(path, name="xl/worksheets/sheet1.xml") -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as zf:
        return zf.read(name)


def _write(path, rows, *, through_xlsxwriter: bool, monkeypatch):
    from core.excel import _XlsxSheet

    if through_xlsxwriter:  # every row through xlsxwriter's cell methods, as before
        monkeypatch.setattr(_XlsxSheet, "_row_xml", lambda self, values: None)
    with open_writer(path, max_rows=6) as book:
        sheet = book.sheet("人员", COLUMNS, title_lines=["花名册", "数据截至 2026-12-01"])
        for row in rows:
            sheet.write_row(row)
        sheet.write_totals(["合计", None, None, 20, None, Decimal("14002.50")])
        book.sheet("汇总", [Column("楼栋"), Column("日期", DATE)]).write_row(
            ["1栋", datetime.date(2026, 12, 1)]
        )
    monkeypatch.undo()


def test_data_rows_are_written_as_xlsxwriter_writes_them(tmp_path, monkeypatch):
    """The data rows' own XML is xlsxwriter's, byte for byte (but the rich-looking text,
    which xlsxwriter leaves unescaped), across a sheet's continuation and a second sheet."""
    rows = [r for r in ODD_ROWS if not str(r[0]).startswith("<r>")] * 3
    fast, slow = tmp_path / "fast.xlsx", tmp_path / "slow.xlsx"
    _write(fast, rows, through_xlsxwriter=False, monkeypatch=monkeypatch)
    _write(slow, rows, through_xlsxwriter=True, monkeypatch=monkeypatch)
    import zipfile

    names = zipfile.ZipFile(fast).namelist()
    assert names == zipfile.ZipFile(slow).namelist()
    sheets = [n for n in names if n.startswith("xl/worksheets/sheet")]
    assert len(sheets) == 9  # 人员 in seven parts of three rows, the totals on an eighth, 汇总
    for name in [*sheets, "xl/styles.xml", "xl/workbook.xml"]:
        assert _sheet_xml(fast, name) == _sheet_xml(slow, name), name


def test_a_rich_looking_text_is_escaped_and_reads_back_as_written(tmp_path, monkeypatch):
    path = tmp_path / "t.xlsx"
    _write(path, ODD_ROWS, through_xlsxwriter=False, monkeypatch=monkeypatch)
    rows = list(openpyxl.load_workbook(path)["人员 (3)"].iter_rows(values_only=True))
    assert b"&lt;r&gt;rich-looking&lt;/r&gt;" in _sheet_xml(path, "xl/worksheets/sheet3.xml")
    assert rows[3][0] == "<r>rich-looking</r>" and rows[3][3] == -3
    first = list(openpyxl.load_workbook(path)["人员"].iter_rows(values_only=True))
    assert first[3][0] == 'a & b <c> "d"' and first[4][0] == " 前后有空格 "
    sheet1 = _sheet_xml(path)  # as Excel escapes them (openpyxl reads them back raw)
    assert b"<t>ctl_x0001__x001F_</t>" in sheet1 and b"<t>_x005F_x0041_ literal</t>" in sheet1


def test_rows_written_behind_arrive_in_order_with_the_callers_language():
    from django.utils import translation
    from django.utils.translation import gettext_lazy

    from core.excel import WriteBehind

    written = []
    with translation.override("zh-hans"):
        with WriteBehind(lambda values: written.append([str(v) for v in values]), batch=3) as w:
            for i in range(10):
                w([i, gettext_lazy("Total")])
    assert [row[0] for row in written] == [str(i) for i in range(10)]
    assert written[0][1] == "合计"


def test_a_writer_error_is_raised_to_the_caller_and_a_caller_error_stops_the_writer():
    from core.excel import WriteBehind

    def fails(values):
        if values[0] == 4:
            raise ValueError("bad row")

    with pytest.raises(ValueError, match="bad row"):
        with WriteBehind(fails, batch=2, depth=1) as w:
            for i in range(10_000):  # never blocked on the dead writer's full queue
                w([i])

    written = []
    with pytest.raises(KeyError):
        with WriteBehind(written.append, batch=2) as w:
            w([1])
            w([2])  # a whole batch: handed to the writer
            w([3])  # still the caller's when it fails: not written
            raise KeyError("the database went away")
    assert written == [[1], [2]]
    assert not w.thread.is_alive()
