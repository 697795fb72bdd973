"""Speakers' photos: a common image format in, a small re-encoded JPEG out; the
only module that touches Pillow.

Re-encoding drops whatever else the upload carried (metadata, scripts in
SVG-like tricks, trailing data), and the size is checked from the header
before any pixel is decoded, so a decompression bomb never expands.
"""
from __future__ import annotations

import io

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
SIZE = (480, 480)


class PhotoError(ValueError):
    """A message for the person who uploaded the file."""


def reencode_photo(data: bytes) -> bytes:
    if len(data) > MAX_BYTES:
        raise PhotoError(f"The photo is {len(data) / 1024 / 1024:.1f} MB; the limit is {MAX_BYTES // 1024 // 1024} MB.")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in FORMATS:
                raise PhotoError("Upload a JPEG, PNG, WebP or GIF photo.")
            if image.width * image.height > MAX_PIXELS:
                raise PhotoError(f"The photo is {image.width}×{image.height} pixels; use a smaller one.")
            upright = ImageOps.exif_transpose(image).convert("RGB")
            upright.thumbnail(SIZE)
            out = io.BytesIO()
            upright.save(out, "JPEG", quality=85, optimize=True)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError, ValueError) as error:
        if isinstance(error, PhotoError):
            raise
        raise PhotoError("This file is not an image we can read; upload a JPEG, PNG, WebP or GIF photo.") from None
