"""Reading a roster file: ``.xlsx`` with python-calamine (the fast reader) and ``.csv`` in
UTF-8 (with or without BOM) or GBK/GB18030, into the rows under the header.

Everything that makes a file unreadable is refused here, before any row is looked at, with a
message that says what to do: not a spreadsheet, an old ``.xls``, a password-protected or
macro-enabled workbook, a file over ``IMPORT_MAX_MB`` or ``IMPORT_MAX_ROWS``, a workbook
whose declared uncompressed size is absurd (a zip bomb: checked in the zip directory before
anything is decompressed).
"""

import csv
import datetime
import io
import itertools
import os
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from .columns import Column, column_for_header
from .sheets import Unsplittable, load_sheet

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
HEADER_SCAN_ROWS = 10  # a title or notes above the header: the header is among the first rows
MAX_COMPRESSION_RATIO = 200  # a sheet of real data compresses 5–30 times


class ImportFileError(Exception):
    """The file cannot be read: the message says why, for a person."""


@dataclass
class Table:
    columns: list  # [(index in the row, Column)]
    header_row: int  # 1-based row number of the header in the file
    rows: list  # [(row number in the file, (cell values))], blank rows left out
    unknown_headers: list = field(default_factory=list)
    headers: list = field(default_factory=list)  # the header cells as written


def _limits():
    return (
        getattr(settings, "IMPORT_MAX_MB", 20),
        getattr(settings, "IMPORT_MAX_ROWS", 200_000),
        getattr(settings, "IMPORT_MAX_UNZIPPED_MB", 1000),
    )


def read_table(path: str, name: str | None = None) -> Table:
    """The rows of the roster at ``path`` (``name``: the file name as uploaded)."""
    name = name or os.path.basename(path)
    max_mb, max_rows, max_unzipped_mb = _limits()
    size = os.path.getsize(path)
    if size > max_mb * 1024 * 1024:
        raise ImportFileError(
            _("The file is %(size).1f MB; at most %(max)d MB can be imported at once.")
            % {"size": size / 1024 / 1024, "max": max_mb}
        )
    if size == 0:
        raise ImportFileError(_("The file is empty."))
    with open(path, "rb") as fh:
        head = fh.read(8)
    lower = name.lower()
    if lower.endswith((".xlsm", ".xltm", ".xlsb")):
        raise ImportFileError(
            _(
                "Macro-enabled workbooks are not accepted: save the file as an Excel "
                "workbook (.xlsx) without macros."
            )
        )
    if head.startswith(OLE2_MAGIC):
        with open(path, "rb") as fh:
            body = fh.read()
        if "EncryptionInfo".encode("utf-16-le") in body:
            raise ImportFileError(
                _("The workbook is protected by a password: remove the password and upload again.")
            )
        raise ImportFileError(
            _("Old Excel files (.xls) are not accepted: save the file as .xlsx and upload again.")
        )
    if head.startswith(ZIP_MAGIC):
        rows = _read_xlsx(path, max_rows=max_rows, max_unzipped_mb=max_unzipped_mb)
    elif lower.endswith((".csv", ".txt")):
        rows = _read_csv(path, max_rows=max_rows)
    else:
        raise ImportFileError(
            _("The file is not a spreadsheet: upload an Excel workbook (.xlsx) or a CSV file.")
        )
    table = _find_header(rows)
    if len(table.rows) > max_rows:
        raise ImportFileError(
            _("The file has %(n)d rows; at most %(max)d rows can be imported at once.")
            % {"n": len(table.rows), "max": max_rows}
        )
    return table


