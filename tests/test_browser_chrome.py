"""The site around the article in Chromium: the phone menu without JavaScript and by
keyboard, axe-core on phone and desktop, and the seed printed on two A4 pages."""

import re

import pytest
from playwright.sync_api import expect

from tests.helpers import SEED_SLUG, assert_no_axe_violations, make_articles, make_section

pytestmark = pytest.mark.browser

SEED_PATH = f"/articles/{SEED_SLUG}/"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}


@pytest.fixture
def newsroom(seed_article):
    """The seed in World with four more World stories, and a Politics section."""
    make_articles(4, prefix="world", section=seed_article.section)
    make_articles(3, prefix="vote", section=make_section(name="Politics"))
    return seed_article


def test_the_phone_menu_opens_and_closes_without_javascript(live_server, newsroom, browser):
    context = browser.new_context(java_script_enabled=False, **PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}{SEED_PATH}")
    menu = page.locator("details.site-menu")
    sections = menu.get_by_role("navigation", name="Sections")
    expect(page.get_by_role("searchbox")).to_have_count(0)  # no box on a phone
    expect(page.get_by_role("link", name="Search", exact=True)).to_be_visible()
    expect(sections).to_be_hidden()
    header = page.locator("header.site-header").bounding_box()
    assert header["height"] <= 0.1 * 844
    menu.locator("summary").click()
    expect(sections).to_be_visible()
    sections.get_by_role("link", name="Politics").click()
    expect(page).to_have_url(f"{live_server.url}/sections/politics/")
    page.locator("details.site-menu summary").click()
    expect(page.locator("details.site-menu nav")).to_be_visible()
    page.locator("details.site-menu summary").click()
    expect(page.locator("details.site-menu nav")).to_be_hidden()
    context.close()


def test_the_phone_menu_works_by_keyboard(live_server, newsroom, browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    summary = page.locator("details.site-menu summary")
    for _ in range(6):
        page.keyboard.press("Tab")
        if summary.evaluate("element => element === document.activeElement"):
            break
    expect(summary).to_be_focused()
    expect(summary).to_have_accessible_name(re.compile("Menu"))
    page.keyboard.press("Enter")
    nav = page.locator("details.site-menu nav")
    expect(nav).to_be_visible()
    page.keyboard.press("Tab")
    expect(nav.get_by_role("link", name="Latest news")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Space")
    expect(nav).to_be_hidden()
    context.close()


def test_on_a_desktop_the_sections_and_the_search_box_are_in_the_header(
    live_server, newsroom, browser
):
    context = browser.new_context(**DESKTOP)
    page = context.new_page()
    page.goto(f"{live_server.url}{SEED_PATH}")
    expect(page.locator("details.site-menu")).to_be_hidden()
    nav = page.locator("nav.site-nav")
    expect(nav.get_by_role("link")).to_have_text(["Politics", "World"])
    expect(page.get_by_role("search", name="Site").get_by_role("searchbox")).to_be_visible()
    # The section label sits clear of the header's line.
    header_bottom = page.locator("header.site-header").bounding_box()
    kicker = page.locator(".article-header .kicker").bounding_box()
    assert kicker["y"] - (header_bottom["y"] + header_bottom["height"]) >= 24
    more = page.get_by_role("region", name="More in World")
    expect(more.get_by_role("listitem")).to_have_count(4)
    context.close()


@pytest.mark.parametrize("device", ["phone", "desktop"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_pages_pass_axe(live_server, newsroom, browser, axe, output_path, device, scheme):
    options = PHONE if device == "phone" else DESKTOP
    context = browser.new_context(color_scheme=scheme, **options)
    page = context.new_page()
    for name, path in [
        ("article", SEED_PATH),
        ("front", "/"),
        ("section", "/sections/world/"),
        ("guidelines", "/pages/community-guidelines/"),
    ]:
        page.goto(f"{live_server.url}{path}")
        width = options["viewport"]["width"]
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        page.screenshot(path=f"{output_path}/{name}-{device}-{scheme}.png", full_page=True)
        assert_no_axe_violations(axe, page)
        if device == "phone":
            page.locator("details.site-menu summary").click()
            assert_no_axe_violations(axe, page)
    context.close()


def test_the_seed_prints_on_two_a4_pages(live_server, newsroom, browser, output_path):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server.url}{SEED_PATH}")
    page.emulate_media(media="print")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    for hidden in ["header.site-header", "section.share", "#comments", ".more-in-section"]:
        expect(page.locator(hidden).first).to_be_hidden()
    expect(page.locator(".print-url")).to_have_text(f"{live_server.url}{SEED_PATH}")
    expect(page.locator(".article-header .byline")).to_be_visible()
    expect(page.locator(".article-header time")).to_be_visible()
    pdf = page.pdf(format="A4", path=f"{output_path}/seed.pdf")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pages <= 2, f"{pages} pages"
    context.close()
