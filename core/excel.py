"""The streaming spreadsheet writer shared by every report (and reused by imports).

One small API for .xlsx and .csv::

    columns = [Column("姓名", TEXT), Column("出生日期", DATE), Column("月收入（元）", MONEY)]
    with open_writer(path, fmt="xlsx") as book:
        sheet = book.sheet("人员", columns, title_lines=["人员花名册", "数据截至 2026-12-01"])
        for row in rows:
            sheet.write_row(row)          # one value per column, in order
        sheet.write_totals(["合计", None, total])  # optional, bold, after the rows
    book.rows_written                     # data rows of every sheet

- Cells are typed by their column: TEXT is always a string cell (so an 18-digit ID number
  or a phone number never becomes 3.60735E+17, and a text starting with ``=``, ``+``,
  ``-`` or ``@`` is never a formula); DATE a date cell (``yyyy-mm-dd``); INTEGER a whole
  number; DECIMAL a number with two decimals; MONEY a number with two decimals and a
  thousands separator. ``None`` is an empty cell.
- Each sheet has optional title rows, then the header row (bold, frozen, with an
  autofilter), then the rows. A sheet that reaches ``max_rows`` (Excel's 1,048,576 by
  default) continues on a new sheet ("人员 (2)") with the same title and header.
- Column widths fit the longest value seen (a Chinese character counts two), up to 60.
- CSV (``fmt="csv"``) is UTF-8 with a byte-order mark, which Chinese Excel opens correctly;
  it holds the first sheet only (title rows omitted, header first), and a text cell that
  starts with ``=``, ``+``, ``-`` or ``@`` gets a leading apostrophe so that a spreadsheet
  does not run it.

Why xlsxwriter in ``constant_memory`` mode: on this project's 2-core machine, 100,000 rows of
20 columns took 15.8 s with it against 21.6 s with openpyxl's write-only mode at the same
flat memory (about 35 MB, PACKAGES.md), and ``make bench`` measures both again beside the
reports. ``constant_memory`` writes each row to disk as soon as the next one starts, so a
sheet must be written top to bottom (which a report does) and one sheet at a time.

Why the data rows bypass xlsxwriter's cell methods: a report of a million people is 25 to 30
million cells, and each ``write_string`` / ``write_number`` call goes through an argument
decorator, a dimension check, a namedtuple per cell and, when the next row starts, a type
dispatch by class name and an XML element built from a list of attributes; that was most of
an export's time. ``_XlsxSheet.write_row`` writes a data row's XML itself, into the same
temporary file and in the same form (``tests/core/test_excel.py`` checks the sheet is the
same, byte for byte, as xlsxwriter's own cell methods write it), and keeps xlsxwriter's row
and dimension state as its own methods would; title, header and totals rows still go through
xlsxwriter. One difference: a text that looks like an inline rich string (``<r>…</r>``),
which xlsxwriter writes unescaped, is escaped like any other text.
"""

import csv
import datetime
import decimal
import math
import queue
import re
import threading
import unicodedata
from dataclasses import dataclass

import xlsxwriter
from django.utils import translation
from xlsxwriter.utility import xl_col_to_name

TEXT = "text"
DATE = "date"
INTEGER = "integer"
DECIMAL = "decimal"
MONEY = "money"
TYPES = (TEXT, DATE, INTEGER, DECIMAL, MONEY)