def _check_zip(path: str, max_unzipped_mb: int) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile:
        raise ImportFileError(
            _("The file is damaged or not a spreadsheet: open it in Excel and save it again.")
        ) from None
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names:
        raise ImportFileError(
            _("The file is not a spreadsheet: upload an Excel workbook (.xlsx) or a CSV file.")
        )
    if "xl/vbaProject.bin" in names:
        raise ImportFileError(
            _(
                "Macro-enabled workbooks are not accepted: save the file as an Excel "
                "workbook (.xlsx) without macros."
            )
        )
    total = sum(info.file_size for info in infos)
    bomb = total > max_unzipped_mb * 1024 * 1024 or any(
        info.file_size > 10 * 1024 * 1024
        and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1)
        for info in infos
    )
    if bomb:
        raise ImportFileError(
            _(
                "The workbook would decompress to %(size)d MB, which no roster needs: it is "
                "refused as unsafe."
            )
            % {"size": total // (1024 * 1024)}
        )


def _read_xlsx(path: str, *, max_rows: int, max_unzipped_mb: int) -> list:
    from python_calamine import CalamineWorkbook

    _check_zip(path, max_unzipped_mb)
    damaged = _("The file is damaged or not a spreadsheet: open it in Excel and save it again.")
    try:
        workbook = CalamineWorkbook.from_path(path)
        index, parts = _people_sheet(path, workbook)
    except Exception:  # calamine raises its own error types for damaged workbooks
        raise ImportFileError(damaged) from None
    try:
        return _rows_of(parts, max_rows)
    except Unsplittable:  # the second half: loaded whole after all
        try:
            sheet = workbook.get_sheet_by_index(index)
        except Exception:
            raise ImportFileError(damaged) from None
        return _rows_of([lambda: sheet], max_rows)


def _rows_of(parts, max_rows: int) -> list:
    """The rows of a sheet given in parts (``sheets.load_sheet``), each part turned into rows
    as soon as it is loaded, all padded to the widest part at the end."""
    # Each row a tuple, and a text repeated down a column (an enumeration, a township, a
    # date) one object for the whole file: 100,000 rows of 27 cells hold a few hundred
    # thousand distinct values, not 2.7 million. (``to_python`` builds the rows in one call,
    # but its lists beside the sheet took 130 MB more and the read as long.)
    seen: dict = {}
    keep = seen.setdefault
    rows: list = []
    height = 0
    spans = []  # (first row's index in ``rows``, the part's width from column A)
    for n, part in enumerate(parts):
        sheet = part()
        parts[n] = None  # each part's calamine sheet let go once it is rows
        height += sheet.height
        if height > max_rows + HEADER_SCAN_ROWS:
            raise ImportFileError(
                _(
                    "The file has more than %(max)d rows; at most %(max)d rows can be "
                    "imported at once."
                )
                % {"max": max_rows}
            )
        if sheet.start is None:
            continue
        spans.append((len(rows), sheet.start[1] + sheet.width))
        rows.extend(
            (i, tuple([keep(v, v) if v.__class__ is str else v for v in row]))
            for i, row in _numbered_rows(sheet)
        )
        del sheet
    width = max((w for _at, w in spans), default=0)
    for n, (at, part_width) in enumerate(spans):
        if part_width < width:  # a half whose last columns are empty
            end = spans[n + 1][0] if n + 1 < len(spans) else len(rows)
            pad = ("",) * (width - part_width)
            rows[at:end] = [(i, cells + pad) for i, cells in rows[at:end]]
    return rows


def _numbered_rows(sheet):
    """The sheet's rows with their 1-based numbers in Excel, each padded on the left to its
    place. calamine 0.9's ``iter_rows`` yields the empty rows above the data but not the
    empty columns to its left (checked on the rows and cells it gave, not assumed of its
    version; a second half starts far down)."""
    first_row, first_col = sheet.start
    rows = sheet.iter_rows()
    first = next(rows, None)
    if first is None:
        return
    if first_row and all(v == "" for v in first):  # the rows above the data: left out
        first = next(itertools.islice(rows, first_row - 1, None), None)
        if first is None:
            return
    numbered = enumerate(itertools.chain((first,), rows), start=first_row + 1)
    if first_col and len(first) == sheet.width:
        left = ("",) * first_col
        yield from ((i, (*left, *row)) for i, row in numbered)
    else:
        yield from numbered


def _people_sheet(path, workbook) -> tuple[int, list]:
    """The sheet of people, its index and its parts (``sheets.load_sheet``): the first sheet
    whose header names the ID-number column (the roster report's workbook has a sheet of
    households first, then its sheet 人员), else the first sheet. Each sheet is loaded once,
    a big one in two halves at once."""
    first = None
    for index in range(len(workbook.sheet_names)):
        parts = load_sheet(path, workbook, index)
        if first is None:
            first = (index, parts)
        for row_number, row in enumerate(parts[0]().iter_rows()):
            if row_number >= HEADER_SCAN_ROWS:
                break
            columns = [column_for_header(cell) for cell in row]
            if any(c is not None and c.key == "id_number" for c in columns):
                return index, parts
    return first


def _decode(raw: bytes) -> str:
    if b"\x00" in raw[:4096]:
        raise ImportFileError(
            _("The file is not a spreadsheet: upload an Excel workbook (.xlsx) or a CSV file.")
        )
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(
        _("The CSV file is neither UTF-8 nor GBK text: save it again as “CSV UTF-8”.")
    )


def _read_csv(path: str, *, max_rows: int) -> list:
    with open(path, "rb") as fh:
        text = _decode(fh.read())
    rows = []
    try:
        for i, row in enumerate(csv.reader(io.StringIO(text, newline=""))):
            if i >= max_rows + HEADER_SCAN_ROWS:
                raise ImportFileError(
                    _(
                        "The file has more than %(max)d rows; at most %(max)d rows can be imported at once."
                    )
                    % {"max": max_rows}
                )
            rows.append((i + 1, tuple(row)))
    except csv.Error:
        raise ImportFileError(
            _(
                "The CSV file is damaged (a quote is not closed): open it in Excel and save it again."
            )
        ) from None
    return rows


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _find_header(rows: list) -> Table:
    """The header is the row among the first ones that names the most known columns; title
    rows above it, blank rows and trailing empty columns are ignored."""
    best = None
    for number, row in rows[:HEADER_SCAN_ROWS]:
        found = [(i, column_for_header(cell)) for i, cell in enumerate(row)]
        found = [(i, c) for i, c in found if c is not None]
        if len(found) >= 3 and (best is None or len(found) > len(best[1])):
            best = (number, found, row)
    if best is None:
        raise ImportFileError(
            _(
                "No header row found: the first rows must hold column names such as 户编号, "
                "姓名, 公民身份号码. Download the template to see them."
            )
        )
    number, found, header = best
    seen: dict[str, int] = {}
    columns: list[tuple[int, Column]] = []
    for i, column in found:
        if column.key in seen:
            raise ImportFileError(
                _("The column %(header)s appears twice in the header (row %(row)d).")
                % {"header": column.header, "row": number}
            )
        seen[column.key] = i
        columns.append((i, column))
    known = {i for i, _c in found}
    unknown = [
        str(cell).strip() for i, cell in enumerate(header) if i not in known and not is_blank(cell)
    ]
    data = [(n, row) for n, row in rows if n > number and not all(is_blank(v) for v in row)]
    return Table(
        columns=columns,
        header_row=number,
        rows=data,
        unknown_headers=unknown,
        headers=["" if is_blank(c) else str(c).strip() for c in header],
    )


def excel_date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return None
