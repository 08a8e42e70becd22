"""A big sheet loaded by calamine in two halves at once.

calamine parses a sheet on one core, and releases the GIL while it does: two loads run side
by side on two cores (checked: two threads each loading the 100,000-people roster took
3.2 s together, one alone 2.9 s). A sheet's XML is its rows one after the other, each
``<row r="N">`` carrying its own number, so the XML cut before a row near the middle gives
two sheets that are each valid: the first with the rows above the cut, the second with the
same head (everything up to ``<sheetData>``) and the rows from the cut on, numbered as in
the file. Each half goes, with the workbook's other parts (shared strings; styles, which
tell dates from numbers), into a workbook of its own, stored uncompressed in a temporary
folder; calamine loads the first while the second is being written, then the second. At
100,000 people (140 MB of sheet XML) the sheet was read into rows in 1.79–2.67 s this way
against 2.52–3.48 s in one piece, six runs of each alternating on one machine.

Whatever is not as expected — a small sheet, a sheet calamine names but the workbook's
parts do not, a prefixed ``<x:sheetData>``, rows without their number, a half whose rows
are not where the cut says, an error of calamine on a half — and the sheet is loaded whole,
as calamine loads it: the result is the same, only slower.
"""

import html
import os
import posixpath
import re
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings

# Below this (about 11,000 rows of the template's columns) the halves save little.
SPLIT_MIN_BYTES = 8 * 1024 * 1024
CHUNK = 1 << 20
FIRST_SHARE = 0.5
SHEET_DATA = b"<sheetData>"
TAIL = b"</sheetData></worksheet>"
ROW_NUMBER = re.compile(rb'<row\s[^>]*?\br="(\d+)"')
SHEET = re.compile(r"<(?:\w+:)?sheet\s[^>]*>")
RELATIONSHIP = re.compile(r"<(?:\w+:)?Relationship\s[^>]*>")
ATTRIBUTE = re.compile(r'([\w:]+)="([^"]*)"')


def load_sheet(path: str, workbook, index: int) -> list:
    """The sheet ``index`` of the workbook at ``path`` (opened as ``workbook``) as calamine
    sheets, one or two, in the order of their rows."""
    try:
        halves = _load_halves(path, workbook, index)
    except Exception:  # noqa: BLE001 — any surprise: loaded whole below, as calamine does
        halves = None
    return halves or [workbook.get_sheet_by_index(index)]


def _attributes(tag: str) -> dict:
    return {name.rpartition(":")[2]: html.unescape(value) for name, value in ATTRIBUTE.findall(tag)}


def _sheet_parts(zf: zipfile.ZipFile) -> dict:
    """Sheet name → the zip member of its XML, from the workbook and its relationships."""
    workbook = zf.read("xl/workbook.xml").decode("utf-8")
    rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    targets = {}
    for tag in RELATIONSHIP.findall(rels):
        attrs = _attributes(tag)
        target = attrs.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        targets[attrs.get("Id")] = posixpath.normpath(target)
    parts = {}
    for tag in SHEET.findall(workbook):
        attrs = _attributes(tag)
        if attrs.get("name") and attrs.get("id") in targets:
            parts[attrs["name"]] = targets[attrs["id"]]
    return parts


def _load_halves(path: str, workbook, index: int) -> list | None:
    from python_calamine import CalamineWorkbook

    name = workbook.sheet_names[index]
    with (
        zipfile.ZipFile(path) as zf,
        tempfile.TemporaryDirectory(dir=getattr(settings, "FILE_UPLOAD_TEMP_DIR", None)) as folder,
    ):
        parts = _sheet_parts(zf)
        member = parts.get(name)
        if member is None:
            return None
        info = zf.getinfo(member)
        if info.file_size < SPLIT_MIN_BYTES:
            return None
        sheets = set(parts.values())
        # The other parts as they are; the other sheets as empty ones (never loaded here).
        others = []
        for other in zf.infolist():
            if other.filename == member or other.is_dir():
                continue
            if other.filename in sheets:
                others.append((other.filename, b"<worksheet><sheetData/></worksheet>"))
            else:
                others.append((other.filename, zf.read(other)))

        def write(target, pieces=()):
            out = zipfile.ZipFile(target, "w", zipfile.ZIP_STORED)
            for filename, data in others:
                out.writestr(filename, data)
            sheet = out.open(member, "w")
            for piece in pieces:
                sheet.write(piece)
            return out, sheet

        def load(target):
            half = CalamineWorkbook.from_path(target)
            try:
                return half.get_sheet_by_index(index)
            finally:
                half.close()

        with zf.open(info) as source:
            first_path = os.path.join(folder, "1.xlsx")
            second_path = os.path.join(folder, "2.xlsx")
            out, sheet = write(first_path)
            found = _cut(source, int(info.file_size * FIRST_SHARE), sheet.write)
            if found is None:
                sheet.close()
                out.close()
                return None
            head, rest, first_below = found
            sheet.write(TAIL)
            sheet.close()
            out.close()
            with ThreadPoolExecutor(max_workers=2) as pool:
                first = pool.submit(load, first_path)
                out, sheet = write(second_path, _rest(head, rest, source))
                sheet.close()
                out.close()
                del rest
                second = pool.submit(load, second_path)
                halves = [first.result(), second.result()]
    top, bottom = halves
    if top.end is None or bottom.start is None:
        return None
    if top.end[0] >= first_below or bottom.start[0] < first_below:
        return None  # rows out of order, or not numbered: the cut is not where it seems
    return halves


def _cut(source, middle: int, write):
    """Copy the sheet's XML to ``write`` up to the first row that starts after ``middle``
    bytes; return its head (through ``<sheetData>``), the XML read from that row on, and
    the row's 0-based number. None when there is no such row to cut before."""
    head = None
    done = 0  # bytes given to ``write``
    pending = b""
    while chunk := source.read(CHUNK):
        data = pending + chunk
        pending = b""
        skip = 0
        if head is None:
            at = data.find(SHEET_DATA)
            if at < 0:
                if len(data) > 4 * CHUNK:
                    return None
                pending = data
                continue
            head = data[: at + len(SHEET_DATA)]
            if not re.search(rb"<worksheet[\s>]", head):
                return None
            skip = len(head)
        if done + len(data) <= middle:
            write(data)
            done += len(data)
            continue
        at = data.find(b"<row", max(middle - done, skip))
        if at < 0:  # kept: the start of a tag the next chunk ends
            keep = max(len(data) - 16, 0)
            write(data[:keep])
            done += keep
            pending = data[keep:]
            continue
        if data.find(b">", at) < 0:  # the tag ends in the next chunk
            write(data[:at])
            done += at
            pending = data[at:]
            continue
        match = ROW_NUMBER.match(data, at)
        if match is None:
            return None  # a row without its number
        write(data[:at])
        return head, data[at:], int(match.group(1)) - 1
    return None


def _rest(head, rest, source):
    yield head
    yield rest
    while chunk := source.read(CHUNK):
        yield chunk
