"""Reacting in a real browser, with JavaScript on and off, by mouse and by keyboard."""

import pytest
from playwright.sync_api import expect

from tests.helpers import SEED_SLUG, assert_no_axe_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def article_url(live_server, seed_article):
    return f"{live_server.url}/articles/{SEED_SLUG}/"


def joy(page):
    return page.locator("button.reaction[value=joy]")


def expect_joy(page, count, pressed):
    button = joy(page)
    expect(button).to_have_attribute("aria-pressed", "true" if pressed else "false")
    expect(button.locator(".reaction-count")).to_have_text(str(count))
    expect(button).to_have_attribute(
        "aria-label",
        f"😂 Joy, {count} reaction{'' if count == 1 else 's'} — press to "
        + ("take yours back" if pressed else "react"),
    )


def test_tap_and_tap_again_with_javascript(browser, article_url, axe, output_path):
    context = browser.new_context()
    page = context.new_page()
    page.goto(article_url)
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))

    with page.expect_response(lambda r: r.url.endswith("/reactions/")):
        joy(page).click()
    expect_joy(page, 1, pressed=True)
    assert navigations == [], "the tap reloaded the page"
    page.screenshot(path=f"{output_path}/reacted.png")
    assert_no_axe_violations(axe, page)

    page.reload()
    expect_joy(page, 1, pressed=True)

    other = browser.new_context().new_page()
    other.goto(article_url)
    expect_joy(other, 1, pressed=False)

    with page.expect_response(lambda r: r.url.endswith("/reactions/")):
        joy(page).click()
    expect_joy(page, 0, pressed=False)
    page.reload()
    expect_joy(page, 0, pressed=False)
    context.close()


def test_tap_shows_at_once_and_rolls_back_when_refused(browser, article_url):
    page = browser.new_context().new_page()
    page.goto(article_url)
    release = []

    def refuse_slowly(route):
        release.append(route)

    page.route("**/reactions/", refuse_slowly)
    joy(page).click()
    expect_joy(page, 1, pressed=True)  # optimistic, before the server answered
    for _ in range(100):
        if release:
            break
        page.wait_for_timeout(50)
    assert release, "the tap was not sent"
    release[0].fulfill(
        status=429,
        content_type="application/json",
        body='{"error": "Too many reactions at once: please wait a minute and try again."}',
    )
    expect_joy(page, 0, pressed=False)
    expect(page.locator(".reaction-status")).to_have_text(
        "Sorry — your reaction was not saved. "
        "Too many reactions at once: please wait a minute and try again."
    )


def test_tap_and_tap_again_without_javascript(browser, article_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(article_url)
    joy(page).click()
    page.wait_for_url(f"{article_url}#reactions")
    expect_joy(page, 1, pressed=True)

    other = browser.new_context(java_script_enabled=False).new_page()
    other.goto(article_url)
    expect_joy(other, 1, pressed=False)

    joy(page).click()
    page.wait_for_load_state()
    expect_joy(page, 0, pressed=False)
    context.close()


def test_keyboard_only_toggle(browser, article_url):
    page = browser.new_context().new_page()
    page.goto(article_url)
    page.locator("button.reaction[value=smile]").focus()
    page.keyboard.press("Tab")
    expect(joy(page)).to_be_focused()
    with page.expect_response(lambda r: r.url.endswith("/reactions/")):
        page.keyboard.press("Enter")
    expect_joy(page, 1, pressed=True)
    with page.expect_response(lambda r: r.url.endswith("/reactions/")):
        page.keyboard.press("Space")
    expect_joy(page, 0, pressed=False)
    expect(joy(page)).to_be_focused()


@pytest.mark.parametrize(("width", "rows"), [(1280, 1), (390, None)])
def test_the_bar_is_one_row_on_a_desktop(browser, article_url, width, rows):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(article_url)
    expect(page.locator("#reactions-prompt")).to_have_text("How does this story make you feel?")
    tops = page.locator("button.reaction").evaluate_all("bs => bs.map(b => b.offsetTop)")
    assert len(tops) == 9
    if rows is not None:
        assert len(set(tops)) == rows
    widths = page.evaluate("document.scrollingElement.scrollWidth")
    assert widths <= width  # no sideways scrolling on a phone either
    context.close()
