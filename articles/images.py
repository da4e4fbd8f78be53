"""Pictures: the checks an upload passes, the files made from it, and share cards.

Every stored file is encoded here by Pillow from decoded pixels, so none keeps the
upload's EXIF (location, camera), XMP or comments; only its colour profile is carried
over. An upload is read once: its orientation applied, then kept as a re-encoded
original (JPEG, or PNG when it has transparency), WebP sizes for pages (`srcset`) and one
JPEG for share previews and as the `src` fallback. Every name holds a digest of what made
it, so a name never changes content and caches may keep the files for ever
(docs/decisions/image-pipeline.md).
"""

import hashlib
import io
import json
import warnings
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from font_source_sans_pro import font_files_ttf
from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

# Widths of the WebP sizes, never wider than the upload.
WIDTHS = (480, 800, 1200, 1600)
# The JPEG for share previews (og:image) and for browsers without srcset.
SHARE_WIDTH = 1200
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
ACCEPTED_TYPES = "JPEG, PNG, WebP or GIF"
WEBP_QUALITY = 80
JPEG_QUALITY = 85

CARD_SIZE = (1200, 630)
# Part of every card's name: change it when the drawing changes, and cards are made anew.
CARD_DESIGN = "2"


class ImageRejected(ValueError):
    """An upload that is not an image we take; the message says why, for the editor."""


@dataclass(frozen=True)
class StoredImage:
    """What the article keeps of a stored upload."""

    name: str
    width: int
    height: int
    renditions: dict


def read_upload(uploaded):
    """The upload's pixels as a Pillow image, upright, or ImageRejected.

    Refused: a file over IMAGE_MAX_UPLOAD_BYTES, SVG (it can hold scripts), anything
    Pillow cannot read as one of ACCEPTED_FORMATS whatever its name says, a damaged file,
    and more pixels than IMAGE_MAX_PIXELS or Pillow's own decompression-bomb limit.
    """
    if uploaded.size > settings.IMAGE_MAX_UPLOAD_BYTES:
        raise ImageRejected(
            f"The file is {filesizeformat(uploaded.size)}; the most a picture may weigh is "
            f"{filesizeformat(settings.IMAGE_MAX_UPLOAD_BYTES)}. Export it smaller and "
            "upload it again."
        )
    uploaded.seek(0)
    if _looks_like_svg(uploaded.read(1024)):
        raise ImageRejected(
            "SVG pictures are not accepted (they can hold scripts): upload a "
            f"{ACCEPTED_TYPES} file."
        )
    uploaded.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(uploaded, formats=ACCEPTED_FORMATS)
            _check_pixels(image.size)
            image.load()
        except ImageRejected:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise _too_many_pixels() from error
        except UnidentifiedImageError as error:
            raise ImageRejected(
                f"This file is not a picture we can read: upload a {ACCEPTED_TYPES} file."
            ) from error
        except (OSError, SyntaxError, ValueError, EOFError) as error:
            raise ImageRejected(
                "This picture is damaged or cut short and cannot be read: export it again."
            ) from error
    return ImageOps.exif_transpose(image)


def _looks_like_svg(head):
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<?xml", b"<svg", b"<!doctype svg")) or b"<svg" in text


def _check_pixels(size):
    width, height = size
    if width * height > settings.IMAGE_MAX_PIXELS:
        raise _too_many_pixels(width, height)


def _too_many_pixels(width=None, height=None):
    limit = settings.IMAGE_MAX_PIXELS // 1_000_000
    found = f" ({width} × {height})" if width else ""
    return ImageRejected(
        f"This picture has too many pixels{found}: at most {limit} megapixels. "
        "Export it smaller and upload it again."
    )


def store(image):
    """Keep the upload's pixels and its sizes in media storage; what the article keeps."""
    image = _without_metadata(image)
    transparent = image.mode in ("RGBA", "LA") or (
        image.mode == "P" and "transparency" in image.info
    )
    mode = "RGBA" if transparent else "RGB"
    original = image if image.mode == mode else image.convert(mode)
    icc = image.info.get("icc_profile")
    if transparent:
        data = _encode(original, "PNG", icc, optimize=True)
        extension = "png"
    else:
        data = _encode(original, "JPEG", icc, quality=92, optimize=True)
        extension = "jpg"
    key = hashlib.sha256(data).hexdigest()[:20]
    name = _keep(f"images/{key}.{extension}", data)
    return StoredImage(
        name=name,
        width=original.width,
        height=original.height,
        renditions=_renditions(original, key=key, icc=icc),
    )


def _without_metadata(image):
    """The image without EXIF, XMP or text chunks, which Pillow would write back (it is
    read_upload's own copy: no second copy of 50 megapixels)."""
    kept = {key: image.info[key] for key in ("icc_profile", "transparency") if key in image.info}
    image.info = kept
    return image


def widths_for(width):
    """The WebP widths made for an upload this wide: never wider than it."""
    widths = [w for w in WIDTHS if w < width]
    widest = min(width, WIDTHS[-1])
    return widths if widest in widths else [*widths, widest]


def _resized(image, width):
    if width >= image.width:
        return image
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)