EXCEL_MAX_ROWS = 1_048_576
MAX_WIDTH = 60
FORMULA_STARTS = ("=", "+", "-", "@")
_SHEET_NAME_BAD = str.maketrans({c: "_" for c in "[]:*?/\\"})
# A text that needs more than XML's three escapes: a control character (written _xHHHH_), a
# literal _xHHHH_ (its underscore escaped), a non-character; or an XML special character.
_TEXT_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
_CONTROL_ESCAPED = re.compile(r"(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
_TEXT_MAX = 32767 // 2  # longer texts (rare) go through xlsxwriter, which truncates them
_DATE_CACHE_MAX = 100_000
# Values remembered per column with their cell's XML (a text or whole number: a sex, a
# building, a label repeats down a million rows). Bounded: a column of names or ID
# numbers fills it with its first values and remembers no more.
_SEEN_MAX = 2048


@dataclass(frozen=True)
class Column:
    header: str
    type: str = TEXT

    def __post_init__(self):
        if self.type not in TYPES:
            raise ValueError(f"unknown column type {self.type!r}")


def display_width(text: str) -> int:
    """Columns a text takes in Excel: a wide (Chinese) character counts two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def escape_formula(text: str) -> str:
    """A text made safe for CSV: a leading apostrophe when it would start a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _escape_text(text: str) -> str:
    """xlsxwriter's escapes of an inline string, in its order: a literal _xHHHH_ keeps its
    underscore as _x005F_, a control character becomes _xHHHH_, then XML's &, < and >."""
    text = _CONTROL_ESCAPED.sub(r"_x005F\1", text)
    text = _CONTROL.sub(lambda match: f"_x{ord(match.group(1)):04X}_", text)
    text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _as_text(value) -> str:
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


class _XlsxSheet:
    def __init__(self, book, name, columns, title_lines, max_rows):
        self.book = book
        self.name = name
        self.columns = list(columns)
        self.title_lines = list(title_lines or [])
        self.max_rows = max_rows
        self.widths = [display_width(c.header) + 2 for c in self.columns]
        self.part = 0
        self.rows_written = 0
        self._prepare_fast()
        self._new_part()

    def _new_part(self):
        if self.part:
            self._finish_part()
        self.part += 1
        name = self.name if self.part == 1 else f"{self.name} ({self.part})"
        self.ws = self.book._add_worksheet(name)
        fmt = self.book.formats
        row = 0
        for i, line in enumerate(self.title_lines):
            self.ws.write_string(row, 0, line, fmt["title"] if i == 0 else fmt["subtitle"])
            row += 1
        self.header_row = row
        for col, column in enumerate(self.columns):
            self.ws.write_string(row, col, column.header, fmt["header"])
        self.ws.freeze_panes(row + 1, 0)
        self.row = row + 1

    def _finish_part(self):
        last = max(self.row - 1, self.header_row)
        if self.columns:
            self.ws.autofilter(self.header_row, 0, last, len(self.columns) - 1)
        for col, width in enumerate(self.widths):
            self.ws.set_column(col, col, min(width, MAX_WIDTH))

    def _prepare_fast(self):
        """What a data row's XML needs, per column: the cell reference's letters and, for a
        dated or decimal column, its style attribute (given at the first data row, after
        the title and header rows took theirs: the styles are numbered in the order
        xlsxwriter's own cell methods would number them)."""
        self.letters = [xl_col_to_name(col) for col in range(len(self.columns))]
        self.styles = None
        self.serials = self.book.date_serials
        self.seen = [{} for _ in self.columns]

    def _style_attributes(self):
        fmt = self.book.formats
        styles = {DATE: fmt["date"], DECIMAL: fmt["decimal"], MONEY: fmt["money"]}
        return [
            f' s="{styles[c.type]._get_xf_index()}"' if c.type in styles else ""
            for c in self.columns
        ]

    def write_row(self, values, *, bold=False):
        if self.row >= self.max_rows:
            self._new_part()
        if bold:
            self._write_row_cells(values, bold=True)
            return
        ws, r = self.ws, self.row
        # As xlsxwriter's cell methods do: the row before (a title or header row it holds)
        # is written out first.
        if r > ws.previous_row:
            ws._write_single_row(r)
        if self.styles is None:
            self.styles = self._style_attributes()
        cells = self._row_xml(values)
        if cells is None:
            self._write_row_cells(values)
            return
        if cells:  # and the sheet's dimension grows, as theirs would
            if ws.dim_rowmin is None:
                ws.dim_rowmin = r
            if ws.dim_rowmax is None or r > ws.dim_rowmax:
                ws.dim_rowmax = r
            ws._write_row(r, None)
            ws.fh.write(cells)
        self.row += 1
        self.rows_written += 1

    def _row_xml(self, values) -> str | None:
        """The row's cells as xlsxwriter writes them in ``constant_memory`` mode, ending
        with ``</row>``; "" for a row of empty cells (no row is written then); None when a
        cell needs xlsxwriter itself (a text over 16,383 characters or empty once shown, NaN
        or infinity)."""
        n = self.row + 1
        widths, letters, styles, seen = self.widths, self.letters, self.styles, self.seen
        parts = []
        append = parts.append
        for col, (column, value) in enumerate(zip(self.columns, values, strict=True)):
            if value is None or value == "":
                continue
            # A value seen before in the column is its cell's XML after the reference, and
            # its width is counted already.
            known = seen[col]
            cached = type(value) is str or type(value) is int
            if cached:
                tail = known.get(value)
                if tail is not None:
                    append(f'<c r="{letters[col]}{n}{tail}')
                    continue
            kind = column.type
            if kind == TEXT:
                text = value if type(value) is str else _as_text(value)
                if not text or len(text) > _TEXT_MAX:  # an object shown as "", or too long
                    return None
                if 2 * len(text) + 2 > widths[col]:
                    width = (len(text) if text.isascii() else display_width(text)) + 2
                    if width > widths[col]:
                        widths[col] = width
                if _TEXT_SPECIAL.search(text):
                    text = _escape_text(text)
                if text[0].isspace() or text[-1].isspace():
                    tail = f'" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
                else:
                    tail = f'" t="inlineStr"><is><t>{text}</t></is></c>'
                width = 0
            elif kind == DATE:
                serial = self.serials.get(value)
                if serial is None:
                    serial = self._serial(value)
                tail = f'"{styles[col]}><v>{serial:.16G}</v></c>'
                width = 12
            elif kind == INTEGER:
                number = int(value)
                tail = f'"><v>{number:.16G}</v></c>'
                width = len(str(value)) + 2
            else:
                number = float(value) if isinstance(value, decimal.Decimal) else value
                if not math.isfinite(number):
                    return None
                tail = f'"{styles[col]}><v>{number:.16G}</v></c>'
                width = len(f"{number:,.2f}") + 2
            append(f'<c r="{letters[col]}{n}{tail}')
            if width > widths[col]:
                widths[col] = width
            if cached and len(known) < _SEEN_MAX:
                known[value] = tail
        if not parts:
            return ""
        append("</row>")
        return "".join(parts)

    def _serial(self, value) -> float:
        """A date's Excel serial number, remembered (a roster has a few thousand dates)."""
        if isinstance(value, datetime.datetime):
            value = value.replace(tzinfo=None)
        serial = self.ws._convert_date_time(value)
        if value.__class__ is datetime.date and len(self.serials) < _DATE_CACHE_MAX:
            self.serials[value] = serial
        return serial

    def _write_row_cells(self, values, *, bold=False):
        """A row through xlsxwriter's cell methods: the totals (bold) and the rare row of
        ``_row_xml``'s exceptions."""
        ws, fmt, r, widths = self.ws, self.book.formats, self.row, self.widths
        for col, (column, value) in enumerate(zip(self.columns, values, strict=True)):
            if value is None or value == "":
                if bold:
                    ws.write_blank(r, col, None, fmt["bold"])
                continue
            kind = column.type
            if kind == TEXT:
                text = value if type(value) is str else _as_text(value)
                ws.write_string(r, col, text, fmt["bold"] if bold else None)
                # A text is at most two columns a character: measure it only when it could
                # widen the column (most cells cannot, and measuring is per character).
                if 2 * len(text) + 2 <= widths[col]:
                    continue
                width = (len(text) if text.isascii() else display_width(text)) + 2
            elif kind == DATE:
                if isinstance(value, datetime.datetime):
                    value = value.replace(tzinfo=None)
                ws.write_datetime(r, col, value, fmt["date"])
                width = 12
            elif kind == INTEGER:
                ws.write_number(r, col, int(value), fmt["bold"] if bold else None)
                width = len(str(value)) + 2
            else:
                number = float(value) if isinstance(value, decimal.Decimal) else value
                ws.write_number(r, col, number, fmt[f"{kind}_bold" if bold else kind])
                width = len(f"{number:,.2f}") + 2
            if width > widths[col]:
                widths[col] = width
        self.row += 1
        self.rows_written += 1

    def write_totals(self, values):
        """A bold row after the data (not counted as a data row)."""
        self.write_row(values, bold=True)
        self.rows_written -= 1

    def close(self):
        self._finish_part()


class XlsxBook:
    def __init__(self, path, *, max_rows=EXCEL_MAX_ROWS):
        self.wb = xlsxwriter.Workbook(
            path,
            {
                "constant_memory": True,
                # Never turn a text into a formula, number or link behind the caller's back.
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
                "default_date_format": "yyyy-mm-dd",
            },
        )
        add = self.wb.add_format
        self.formats = {
            "title": add({"bold": True, "font_size": 14}),
            "subtitle": add({"font_color": "#555555"}),
            "header": add({"bold": True, "bg_color": "#DDEBF7", "border": 1}),
            "bold": add({"bold": True}),
            "date": add({"num_format": "yyyy-mm-dd"}),
            "decimal": add({"num_format": "0.00"}),
            "money": add({"num_format": "#,##0.00"}),
            "decimal_bold": add({"num_format": "0.00", "bold": True}),
            "money_bold": add({"num_format": "#,##0.00", "bold": True}),
        }
        self.max_rows = max_rows
        self.sheets = []
        self._names = set()
        self.date_serials = {}  # date → Excel serial number, shared by the sheets

    def _add_worksheet(self, name):
        name = name.translate(_SHEET_NAME_BAD)[:31]
        base, n = name, 2
        while name.lower() in self._names:
            name = f"{base[:27]}~{n}"
            n += 1
        self._names.add(name.lower())
        return self.wb.add_worksheet(name)

    def sheet(self, name, columns, *, title_lines=None):
        if self.sheets:
            self.sheets[-1].close()
        sheet = _XlsxSheet(self, name, columns, title_lines, self.max_rows)
        self.sheets.append(sheet)
        return sheet

    @property
    def rows_written(self):
        return sum(s.rows_written for s in self.sheets)

    def close(self):
        if self.sheets:
            self.sheets[-1].close()
        else:
            self._add_worksheet("Sheet1")
        self.wb.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class _CsvSheet:
    def __init__(self, writer, columns, *, discard=False):
        self.writer = writer
        self.columns = list(columns)
        self.discard = discard
        self.rows_written = 0
        if not discard:
            writer.writerow([c.header for c in self.columns])

    def write_row(self, values):
        self.rows_written += 1
        if self.discard:
            return
        out = []
        for column, value in zip(self.columns, values, strict=True):
            if value is None:
                out.append("")
            elif column.type == TEXT:
                out.append(escape_formula(_as_text(value)))
            elif column.type == DATE:
                out.append(_as_text(value))
            elif column.type in (DECIMAL, MONEY):
                out.append(f"{decimal.Decimal(str(value)):.2f}")
            else:
                out.append(str(int(value)))
        self.writer.writerow(out)

    def write_totals(self, values):
        self.write_row(values)
        self.rows_written -= 1


class CsvBook:
    """The first sheet as CSV (UTF-8 with BOM); later sheets are accepted and not written."""

    def __init__(self, path):
        self.fh = open(path, "w", encoding="utf-8-sig", newline="")  # noqa: SIM115
        self.writer = csv.writer(self.fh)
        self.sheets = []

    def sheet(self, name, columns, *, title_lines=None):
        sheet = _CsvSheet(self.writer, columns, discard=bool(self.sheets))
        self.sheets.append(sheet)
        return sheet

    @property
    def rows_written(self):
        return self.sheets[0].rows_written if self.sheets else 0

    def close(self):
        self.fh.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class WriteBehind:
    """``write_row`` called in a second thread, so that the rows are written while the
    caller's thread waits for the database's next chunk of them::

        with WriteBehind(sheet.write_row) as write:
            for values in rows:        # a server-side cursor, fetched in this thread
                write(values)

    Why: an export is a loop of two halves that took turns. PostgreSQL computes the next
    chunk of a cursor only when it is fetched, and the Python process writes a chunk only
    once it has it, so one waited for the other. psycopg2 (and sqlite3) let go of the
    interpreter's lock while they wait, so the writer's thread writes then: the database's
    time is hidden behind the writing on a second core, and the table builder's correlated
    subqueries (most of its query's time) cost little more than plain columns. The
    database stays in the caller's thread, whose connection it is (a test's transaction
    included). At most ``depth`` batches of ``batch`` rows wait, so memory stays flat.

    An error in the writer is raised in the caller's thread at its next ``write`` (or at
    the end); an error in the caller's loop stops the writer, and is the one raised."""

    _END = object()

    def __init__(self, write_row, *, batch=500, depth=8):
        self.write_row = write_row
        self.size = batch
        self.batch = []
        self.error = None
        self.queue = queue.Queue(maxsize=depth)
        self.language = translation.get_language()
        self.thread = threading.Thread(target=self._run, name="write-behind", daemon=True)

    def _run(self):
        # The caller's language: a lazy label (a choice's) is turned into text here.
        with translation.override(self.language):
            while True:
                rows = self.queue.get()
                if rows is self._END:
                    return
                if self.error is not None:
                    continue  # drained, so that the caller is never blocked
                try:
                    for values in rows:
                        self.write_row(values)
                except BaseException as exc:  # noqa: BLE001 - raised in the caller's thread
                    self.error = exc

    def __call__(self, values):
        batch = self.batch
        batch.append(values)
        if len(batch) >= self.size:
            self.flush()

    def flush(self):
        if self.error is not None:
            raise self.error
        if self.batch:
            self.queue.put(self.batch)
            self.batch = []

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.flush()
        else:
            self.batch = []
        self.queue.put(self._END)
        self.thread.join()
        if exc_type is None and self.error is not None:
            raise self.error
        return False


FORMATS = ("xlsx", "csv")


def open_writer(path, *, fmt="xlsx", max_rows=EXCEL_MAX_ROWS):
    """A book writing to ``path``: ``XlsxBook`` or ``CsvBook``; use it as a context manager."""
    if fmt == "xlsx":
        return XlsxBook(path, max_rows=max_rows)
    if fmt == "csv":
        return CsvBook(path)
    raise ValueError(f"unknown format {fmt!r}")
