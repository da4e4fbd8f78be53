"""Pictures: an editor uploads a lead picture in the admin; readers get it in several
sizes, with nothing of its metadata; bad uploads are form errors; share previews get the
picture, or a card drawn for the article; body pictures come from our own media only."""

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import ExifTags, Image, PngImagePlugin

from articles import images, pagecache
from articles.models import Article
from tests.admin import ARTICLES, change_url, messages_after
from tests.helpers import SEED_SLUG, html, make_article, make_articles, make_section
from tests.hostile_inputs import HOSTILE_INPUTS
from tests.inert import assert_inert
from tests.test_admin_articles import article_form
from tests.test_seo import json_ld

GPS = ExifTags.IFD.GPSInfo


def photo(size=(2000, 1500), *, format="JPEG", orientation=None, gps=True, mode="RGB"):
    """A real picture's bytes, as a phone makes them: EXIF with a location, a camera, an
    orientation."""
    image = Image.new(mode, size, (200, 120, 40) if mode == "RGB" else (200, 120, 40, 128))
    # Something to look at (and to see a rotation by): a dark block in the top left corner.
    image.paste((10, 20, 30) if mode == "RGB" else (10, 20, 30, 255), (0, 0, size[0] // 4, 20))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Phone 12"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    if gps:
        exif.get_ifd(GPS).update(
            {
                ExifTags.GPS.GPSLatitudeRef: "N",
                ExifTags.GPS.GPSLatitude: (51.0, 30.0, 12.5),
                ExifTags.GPS.GPSLongitudeRef: "W",
                ExifTags.GPS.GPSLongitude: (0.0, 7.0, 39.0),
            }
        )
    buffer = io.BytesIO()
    options = {"exif": exif}
    if format == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", "taken at home")
        options["pnginfo"] = info
    image.save(buffer, format, **options)
    return buffer.getvalue()


def upload(data, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def add_with_picture(client, data, *, name="photo.jpg", **fields):
    form = article_form(
        status="published",
        lead_image_alt="Sandbags along the river bank",
        lead_image_caption="The river at dawn.",
        lead_image_credit="A. Photographer",
        **fields,
    )
    form["lead_image_upload"] = upload(data, name)
    return client.post(f"{ARTICLES}add/", form)


def stored_files():
    """Every file under media storage's images/ and cards/."""
    names = []
    for folder in ("images", "cards"):
        if default_storage.exists(folder):
            names += [f"{folder}/{name}" for name in default_storage.listdir(folder)[1]]
    return sorted(names)


def field_errors(response, field):
    errors = html(response).select_one(f".field-{field} .errorlist")
    return errors.get_text(" ", strip=True) if errors else ""


@pytest.fixture(autouse=True)
def empty_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# The pipeline --------------------------------------------------------------------------


def test_an_uploaded_picture_is_kept_in_four_sizes_with_no_metadata(editor_client, db):
    original = photo()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS)  # the phone's location
    response = add_with_picture(editor_client, original)
    assert response.status_code == 302, field_errors(response, "lead_image_upload")
    article = Article.objects.get()
    sizes = article.lead_image_renditions
    assert [size["width"] for size in sizes["webp"]] == [480, 800, 1200, 1600]
    assert [size["height"] for size in sizes["webp"]] == [360, 600, 900, 1200]
    assert (sizes["jpeg"]["width"], sizes["jpeg"]["height"]) == (1200, 900)
    assert (article.lead_image_width, article.lead_image_height) == (2000, 1500)
    names = stored_files()
    assert len(names) == 6  # the original, four WebP sizes, the JPEG
    assert article.lead_image.name in names
    for name in names:
        with default_storage.open(name) as stored:
            data = stored.read()
        image = Image.open(io.BytesIO(data))
        assert image.format == {"jpg": "JPEG", "webp": "WEBP"}[name.rsplit(".", 1)[1]]
        assert dict(image.getexif()) == {}, name
        assert "exif" not in image.info and "xmp" not in image.info, name
        assert b"PhoneMaker" not in data and b"GPS" not in data, name
    assert data != original


def test_a_picture_heavier_than_the_sites_request_limit_goes_through(editor_client, settings):
    """DATA_UPLOAD_MAX_MEMORY_SIZE (256 KB) counts a form's fields, not its files."""
    noise = Image.frombytes("RGB", (1600, 1200), os.urandom(1600 * 1200 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, "JPEG", quality=95)
    assert len(buffer.getvalue()) > 4 * settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = add_with_picture(editor_client, buffer.getvalue())
    assert response.status_code == 302, field_errors(response, "lead_image_upload")
    assert Article.objects.get().lead_image_renditions["jpeg"]["width"] == 1200


def test_the_phones_orientation_is_applied_and_then_dropped(editor_client, db):
    # Orientation 6: the camera was turned; the picture is shown rotated 90° clockwise.
    response = add_with_picture(editor_client, photo((800, 600), orientation=6))
    assert response.status_code == 302
    article = Article.objects.get()
    assert (article.lead_image_width, article.lead_image_height) == (600, 800)
    with default_storage.open(article.lead_image.name) as stored:
        upright = Image.open(stored)
        upright.load()
    assert ExifTags.Base.Orientation not in upright.getexif()
    # The dark block of the top left corner is now along the right edge, at the top.
    assert upright.getpixel((590, 5))[0] < 60
    assert upright.getpixel((5, 5))[0] > 150


def test_a_small_picture_is_never_made_bigger(editor_client, db):
    add_with_picture(editor_client, photo((640, 480)))
    sizes = Article.objects.get().lead_image_renditions
    assert [size["width"] for size in sizes["webp"]] == [480, 640]
    assert sizes["jpeg"]["width"] == 640


def test_a_png_named_jpg_is_a_picture_like_any_other(editor_client, db):
    response = add_with_picture(editor_client, photo(format="PNG"), name="photo.jpg")
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.lead_image.name.endswith(".jpg")
    with default_storage.open(article.lead_image.name) as stored:
        data = stored.read()
    assert b"taken at home" not in data and b"PhoneMaker" not in data


def test_a_transparent_png_keeps_its_transparency(editor_client, db):
    response = add_with_picture(editor_client, photo((900, 600), format="PNG", mode="RGBA"))
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.lead_image.name.endswith(".png")
    with default_storage.open(article.lead_image_renditions["webp"][0]["name"]) as stored:
        assert Image.open(stored).mode == "RGBA"
    with default_storage.open(article.lead_image_renditions["jpeg"]["name"]) as stored:
        assert Image.open(stored).mode == "RGB"  # share previews: on white


def test_the_same_picture_twice_is_kept_once(editor_client, db):
    data = photo((1000, 800))
    add_with_picture(editor_client, data)
    add_with_picture(editor_client, data, title="Second story", slug="second-story")
    first, second = Article.objects.order_by("pk")
    assert first.lead_image_renditions == second.lead_image_renditions
    assert len(stored_files()) == 1 + 3 + 1


# Bad uploads ---------------------------------------------------------------------------


def bomb():
    """A small file that decodes to 144 million pixels (Pillow's warning is at 89 M)."""
    buffer = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(buffer, "PNG")
    return buffer.getvalue()


def truncated():
    return photo((1200, 900))[:2000]


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"

BAD_UPLOADS = [
    ("notes.txt", b"Just some words, not a picture.", "not a picture we can read"),
    ("photo.jpg", HTML, "not a picture we can read"),
    ("logo.svg", SVG, "SVG pictures are not accepted"),
    ("logo.jpg", SVG, "SVG pictures are not accepted"),
    ("photo.jpg", truncated(), "damaged or cut short"),
    ("bomb.png", bomb(), "too many pixels"),
    ("empty.jpg", b"", "The submitted file is empty."),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD_UPLOADS)
def test_a_bad_upload_is_a_form_error_and_nothing_is_kept(editor_client, db, name, data, message):
    response = add_with_picture(editor_client, data, name=name)
    assert response.status_code == 200
    assert message in field_errors(response, "lead_image_upload")
    assert not Article.objects.exists()
    assert stored_files() == []


def test_a_picture_with_more_pixels_than_allowed_is_refused(editor_client, db, settings):
    settings.IMAGE_MAX_PIXELS = 2_000_000
    response = add_with_picture(editor_client, photo((2000, 1500)))
    assert response.status_code == 200
    assert field_errors(response, "lead_image_upload") == (
        "This picture has too many pixels (2000 × 1500): at most 2 megapixels. Export it "
        "smaller and upload it again."
    )
    assert not Article.objects.exists()


def test_a_file_heavier_than_allowed_is_refused(editor_client, db, settings):
    settings.IMAGE_MAX_UPLOAD_BYTES = 20_000
    data = photo((1600, 1200))
    assert len(data) > 20_000
    response = add_with_picture(editor_client, data)
    assert response.status_code == 200
    assert "the most a picture may weigh is 19.5\xa0KB" in field_errors(
        response, "lead_image_upload"
    )
    assert stored_files() == []


def test_a_picture_needs_its_alt_text(editor_client, db):
    form = article_form(status="published", lead_image_alt="  ")
    form["lead_image_upload"] = upload(photo((800, 600)))
    response = editor_client.post(f"{ARTICLES}add/", form)
    assert response.status_code == 200
    assert "alt text is required with a picture" in field_errors(response, "lead_image_alt")
    assert not Article.objects.exists()
    assert stored_files() == []


def test_a_bad_upload_on_an_article_with_a_picture_keeps_the_old_one(editor_client, db):
    add_with_picture(editor_client, photo((800, 600)))
    article = Article.objects.get()
    before = article.lead_image_renditions
    form = change_form(editor_client, article)
    form["lead_image_upload"] = upload(HTML)
    response = editor_client.post(change_url(article), form)
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.lead_image_renditions == before


def change_form(client, article, **fields):
    version = html(client.get(change_url(article))).select_one("[name=version]")["value"]
    data = article_form(
        title=article.title,
        slug=article.slug,
        status="published",
        published_at=article.published_at,
        standfirst=article.standfirst,
        lead_image_alt=article.lead_image_alt,
        lead_image_caption=article.lead_image_caption,
        lead_image_credit=article.lead_image_credit,
        version=version,
        reactions_enabled="on",
    )
    if article.section_id:
        data["section"] = str(article.section_id)
    data.update(fields)
    return data


# The pages -----------------------------------------------------------------------------


def lead_img(page):
    return page.select_one("figure.lead-image img")


def test_the_article_shows_its_picture_in_sizes_that_do_not_shift(editor_client, client, db):
    add_with_picture(editor_client, photo())
    article = Article.objects.get()
    page = html(client.get(article.get_absolute_url()))
    img = lead_img(page)
    assert page.select_one("article figure.lead-image") is not None
    assert img["alt"] == "Sandbags along the river bank"
    assert (img["width"], img["height"]) == ("1200", "900")
    assert re.fullmatch(r"/media/images/[0-9a-f]{20}-1200\.jpg", img["src"])
    srcset = [entry.rsplit(" ", 1) for entry in img["srcset"].split(", ")]
    assert [width for _, width in srcset] == ["480w", "800w", "1200w", "1600w"]
    assert all(re.fullmatch(r"/media/images/[0-9a-f]{20}-\d+\.webp", url) for url, _ in srcset)
    assert img["sizes"]
    # At the top of the article: not lazy, fetched first.
    assert "loading" not in img.attrs
    assert img["fetchpriority"] == "high"
    caption = page.select_one("figure.lead-image figcaption").get_text(" ", strip=True)
    assert caption == "The river at dawn. A. Photographer"
    for url in [img["src"], *(url for url, _ in srcset)]:
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] in ("image/jpeg", "image/webp")


def test_caption_credit_and_alt_are_escaped(editor_client, client, db):
    add_with_picture(editor_client, photo((600, 400)))
    Article.objects.update(
        lead_image_alt='"><script>alert(1)</script>', lead_image_caption="<b>bold</b>"
    )
    article = Article.objects.get()
    article.save()
    body = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in body and "<b>bold</b>" not in body
    assert "&lt;b&gt;bold&lt;/b&gt;" in body


@pytest.fixture
def pictured(db):
    article = make_article(lead_image_alt="A river")
    article.set_lead_image(Image.open(io.BytesIO(photo((600, 400)))))
    article.save()
    return article


@pytest.mark.parametrize(("index", "hostile"), list(enumerate(HOSTILE_INPUTS)))
def test_hostile_alt_text_caption_and_credit_are_shown_as_text(
    client, editor_client, pictured, index, hostile
):
    pictured.lead_image_alt = hostile[:300] or "x"
    pictured.lead_image_caption = hostile[:300]
    pictured.lead_image_credit = hostile[:120]
    pictured.save()
    for url in (pictured.get_absolute_url(), "/"):
        assert_inert(client.get(url).content)
    form = html(editor_client.get(change_url(pictured)))
    assert form.select_one("img.lead-image-preview")["alt"] == pictured.lead_image_alt


def test_an_article_without_a_picture_shows_no_empty_box(client, article):
    page = html(client.get(article.get_absolute_url()))
    assert page.select("figure, img") == []


def test_the_front_page_leads_with_a_picture_and_lists_thumbnails(editor_client, client, db):
    make_article(title="No picture", slug="no-picture")
    add_with_picture(editor_client, photo((1000, 750)), title="Older", slug="older")
    add_with_picture(editor_client, photo((1200, 800)), title="Newest", slug="newest")
    Article.objects.filter(slug="no-picture").update(
        published_at=Article.objects.get(slug="older").published_at.replace(year=2020)
    )
    for url in ("/", "/sections/world/"):
        if url != "/":
            world = make_section(name="World")
            Article.objects.update(section=world)
        page = html(client.get(url))
        items = page.select(".article-item")
        assert [item.h2.get_text(strip=True) for item in items] == [
            "Newest",
            "Older",
            "No picture",
        ]
        lead = items[0].select_one("img")
        assert "loading" not in lead.attrs and lead["fetchpriority"] == "high"
        assert items[0].select_one(".standfirst") is not None
        thumbnail = items[1].select_one("figure.thumbnail img")
        assert thumbnail["loading"] == "lazy"
        assert thumbnail["width"] and thumbnail["height"]
        assert thumbnail["sizes"] == "7.5rem"
        assert items[2].select("figure, img") == []


def test_lists_cost_no_more_queries_with_pictures(client, db):
    def queries_of_front_page():
        cache.clear()
        pagecache.forget_local_copies()
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        return len(captured)

    articles = make_articles(3)
    without = queries_of_front_page()
    for article in articles:
        article.lead_image_alt = "A river"
        article.set_lead_image(Image.open(io.BytesIO(photo((600, 400)))))
        article.save()
    page = html(client.get("/"))
    assert len(page.select(".article-item img")) == 3
    assert queries_of_front_page() == without


# Share previews ------------------------------------------------------------------------


def meta(page, **attrs):
    tag = page.find("meta", attrs=attrs)
    return tag["content"] if tag else None


def test_share_previews_get_the_pictures_1200_wide_jpeg(editor_client, client, db):
    add_with_picture(editor_client, photo())
    article = Article.objects.get()
    page = html(client.get(article.get_absolute_url()))
    jpeg = article.lead_image_renditions["jpeg"]
    assert meta(page, property="og:image") == f"http://testserver/media/{jpeg['name']}"
    assert meta(page, property="og:image:width") == "1200"
    assert meta(page, property="og:image:height") == "900"
    assert meta(page, property="og:image:alt") == "Sandbags along the river bank"
    assert meta(page, name="twitter:card") == "summary_large_image"
    assert meta(page, name="twitter:image") == meta(page, property="og:image")
    assert json_ld(page)["image"] == [meta(page, property="og:image")]


def card_of(client, url):
    page = html(client.get(url))
    card_url = meta(page, property="og:image")
    response = client.get(card_url.removeprefix("http://testserver"))
    assert response.status_code == 200
    return page, card_url, b"".join(response.streaming_content)


def test_the_seed_gets_a_share_card_of_its_own(client, seed_article):
    page, card_url, data = card_of(client, f"/articles/{SEED_SLUG}/")
    assert re.fullmatch(r"http://testserver/media/cards/[0-9a-f]{20}\.png", card_url)
    card = Image.open(io.BytesIO(data))
    assert (card.format, card.size) == ("PNG", (1200, 630))
    assert (meta(page, property="og:image:width"), meta(page, property="og:image:height")) == (
        "1200",
        "630",
    )
    assert meta(page, property="og:image:alt") == f"Newsroom · World: {seed_article.title}"
    assert meta(page, name="twitter:card") == "summary_large_image"
    # Drawn once: the next render finds it.
    assert card_of(client, f"/articles/{SEED_SLUG}/")[1] == card_url
    assert len(stored_files()) == 1


def test_the_card_is_made_again_when_the_title_changes(editor_client, client, article):
    _, before, old = card_of(client, article.get_absolute_url())
    response = editor_client.post(
        change_url(article), change_form(editor_client, article, title="A new headline")
    )
    assert response.status_code == 302
    client.logout()
    _, after, new = card_of(client, article.get_absolute_url())
    assert after != before and new != old


def test_the_card_is_made_again_when_the_section_or_site_name_changes(client, settings, db):
    section = make_section(name="World")
    article = make_article(section=section)
    url = article.get_absolute_url()
    first = card_of(client, url)[1]
    section.name = "Planet"
    section.save()
    second = card_of(client, url)[1]
    # A new site name comes with a restart, and the pages cached before it expire.
    settings.SITE_NAME = "The Daily Planet"
    cache.clear()
    pagecache.forget_local_copies()
    page, third, _ = card_of(client, url)
    assert len({first, second, third}) == 3
    assert meta(page, property="og:image:alt") == f"The Daily Planet · Planet: {article.title}"


def test_a_card_draws_a_very_long_headline_within_the_card(db):
    data = images.draw_card("Word " * 60 + "A" * 300, "World", "Newsroom")
    assert Image.open(io.BytesIO(data)).size == (1200, 630)


# The page cache ------------------------------------------------------------------------


def test_a_new_picture_shows_at_once_and_its_addresses_stay_the_same(
    editor_client, client, article
):
    url = article.get_absolute_url()
    assert lead_img(html(client.get(url))) is None  # now cached
    response = editor_client.post(
        change_url(article),
        {
            **change_form(editor_client, article, lead_image_alt="A river"),
            "lead_image_upload": upload(photo()),
        },
    )
    assert response.status_code == 302
    client.logout()
    first = client.get(url)
    assert lead_img(html(first)) is not None
    assert client.get(url).content == first.content
    src = lead_img(html(first))["src"]
    assert lead_img(html(client.get("/")))["src"] == src


def test_the_form_shows_the_current_picture(editor_client, db):
    add_with_picture(editor_client, photo((1000, 750)))
    article = Article.objects.get()
    field = html(editor_client.get(change_url(article))).select_one(".field-lead_image_upload")
    preview = field.select_one("img.lead-image-preview")
    assert preview["src"] == f"/media/{article.lead_image_renditions['webp'][0]['name']}"
    assert (preview["width"], preview["height"], preview["alt"]) == (
        "240",
        "180",
        "Sandbags along the river bank",
    )
    assert field.select_one("input[name=lead_image_upload-clear]") is not None


def test_clearing_the_picture_takes_it_off_the_page(editor_client, client, db):
    add_with_picture(editor_client, photo((800, 600)))
    article = Article.objects.get()
    assert lead_img(html(client.get(article.get_absolute_url()))) is not None
    form = change_form(editor_client, article, **{"lead_image_upload-clear": "on"})
    response = editor_client.post(change_url(article), form)
    assert response.status_code == 302
    article.refresh_from_db()
    assert not article.lead_image and article.lead_image_renditions == {}
    client.logout()
    page = html(client.get(article.get_absolute_url()))
    assert lead_img(page) is None
    assert "/media/cards/" in meta(page, property="og:image")


# Pictures in the body ------------------------------------------------------------------


def test_body_pictures_from_our_media_with_alt_text_are_kept(editor_client, client, db):
    body = "Before.\n\n![A flooded street](/media/images/0123-800.webp)\n\nAfter."
    response = editor_client.post(f"{ARTICLES}add/", article_form(body=body, status="published"))
    assert not [m for m in messages_after(response) if "removed" in m]
    page = html(client.get(Article.objects.get().get_absolute_url()))
    img = page.select_one(".article-body img")
    assert img["src"] == "/media/images/0123-800.webp"
    assert img["alt"] == "A flooded street"
    assert img["loading"] == "lazy"


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ("![A tracker](https://elsewhere.example/pixel.gif)", "a picture not from our media"),
        ("![](/media/images/0123-800.webp)", "a picture without alt text"),
        ('<img src="/media/images/a.webp">', "a picture without alt text"),
        ('<img src="//elsewhere.example/a.png" alt="x">', "a picture not from our media"),
        ('<img src="/media/../admin/" alt="x">', "a picture not from our media"),
        ('<img src="data:image/png;base64,AAAA" alt="x">', "a picture not from our media"),
    ],
)
def test_other_body_pictures_are_removed_and_the_editor_is_told(
    editor_client, client, db, body, said
):
    response = editor_client.post(f"{ARTICLES}add/", article_form(body=body, status="published"))
    warning = next(m for m in messages_after(response) if "markup in the body was removed" in m)
    assert said in warning
    article = Article.objects.get()
    assert "<img" not in article.body_html
    assert html(client.get(article.get_absolute_url())).select(".article-body img") == []


