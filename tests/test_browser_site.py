"""The site around the article in a real browser: navigation, search, sharing, axe-core."""

import pytest
from playwright.sync_api import expect

from tests.helpers import (
    SEED_SLUG,
    SEED_TITLE,
    add_comments,
    assert_no_axe_violations,
    make_articles,
    make_section,
)

pytestmark = pytest.mark.browser

SEED_PATH = f"/articles/{SEED_SLUG}/"


@pytest.fixture
def newsroom(seed_article):
    """The seed article in World, and 25 more in Politics, so the front page paginates."""
    politics = make_section(name="Politics", description="Power, parties and elections.")
    for article in make_articles(25, prefix="vote", section=politics):
        add_comments(article, approved=1)
    return seed_article


def test_reader_goes_from_the_front_page_to_a_section_to_an_article(live_server, newsroom, page):
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Latest news")
    expect(page.locator(".article-list > li")).to_have_count(20)
    page.get_by_role("link", name="Older articles").click()
    expect(page).to_have_url(f"{live_server.url}/?page=2")
    # The section's label on the front page (the header lists the sections too).
    page.get_by_role("main").get_by_role("link", name="World", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/sections/world/")
    expect(page.get_by_role("heading", level=1)).to_have_text("World")
    page.get_by_role("link", name=SEED_TITLE).click()
    expect(page).to_have_url(f"{live_server.url}{SEED_PATH}")
    expect(page.get_by_role("heading", level=1)).to_have_text(SEED_TITLE)
    page.locator(".article-header").get_by_role("link", name="World", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/sections/world/")


def test_reader_searches_from_the_header(live_server, newsroom, page):
    page.goto(f"{live_server.url}{SEED_PATH}")
    box = page.get_by_role("search", name="Site").get_by_role("searchbox")
    box.fill("Hmeimim airbase")
    box.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/search/?q=Hmeimim+airbase")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Search results for “Hmeimim airbase”"
    )
    results = page.locator(".article-list > li")
    expect(results).to_have_count(1)
    results.get_by_role("link", name=SEED_TITLE).click()
    expect(page).to_have_url(f"{live_server.url}{SEED_PATH}")


def test_reader_copies_the_link_and_sees_a_confirmation(live_server, seed_article, browser):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(f"{live_server.url}{SEED_PATH}")
    status = page.locator(".share-status")
    expect(status).to_be_empty()
    page.get_by_role("button", name="Copy link").click()
    expect(status).to_have_text("Link copied to the clipboard.")
    expect(status).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == f"{live_server.url}{SEED_PATH}"
    context.close()


def test_the_share_button_opens_the_system_share_sheet_where_there_is_one(
    live_server, seed_article, browser
):
    context = browser.new_context()
    # Headless Chromium on Linux has no share sheet: stand one in, as Android would offer.
    context.add_init_script(
        "navigator.share = (data) => { window.sharedData = data; return Promise.resolve(); };"
    )
    page = context.new_page()
    page.goto(f"{live_server.url}{SEED_PATH}")
    page.get_by_role("button", name="Share…").click()
    assert page.evaluate("window.sharedData") == {
        "title": SEED_TITLE,
        "url": f"{live_server.url}{SEED_PATH}",
    }
    context.close()


def test_without_a_share_sheet_there_is_no_share_button(live_server, seed_article, page):
    page.goto(f"{live_server.url}{SEED_PATH}")
    expect(page.get_by_role("button", name="Copy link")).to_be_visible()
    if page.evaluate("typeof navigator.share") == "undefined":
        expect(page.get_by_role("button", name="Share…")).to_have_count(0)
    else:
        expect(page.get_by_role("button", name="Share…")).to_be_visible()


def test_without_javascript_the_share_bar_is_plain_links(live_server, seed_article, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}{SEED_PATH}")
    # Two bars: under the headline and at the end of the article.
    share = page.locator("section.share")
    expect(share).to_have_count(2)
    expect(share.get_by_role("link")).to_have_count(12)
    expect(share.get_by_role("button")).to_have_count(0)
    context.close()


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/", "Latest news"),
        ("/?page=2", "Latest news"),
        ("/sections/politics/", "Politics"),
        ("/search/", "Search"),
        ("/search/?q=vote", "Search results for “vote”"),
        ("/search/?q=zebras", "Search results for “zebras”"),
        ("/no-such-page/", "Page not found"),
    ],
)
def test_pages_have_no_accessibility_violations(
    live_server, newsroom, page, axe, output_path, path, heading
):
    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    page.screenshot(path=f"{output_path}/page.png", full_page=True)
    assert_no_axe_violations(axe, page)


def test_pages_have_no_accessibility_violations_on_a_phone_in_dark_mode(
    live_server, newsroom, browser, axe
):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, color_scheme="dark", is_mobile=True
    )
    page = context.new_page()
    for path in ["/", "/sections/world/", "/search/?q=vote", "/no-such-page/"]:
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        assert_no_axe_violations(axe, page)
    context.close()


def test_the_site_requests_nothing_from_another_host(live_server, newsroom, page):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    for path in ["/", "/sections/world/", "/search/?q=vote", SEED_PATH]:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
    assert requested
    assert all(url.startswith(live_server.url) for url in requested), requested
