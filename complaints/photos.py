"""Photo uploads (SPEC §3, §9): judged by content, size and pixel limits, EXIF stripped."""

import io
import secrets
import warnings
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # about 7,300 x 5,500: any phone camera, no decompression bomb
MAX_PER_COMPLAINT = 5
THUMBNAIL_SIZE = (480, 480)
FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    # Pillow calls a JPEG with a multi-picture segment (many phones) MPO; its first frame is kept.
    "MPO": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
}
CONTENT_TYPES = dict(FORMATS.values())


class PhotoRejected(ValueError):
    """A file that is not an acceptable photo; the message says why, for the uploader."""


@dataclass(frozen=True)
class PreparedPhoto:
    token: str
    extension: str
    image: bytes
    thumbnail: bytes

    def files(self):
        return (
            ContentFile(self.image, name=f"{self.token}.{self.extension}"),
            ContentFile(self.thumbnail, name=f"{self.token}-thumb.jpg"),
        )


def prepare(upload):
    """Check one uploaded file and re-encode it without metadata; raise PhotoRejected."""
    if upload.size > MAX_BYTES:
        raise PhotoRejected(
            _("The photo is larger than %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    data = upload.read()
    unreadable = PhotoRejected(_("This file is not a photo we can read."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                kind, (width, height) = probe.format, probe.size
                probe.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRejected(_("The photo has too many pixels.")) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise unreadable from None
    if kind not in FORMATS:
        raise PhotoRejected(_("Only JPEG, PNG and WebP photos are accepted."))
    if width * height > MAX_PIXELS:
        raise PhotoRejected(_("The photo has too many pixels."))
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (OSError, SyntaxError, ValueError):
        raise unreadable from None
    # Turn the picture upright, then save it afresh: EXIF (GPS position, camera) is not copied.
    image = ImageOps.exif_transpose(image)
    extension = FORMATS[kind][0]
    return PreparedPhoto(
        token=secrets.token_hex(16),
        extension=extension,
        image=_encode(image, kind),
        thumbnail=_thumbnail(image),
    )


def _encode(image, kind):
    out = io.BytesIO()
    if kind in {"JPEG", "MPO"}:
        image.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
    elif kind == "PNG":
        keep = image if image.mode in {"RGB", "RGBA", "L", "LA"} else image.convert("RGBA")
        keep.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=85)
    return out.getvalue()


def _thumbnail(image):
    thumb = image.copy()
    thumb.thumbnail(THUMBNAIL_SIZE)
    if thumb.mode in {"RGBA", "LA", "P"}:
        background = Image.new("RGB", thumb.size, (255, 255, 255))
        background.paste(thumb.convert("RGBA"), mask=thumb.convert("RGBA").split()[-1])
        thumb = background
    out = io.BytesIO()
    thumb.convert("RGB").save(out, "JPEG", quality=80)
    return out.getvalue()