# Storage -------------------------------------------------------------------------------

SHOW_STORAGE = (
    "from django.conf import settings; "
    "print(settings.STORAGES['default']['BACKEND']); "
    "print(*[d for d in settings.CONTENT_SECURITY_POLICY.split('; ') if d.startswith('img-src')])"
)


def settings_with(**env):
    """What newsroom/settings.py makes of this environment (in a process of its own)."""
    environment = {**os.environ, "SECRET_KEY": "x", **env}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    environment["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {SHOW_STORAGE}"],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    return result.stdout.splitlines()


def test_pictures_are_on_local_disk_unless_a_bucket_is_configured():
    assert settings_with() == [
        "django.core.files.storage.FileSystemStorage",
        "img-src 'self'",
    ]
    bucket = settings_with(
        MEDIA_S3_BUCKET="newsroom-media", MEDIA_URL="https://media.example.org/media/"
    )
    assert bucket == [
        "storages.backends.s3.S3Storage",
        "img-src 'self' https://media.example.org",
    ]


def test_pictures_no_article_uses_are_purged(editor_client, client, db):
    add_with_picture(editor_client, photo((800, 600)))
    article = Article.objects.get()
    card_of(client, article.get_absolute_url())  # not used: the article has a picture
    old_files = {article.lead_image.name} | images.names_of(article.lead_image_renditions)
    body_picture = article.lead_image_renditions["webp"][0]["name"]
    response = editor_client.post(
        change_url(article),
        {
            **change_form(
                editor_client,
                article,
                body=f"Before.\n\n![Sandbags](/media/{body_picture})",
            ),
            "lead_image_upload": upload(photo((640, 480), orientation=3)),
        },
    )
    assert response.status_code == 302
    article.refresh_from_db()
    in_use = {article.lead_image.name} | images.names_of(article.lead_image_renditions)
    out = io.StringIO()
    call_command("purge_unused_pictures", "--dry-run", "--older-than=0", stdout=out)
    assert stored_files() == sorted(old_files | in_use | {f"cards/{n}" for n in cards()})
    call_command("purge_unused_pictures", stdout=io.StringIO())  # none a day old yet
    assert len(stored_files()) == len(old_files | in_use) + len(cards())
    call_command("purge_unused_pictures", "--older-than=0", stdout=out)
    assert stored_files() == sorted(in_use | {body_picture})


def cards():
    return default_storage.listdir("cards")[1] if default_storage.exists("cards") else []