def _renditions(image, *, key, icc):
    webp = []
    for width in widths_for(image.width):
        resized = _resized(image, width)
        data = _encode(resized, "WEBP", icc, quality=WEBP_QUALITY, method=4)
        name = _keep(f"images/{key}-{width}.webp", data)
        webp.append({"name": name, "width": resized.width, "height": resized.height})
    share = _resized(image, min(SHARE_WIDTH, image.width))
    if share.mode != "RGB":
        flat = Image.new("RGB", share.size, "white")
        flat.paste(share, mask=share.getchannel("A") if "A" in share.getbands() else None)
        share = flat
    data = _encode(share, "JPEG", icc, quality=JPEG_QUALITY, optimize=True, progressive=True)
    name = _keep(f"images/{key}-{share.width}.jpg", data)
    jpeg = {"name": name, "width": share.width, "height": share.height}
    return {"webp": webp, "jpeg": jpeg}


def _encode(image, format, icc, **options):
    buffer = io.BytesIO()
    if icc:
        options["icc_profile"] = icc
    image.save(buffer, format, **options)
    return buffer.getvalue()


def _keep(name, data):
    """Save `data` as `name` unless a file is there already: its name says its content."""
    if default_storage.exists(name):
        return name
    return default_storage.save(name, ContentFile(data))


# The article's picture, as pages show it ---------------------------------------------


@dataclass(frozen=True)
class Picture:
    """An image as a page's <img> needs it: `src` (the JPEG), `srcset` (the WebP sizes),
    the intrinsic `width` and `height` of `src`, so that nothing moves as it loads."""

    src: str
    srcset: str
    width: int
    height: int
    alt: str


def picture(renditions, *, alt):
    """The Picture of a stored upload's renditions, or None without them."""
    if not renditions:
        return None
    url = default_storage.url
    jpeg = renditions["jpeg"]
    srcset = ", ".join(f"{url(size['name'])} {size['width']}w" for size in renditions["webp"])
    return Picture(
        src=url(jpeg["name"]),
        srcset=srcset,
        width=jpeg["width"],
        height=jpeg["height"],
        alt=alt,
    )


# Share cards -------------------------------------------------------------------------


def share_card(*, title, section, site_name):
    """The name of the 1200×630 PNG that stands for an article without a picture in share
    previews (the site's name, the section, the headline), drawn the first time it is
    asked for. Its name is a digest of what is on it: a new title, section or site name
    is a new card."""
    name = card_name(title=title, section=section, site_name=site_name)
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(draw_card(title, section, site_name)))
    return name


def card_name(*, title, section, site_name):
    """The share card's name: a digest of what is drawn on it."""
    text = json.dumps([CARD_DESIGN, site_name, section, title], ensure_ascii=False)
    return f"cards/{hashlib.sha256(text.encode()).hexdigest()[:20]}.png"


def names_of(renditions):
    """The names of the files made from one upload (not the original's)."""
    if not renditions:
        return set()
    return {size["name"] for size in renditions["webp"]} | {renditions["jpeg"]["name"]}


CARD_BACKGROUND = (16, 32, 64)
CARD_ACCENT = (138, 180, 248)
CARD_TEXT = (255, 255, 255)
CARD_MARGIN = 72


def draw_card(title, section, site_name):
    """The card's PNG bytes, in Source Sans Pro (the font-source-sans-pro package)."""
    card = Image.new("RGB", CARD_SIZE, CARD_BACKGROUND)
    draw = ImageDraw.Draw(card)
    width = CARD_SIZE[0] - 2 * CARD_MARGIN
    name_font = _font("SourceSansProBold", 46)
    draw.text((CARD_MARGIN, CARD_MARGIN), site_name, font=name_font, fill=CARD_TEXT)
    draw.rectangle(
        (CARD_MARGIN, CARD_MARGIN + 64, CARD_MARGIN + 120, CARD_MARGIN + 70), fill=CARD_ACCENT
    )
    top = CARD_MARGIN + 110
    if section:
        draw.text(
            (CARD_MARGIN, top),
            section.upper(),
            font=_font("SourceSansProSemibold", 34),
            fill=CARD_ACCENT,
        )
        top += 60
    for size in (68, 60, 52, 44):
        font = _font("SourceSansProBold", size)
        lines = _wrap(draw, title, font, width)
        line_height = round(size * 1.25)
        if top + len(lines) * line_height <= CARD_SIZE[1] - CARD_MARGIN:
            break
    room = (CARD_SIZE[1] - CARD_MARGIN - top) // line_height
    if len(lines) > room:
        lines = [*lines[: room - 1], _ellipsised(draw, lines[room - 1], font, width)]
    for i, line in enumerate(lines):
        draw.text(
            (CARD_MARGIN, top + i * line_height),
            line,
            font=font,
            fill=CARD_TEXT,
        )
    buffer = io.BytesIO()
    card.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


@cache
def _font(name, size):
    return ImageFont.truetype(font_files_ttf[name], size)


def _ellipsised(draw, line, font, width):
    """The line with "…" at its end, within `width`: the headline goes on past the card."""
    while line and draw.textlength(f"{line}…", font=font) > width:
        line = line[:-1]
    return f"{line.rstrip()}…"


def _wrap(draw, text, font, width):
    """The words of `text` in lines no wider than `width`; a word too long is cut."""
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while draw.textlength(word, font=font) > width:
            cut = len(word) - 1
            while cut > 1 and draw.textlength(word[:cut], font=font) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return lines
