"""Uploads: a photo with a script appended is stored as the re-encoded image only, formats a
camera never gives are refused before decoding, and work-task evidence is checked for its
real type (magic bytes, Office structure), not just its name."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from buildings.models import HygieneCheck
from core.images import reencode_image
from core.uploads import check_file_type
from services.worktasks.models import WorkTaskNote
from tests.services.rule_factories import WorkTaskFactory

PHP = b"<?php system($_GET['c']); ?>"


def _image(fmt="JPEG", size=(64, 48)):
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buf, format=fmt)
    return buf.getvalue()


def _clean_jpeg(data: bytes) -> None:
    """``data`` is a JPEG that ends at its end marker and carries nothing of the script."""
    assert data.startswith(b"\xff\xd8") and data.endswith(b"\xff\xd9")
    assert b"<?php" not in data and b"system(" not in data
    assert Image.open(io.BytesIO(data)).format == "JPEG"


def test_a_jpeg_with_a_php_script_appended_is_stored_as_the_reencoded_image_only(
    client_for, leader_a, building_a
):
    upload = _image() + PHP
    response = client_for(leader_a).post(
        reverse("mobile:hygiene_create"),
        {
            "building": building_a.pk,
            "area": "3楼楼道",
            "checked_on": timezone.localdate().isoformat(),
            "score": 72,
            "problems": "楼道堆放杂物",
            "photo": SimpleUploadedFile("p.jpg", upload, content_type="image/jpeg"),
        },
    )
    assert response.status_code == 302
    with HygieneCheck.objects.get().photo.open("rb") as f:
        stored = f.read()
    _clean_jpeg(stored)
    assert not any(upload[-n:] in stored for n in range(8, len(PHP) + 1))  # no trailing bytes


def test_a_script_hidden_in_the_metadata_is_dropped_too():
    buf = io.BytesIO()
    Image.new("RGB", (32, 32)).save(buf, format="JPEG", comment=PHP)
    assert PHP in buf.getvalue()
    _clean_jpeg(reencode_image(SimpleUploadedFile("p.jpg", buf.getvalue())).read())


@pytest.mark.parametrize("fmt", ["ICO", "PPM", "TIFF", "BMP"])
def test_formats_a_phone_never_gives_are_refused(fmt):
    with pytest.raises(ValidationError) as exc:
        reencode_image(SimpleUploadedFile("p.jpg", _image(fmt, (32, 32))))
    assert exc.value.code == "not_an_image"


def _docx():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


@pytest.mark.parametrize(
    "name, content, ok",
    [
        ("证明.pdf", b"%PDF-1.4 list", True),
        ("证明.pdf", b"MZ\x90\x00 a program", False),
        ("证明.pdf", PHP, False),
        ("照片.jpg", _image(), True),
        ("照片.png", _image("PNG"), True),
        ("照片.png", _image(), False),  # a JPEG named .png
        ("名单.docx", _docx(), True),
        ("名单.xlsx", _docx(), False),  # a Word file named .xlsx
        ("名单.docx", b"PK\x03\x04 not a zip", False),
        ("名单.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 8, True),
        ("名单.xls", b"%PDF-1.4", False),
        ("说明.txt", "第一季度已完成".encode(), True),
        ("说明.txt", "第一季度已完成".encode("gb18030"), True),
        ("说明.txt", b"MZ\x00\x00\x00", False),
    ],
)
def test_evidence_types_are_checked_by_content(name, content, ok):
    upload = SimpleUploadedFile(name, content)
    if ok:
        check_file_type(upload, name.rsplit(".", 1)[1])
    else:
        with pytest.raises(ValidationError) as exc:
            check_file_type(upload, name.rsplit(".", 1)[1])
        assert exc.value.code == "file_type"


def test_evidence_form_refuses_a_disguised_file_and_reencodes_a_photo(client_for, department_user):
    task = WorkTaskFactory()
    client = client_for(department_user)
    url = reverse("services:task_detail", args=[task.pk])
    fake = SimpleUploadedFile("名单.pdf", b"#!/bin/sh\nrm -rf /\n")
    response = client.post(url, {"version": 1, "text": "证明", "evidence": fake})
    assert response.status_code == 200 and not WorkTaskNote.objects.exists()
    assert "不是 .pdf 文件" in str(response.context["form"].errors["evidence"])
    photo = SimpleUploadedFile("现场.png", _image("PNG") + PHP)
    assert client.post(url, {"version": 1, "text": "证明", "evidence": photo}).status_code == 302
    note = WorkTaskNote.objects.get()
    assert note.evidence_name == "现场.jpg"
    with note.evidence.open("rb") as f:
        _clean_jpeg(f.read())
