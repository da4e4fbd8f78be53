"""Pictures in a real browser: an editor uploads one in the admin; readers see it, on a
phone in a smaller size, and nothing on the page moves while it loads; axe-core passes."""

import io
import time
from datetime import timedelta

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from articles.models import Article
from tests.helpers import assert_no_axe_violations, make_article, make_section
from tests.test_browser_admin import log_in

pytestmark = pytest.mark.browser

# The layout shifts the page makes (not those right after an input), added up as
# Chrome's Cumulative Layout Shift counts them.
WATCH_LAYOUT_SHIFTS = """
window.__shifts = 0;
window.__resized = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) window.__shifts += entry.value;
    for (const source of entry.sources) {
      // A picture (or its figure) whose box changed size: it had no box of its own. Rects
      // are cut to the viewport, so only these, the first screen's, are compared.
      const node = source.node && source.node.nodeName;
      const before = source.previousRect, after = source.currentRect;
      if (["IMG", "FIGURE"].includes(node) && (before.width !== after.width ||
          before.height !== after.height)) {
        window.__resized.push(node);
      }
    }
  }
}).observe({type: "layout-shift", buffered: true});
"""


def landscape(size=(2400, 1600)):
    """A photograph-like picture: a sky, a horizon, a sun."""
    image = Image.new("RGB", size, (70, 130, 180))
    draw = ImageDraw.Draw(image)
    width, height = size
    draw.rectangle((0, height * 2 // 3, width, height), fill=(60, 110, 50))
    draw.ellipse((width // 2, height // 6, width // 2 + height // 4, height // 6 + height // 4),
                 fill=(250, 210, 80))  # fmt: skip
    return image


def jpeg(image):
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


@pytest.fixture
def pictured(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    article = make_article(
        title="Floods in the valley",
        slug="floods-in-the-valley",
        section=make_section(name="World"),
        body="First paragraph.\n\n" + "More of the story.\n\n" * 30,
        lead_image_alt="Sandbags along the river bank at dawn",
        lead_image_caption="The river at dawn.",
        lead_image_credit="A. Photographer",
    )
    article.set_lead_image(landscape())
    article.save()
    older = make_article(
        title="Older, with a picture",
        slug="older-with-a-picture",
        publish_in=timedelta(hours=-2),
        lead_image_alt="Rescuers in a boat",
    )
    older.set_lead_image(landscape((1600, 1200)))
    older.save()
    make_article(
        title="Without a picture", slug="without-a-picture", publish_in=timedelta(hours=-3)
    )
    return article


def slow_pictures(page):
    """Pictures arrive half a second after the page: a box without its size would move."""

    def later(route):
        time.sleep(0.5)
        route.continue_()

    page.route("**/media/**", later)


def loaded(page, selector):
    page.wait_for_function(
        "(s) => { const i = document.querySelector(s); return i && i.complete && i.naturalWidth }",
        arg=selector,
    )
    return page.locator(selector)


def test_the_picture_shows_and_nothing_moves(live_server, pictured, browser, axe, output_path):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.add_init_script(WATCH_LAYOUT_SHIFTS)
    slow_pictures(page)
    page.goto(f"{live_server.url}{pictured.get_absolute_url()}")
    # Before the picture arrives, its box already has the picture's shape.
    waiting = page.locator("figure.lead-image img").bounding_box()
    img = loaded(page, "figure.lead-image img")
    expect(img).to_have_attribute("alt", "Sandbags along the river bank at dawn")
    expect(img).to_have_attribute("width", "1200")
    expect(img).to_have_attribute("height", "800")
    assert page.evaluate("document.querySelector('figure.lead-image img').currentSrc").endswith(
        ".webp"
    )
    box = img.bounding_box()
    assert abs(box["width"] / box["height"] - 1.5) < 0.01
    assert (waiting["width"], waiting["height"]) == (box["width"], box["height"])
    expect(page.locator("figure.lead-image figcaption")).to_have_text(
        "The river at dawn. A. Photographer"
    )
    page.wait_for_timeout(300)
    # Nothing changed size as it loaded: the picture took the box it had.
    assert page.evaluate("window.__resized") == []
    page.screenshot(path=f"{output_path}/article-with-picture.png")
    assert_no_axe_violations(axe, page)
    context.close()


def test_nothing_on_an_article_with_a_picture_moves_on_a_desktop(live_server, pictured, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.add_init_script(WATCH_LAYOUT_SHIFTS)
    slow_pictures(page)
    page.goto(f"{live_server.url}{pictured.get_absolute_url()}")
    loaded(page, "figure.lead-image img")
    page.wait_for_timeout(300)
    shifts = page.evaluate("window.__shifts")
    context.close()
    assert shifts == 0


def test_a_phone_gets_a_smaller_size_and_the_front_page_its_thumbnails(
    live_server, pictured, browser, axe, output_path
):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True
    )
    page = context.new_page()
    page.add_init_script(WATCH_LAYOUT_SHIFTS)
    slow_pictures(page)
    page.goto(f"{live_server.url}/")
    lead = loaded(page, ".article-item-lead figure img")
    source = page.evaluate("document.querySelector('.article-item-lead img').currentSrc")
    assert source.endswith("-800.webp"), source  # 358 CSS pixels at 2x: the 800
    assert lead.get_attribute("loading") is None
    thumbnail = loaded(page, ".article-item:nth-child(2) figure.thumbnail img")
    expect(thumbnail).to_have_attribute("loading", "lazy")
    assert thumbnail.bounding_box()["width"] == 120  # 7.5rem
    expect(page.locator(".article-item").nth(2).locator("img")).to_have_count(0)
    page.wait_for_timeout(300)
    assert page.evaluate("window.__shifts") == 0
    assert page.evaluate("window.__resized") == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=f"{output_path}/front-page-phone.png", full_page=True)
    assert_no_axe_violations(axe, page)
    context.close()


def test_an_editor_uploads_a_picture_and_readers_see_it(
    live_server, browser, editor, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    article = make_article(title="Budget day", slug="budget-day")
    page = browser.new_context().new_page()
    log_in(page, live_server, username="ed", password="editor-password")
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    page.locator("#id_lead_image_upload").set_input_files(
        files=[{"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": jpeg(landscape())}]
    )
    page.locator("#id_lead_image_alt").fill("The chancellor holds up the red box")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert Article.objects.get(pk=article.pk).lead_image_renditions["jpeg"]["width"] == 1200

    reader = browser.new_context().new_page()
    reader.goto(f"{live_server.url}{article.get_absolute_url()}")
    expect(reader.locator("figure.lead-image img")).to_have_attribute(
        "alt", "The chancellor holds up the red box"
    )
    loaded(reader, "figure.lead-image img")

    # A file that is not a picture: the form says so, the picture stays.
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    page.locator("#id_lead_image_upload").set_input_files(
        files=[{"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": b"<html>no</html>"}]
    )
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".field-lead_image_upload .errorlist")).to_contain_text(
        "This file is not a picture we can read"
    )
