"""The real type of an uploaded file, from its first bytes (magic numbers) and, for the
Office formats, its structure: a file named ``.pdf`` that is a script or a program is
refused whatever its name says."""

import io
import zipfile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy Word and Excel (.doc, .xls)
MAGIC = {
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "doc": (OLE,),
    "xls": (OLE,),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
}
# The part an Office Open XML package must hold to be that kind of document.
OOXML_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
TEXT_SAMPLE = 64 * 1024


def _head(uploaded, size: int) -> bytes:
    uploaded.seek(0)
    data = uploaded.read(size)
    uploaded.seek(0)
    return data


def _is_text(sample: bytes) -> bool:
    if b"\x00" in sample:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            sample.decode(encoding)
            return True
        except UnicodeDecodeError:
            # a multi-byte character cut at the end of the sample is not an error
            try:
                sample[:-3].decode(encoding)
                return True
            except UnicodeDecodeError:
                continue
    return False


def check_file_type(uploaded, extension: str) -> None:
    """Raise ``ValidationError`` unless the content of ``uploaded`` is what ``extension``
    (lower case, without the dot) says it is."""
    ext = extension.lower().lstrip(".")
    ok = False
    if ext in ("txt", "csv"):
        ok = _is_text(_head(uploaded, TEXT_SAMPLE))
    elif ext in MAGIC:
        head = _head(uploaded, 16)
        ok = any(head.startswith(magic) for magic in MAGIC[ext])
        if ok and ext in OOXML_PART:
            uploaded.seek(0)
            try:
                with zipfile.ZipFile(io.BytesIO(uploaded.read())) as package:
                    ok = OOXML_PART[ext] in package.namelist()
            except zipfile.BadZipFile:
                ok = False
            uploaded.seek(0)
    if not ok:
        raise ValidationError(
            _("The content of the file is not a .%(ext)s file, whatever its name says.")
            % {"ext": ext},
            code="file_type",
        )
