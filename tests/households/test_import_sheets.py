"""A big sheet read in two halves at once (``households.imports.sheets``): the same rows, row
numbers and cells as calamine's whole sheet, and the whole sheet whenever the halves could
not be trusted."""

import datetime
import re
import zipfile

import pytest
from python_calamine import CalamineWorkbook

from households.imports import sheets
from households.imports.reader import read_table
from households.imports.validate import Options, check_table
from tests.households.rosters.build import HEADERS, person, write_xlsx


@pytest.fixture
def halves(monkeypatch):
    """Every sheet big enough to be cut, read in small chunks (tags cut by a chunk's end)."""
    monkeypatch.setattr(sheets, "SPLIT_MIN_BYTES", 1)
    monkeypatch.setattr(sheets, "CHUNK", 97)


def _rows(n):
    rows = []
    for h in range(n // 2):
        number = f"H{h:03d}"
        room = {"房号": f"{300 + h}"}
        rows.append(person(number, 2 * h, **room))
        rows.append(person(number, 2 * h + 1, relationship="配偶", sex="F", **room))
    return rows


def _whole(monkeypatch, path):
    with monkeypatch.context() as m:
        m.setattr(sheets, "SPLIT_MIN_BYTES", 1 << 60)
        return read_table(str(path))


def _parts(path, index=0):
    workbook = CalamineWorkbook.from_path(str(path))
    try:
        return sheets.load_sheet(str(path), workbook, index)
    finally:
        workbook.close()


def test_a_workbook_with_shared_strings_reads_the_same_in_two_halves(tmp_path, monkeypatch, halves):
    rows = _rows(60)
    for row in rows[25:]:
        row["住房面积"] = None  # the second half ends a column earlier than the first
    path = write_xlsx(tmp_path / "r.xlsx", rows, title="铜锣湾社区户籍名单")
    top, bottom = (part() for part in _parts(path))
    assert bottom.start[0] > top.end[0]
    table = read_table(str(path))
    whole = _whole(monkeypatch, path)
    assert table.header_row == whole.header_row == 2
    assert table.rows == whole.rows
    assert [n for n, _cells in table.rows] == list(range(3, 63))
    assert len({len(cells) for _n, cells in table.rows}) == 1


def test_an_inline_string_workbook_below_and_right_of_a1_with_dates_reads_the_same(
    tmp_path, monkeypatch, halves, building_a
):
    """As the roster report and other streaming writers save it: each text in its cell, real
    Excel dates, the people sheet after a sheet of households."""
    import xlsxwriter

    path = tmp_path / "r.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    book.add_worksheet("住户").write_row(0, 0, ["户编号", "户主"])
    sheet = book.add_worksheet("人员")
    sheet.write_row(3, 2, HEADERS)
    for r, row in enumerate(_rows(40), start=4):
        for c, header in enumerate(HEADERS, start=2):
            if header == "出生日期":
                born = datetime.date.fromisoformat(row[header])
                sheet.write_datetime(r, c, datetime.datetime.combine(born, datetime.time()), dates)
            else:
                sheet.write(r, c, row.get(header, ""))
    book.close()
    assert len(_parts(path, 1)) == 2
    table = read_table(str(path))
    assert table.rows == _whole(monkeypatch, path).rows
    assert table.header_row == 4 and [n for n, _c in table.rows] == list(range(5, 45))
    first = dict(zip(table.headers, table.rows[0][1], strict=True))
    assert first["出生日期"] == datetime.date(1985, 6, 15) and first["户编号"] == "H000"
    check = check_table(table, Options(create_dwellings=True))
    assert check.ok, [str(m) for m in check.errors]
    assert check.counts["people_new"] == 40


def _rewrite(path, change):
    """The workbook with its first sheet's XML passed through ``change``."""
    with zipfile.ZipFile(path) as zf:
        parts = [(info, zf.read(info)) for info in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in parts:
            if info.filename == "xl/worksheets/sheet1.xml":
                data = change(data)
            zf.writestr(info.filename, data)
    return path


def test_rows_without_their_numbers_are_read_whole(tmp_path, monkeypatch, halves):
    path = write_xlsx(tmp_path / "r.xlsx", _rows(40))
    _rewrite(path, lambda xml: re.sub(rb'(<row)\s+r="\d+"', rb"\1", xml))
    assert len(_parts(path)) == 1
    assert read_table(str(path)).rows == _whole(monkeypatch, path).rows


def test_rows_out_of_order_are_read_whole(tmp_path, monkeypatch, halves):
    """A row of the second half numbered as if it were at the top: the halves would not be
    in order, so the sheet is read as calamine reads it."""
    path = write_xlsx(tmp_path / "r.xlsx", _rows(40))

    def renumber(xml):
        start = xml.rindex(b'<row r="41"')
        end = xml.index(b"</row>", start)
        return xml[:start] + xml[start:end].replace(b'41"', b'2"') + xml[end:]

    _rewrite(path, renumber)
    parts = _parts(path)
    assert len(parts) == 2
    with pytest.raises(sheets.Unsplittable):
        parts[1]()
    assert read_table(str(path)).rows == _whole(monkeypatch, path).rows


def test_a_second_half_calamine_cannot_load_reads_the_sheet_whole(tmp_path, monkeypatch, halves):
    path = write_xlsx(tmp_path / "r.xlsx", _rows(40))

    def broken(head, rest, source):
        yield head
        yield b'<row r="30"><c r="A30" t="s"><v>1</v></c></row><row'

    monkeypatch.setattr(sheets, "_rest", broken)
    parts = _parts(path)
    with pytest.raises(sheets.Unsplittable):
        parts[1]()
    rows = read_table(str(path)).rows
    assert rows == _whole(monkeypatch, path).rows and len(rows) == 40


def test_a_surprise_while_cutting_reads_the_sheet_whole(tmp_path, monkeypatch, halves):
    path = write_xlsx(tmp_path / "r.xlsx", _rows(20))

    def broken(*args):
        raise OSError("disk full")

    monkeypatch.setattr(sheets, "_cut", broken)
    assert len(_parts(path)) == 1
    assert len(read_table(str(path)).rows) == 20


def test_a_small_sheet_is_read_whole(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", _rows(20))
    assert len(_parts(path)) == 1


def test_the_cut_is_before_a_numbered_row_after_the_middle():
    import io

    xml = (
        b'<?xml version="1.0"?><worksheet xmlns="x"><sheetData>'
        + b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, i) for i in range(1, 41))
        + b"</sheetData></worksheet>"
    )
    written = []
    head, rest, row = sheets._cut(io.BytesIO(xml), len(xml) // 2, written.append)
    above = b"".join(written)
    assert head.endswith(b"<sheetData>") and above + rest == xml
    assert rest.startswith(b'<row r="%d">' % (row + 1)) and len(above) >= len(xml) // 2
    assert sheets._cut(io.BytesIO(b"<worksheet><cols/></worksheet>"), 10, written.append) is None
    unnumbered = xml.replace(b'<row r="', b'<row x="')
    assert sheets._cut(io.BytesIO(unnumbered), len(xml) // 2, written.append) is None


def test_the_halves_leave_no_file_behind(tmp_path, settings, halves):
    import time

    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "temp")
    (tmp_path / "temp").mkdir()
    path = write_xlsx(tmp_path / "r.xlsx", _rows(40))
    parts = _parts(path)
    assert len(parts) == 2 and len(read_table(str(path)).rows) == 40
    deadline = time.monotonic() + 5
    while any((tmp_path / "temp").iterdir()) and time.monotonic() < deadline:
        time.sleep(0.01)  # the second half's folder goes once its load has finished
    assert not any((tmp_path / "temp").iterdir())
