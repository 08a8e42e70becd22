"""Photos taken with a phone: checked, re-encoded as JPEG on the server (which drops EXIF
metadata such as GPS position), scaled down and size-limited."""

import io

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# The formats a phone camera or gallery gives. Pillow reads many more (EPS, PSD, ICO, PPM…),
# some through external programs: they are refused before any decoding.
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
MAX_SIDE = 1600
JPEG_QUALITY = 82
# Decompression bombs: refuse images with more pixels than a 50-megapixel camera.
Image.MAX_IMAGE_PIXELS = 50_000_000


def reencode_image(
    uploaded, *, max_bytes: int = MAX_UPLOAD_BYTES, max_side: int = MAX_SIDE
) -> ContentFile:
    """Return a clean JPEG of ``uploaded`` or raise ``ValidationError`` saying what is wrong."""
    if uploaded.size > max_bytes:
        raise ValidationError(
            _("The photo is %(size).1f MB; at most %(max)d MB is accepted.")
            % {"size": uploaded.size / 1024 / 1024, "max": max_bytes // 1024 // 1024},
            code="too_large",
        )
    try:
        uploaded.seek(0)
        with Image.open(uploaded, formats=PHOTO_FORMATS) as img:
            img.verify()
        uploaded.seek(0)
        with Image.open(uploaded, formats=PHOTO_FORMATS) as img:
            # Only the decoded pixels are written out again: anything appended to the file
            # (a script after the JPEG's end marker) or hidden in its metadata is dropped.
            img = ImageOps.exif_transpose(img)  # keep the orientation, drop the metadata
            img = img.convert("RGB")
            img.thumbnail((max_side, max_side))
            img.info = {}  # Pillow writes a JPEG comment (COM) kept in info: none survives
            out = io.BytesIO()
            img.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError, ValueError):
        raise ValidationError(
            _("This file is not a photo we can read: please take or choose a JPEG or PNG picture."),
            code="not_an_image",
        ) from None
    return ContentFile(out.getvalue(), name="photo.jpg")


class PhotoField(forms.FileField):
    """A file field that accepts only images and hands back the re-encoded JPEG."""

    widget = forms.ClearableFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", "image/*")
        self.widget.attrs.setdefault("capture", "environment")

    def clean(self, data, initial=None):
        uploaded = super().clean(data, initial)
        if not uploaded or uploaded is initial:
            return uploaded
        return reencode_image(uploaded)
