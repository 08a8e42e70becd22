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

import contextlib
import html
import os
import posixpath
import re
import shutil
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


class Unsplittable(Exception):
    """The second half could not be loaded or is not where the cut says: load the sheet
    whole."""


def load_sheet(path: str, workbook, index: int) -> list:
    """The sheet ``index`` of the workbook at ``path`` (opened as ``workbook``) as calamine
    sheets, one or two in the order of their rows, each given by a call: the second half
    may still be loading when the first is returned, so that the caller turns the first
    into rows meanwhile (0.3 s of a 2-second read at 100,000 people). The second's call
    raises ``Unsplittable`` when the sheet has to be loaded whole after all."""
    try:
        halves = _load_halves(path, workbook, index)
    except Exception:  # noqa: BLE001 — any surprise: loaded whole below, as calamine does
        halves = None
    if halves:
        return halves
    sheet = workbook.get_sheet_by_index(index)
    return [lambda: sheet]


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
    folder = tempfile.mkdtemp(dir=getattr(settings, "FILE_UPLOAD_TEMP_DIR", None))
    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sheet-half")
    try:
        with zipfile.ZipFile(path) as zf:
            parts = _sheet_parts(zf)
            member = parts.get(name)
            if member is None:
                return None
            info = zf.getinfo(member)
            if info.file_size < SPLIT_MIN_BYTES:
                return None
            sheets = set(parts.values())
            # The other parts as they are; the other sheets as empty ones (never loaded).
            others = []
            for other in zf.infolist():
                if other.filename == member or other.is_dir():
                    continue
                if other.filename in sheets:
                    others.append((other.filename, b"<worksheet><sheetData/></worksheet>"))
                else:
                    others.append((other.filename, zf.read(other)))

            def write(target, fill):
                with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as out:
                    for filename, data in others:
                        out.writestr(filename, data)
                    with out.open(member, "w") as sheet:
                        fill(sheet.write)

            def load(target):
                try:
                    half = CalamineWorkbook.from_path(target)
                    try:
                        return half.get_sheet_by_index(index)
                    finally:
                        half.close()
                finally:
                    # Each half takes its file away, and the last one the folder.
                    os.unlink(target)
                    with contextlib.suppress(OSError):
                        os.rmdir(os.path.dirname(target))

            first_path = os.path.join(folder, "1.xlsx")
            second_path = os.path.join(folder, "2.xlsx")
            with zf.open(info) as source:
                found = []

                def above(put):
                    cut = _cut(source, int(info.file_size * FIRST_SHARE), put)
                    if cut is not None:
                        put(TAIL)
                        found.extend(cut)

                write(first_path, above)
                if not found:
                    return None
                head, rest, first_below = found
                first = pool.submit(load, first_path)

                def below(put):
                    for piece in _rest(head, rest, source):
                        put(piece)

                write(second_path, below)
                second = pool.submit(load, second_path)
        folder = None  # removed by the halves' loads once both are done
        top = first.result()
    finally:
        pool.shutdown(wait=False)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
    if top.end is None or top.end[0] >= first_below:
        return None  # rows out of order, or not numbered: the cut is not where it seems

    def bottom():
        try:
            sheet = second.result()
        except Exception as exc:
            raise Unsplittable from exc
        if sheet.start is None or sheet.start[0] < first_below:
            raise Unsplittable  # as above
        return sheet

    return [lambda: top, bottom]


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
