"""The seed article in a real browser: what a reader sees, and its accessibility."""

import pytest
from playwright.sync_api import expect

from tests.helpers import SEED_SLUG, SEED_TITLE, assert_no_axe_violations

pytestmark = pytest.mark.browser


def test_reader_sees_the_seed_article(live_server, seed_article, page, axe, output_path):
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name=SEED_TITLE).click()
    expect(page).to_have_url(f"{live_server.url}/articles/{SEED_SLUG}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(SEED_TITLE)
    expect(page.locator("button.reaction")).to_have_count(9)
    expect(page.get_by_text("No comments available.")).to_be_visible()
    page.screenshot(path=f"{output_path}/seed-article.png", full_page=True)
    assert_no_axe_violations(axe, page)


def test_the_page_reads_on_a_phone_in_dark_mode(
    live_server, seed_article, browser, axe, output_path
):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, color_scheme="dark", is_mobile=True
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/articles/{SEED_SLUG}/")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(18, 18, 18)"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page scrolls sideways on a phone"
    page.screenshot(path=f"{output_path}/seed-article-phone-dark.png", full_page=True)
    assert_no_axe_violations(axe, page)
    context.close()


def test_page_requests_nothing_from_another_host(live_server, seed_article, page):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{live_server.url}/articles/{SEED_SLUG}/")
    page.wait_for_load_state("networkidle")
    assert requested
    assert all(url.startswith(live_server.url) for url in requested), requested
