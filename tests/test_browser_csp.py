"""The pages work under the Content Security Policy: nothing blocked, nothing in the console."""

import pytest
from playwright.sync_api import expect

from tests.helpers import SEED_SLUG, WATCH_CSP_VIOLATIONS

pytestmark = pytest.mark.browser


@pytest.fixture
def watched(browser):
    context = browser.new_context()
    context.add_init_script(WATCH_CSP_VIOLATIONS)
    page = context.new_page()
    problems = []
    page.on(
        "console",
        lambda m: problems.append(m.text) if m.type in ("error", "warning") else None,
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    yield page, problems
    context.close()


def assert_clean(page, problems):
    assert page.evaluate("window.__violations") == []
    assert problems == []


def test_public_pages_and_their_scripts_work_under_the_policy(live_server, seed_article, watched):
    page, problems = watched
    for path in ("/", "/sections/world/", "/search/?q=assad", "/search/?q=nothing-like-this"):
        page.goto(f"{live_server.url}{path}")
        assert_clean(page, problems)

    page.goto(f"{live_server.url}/articles/{SEED_SLUG}/")
    with page.expect_response(lambda r: r.url.endswith("/reactions/")):
        page.locator("button.reaction[value=tada]").click()
    expect(page.locator("button.reaction[value=tada]")).to_have_attribute("aria-pressed", "true")
    page.get_by_label("Name").fill("Ann Reader")
    page.get_by_label("Comment", exact=True).fill("Under a strict policy, all is well.")
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_text("Awaiting moderation").first).to_be_visible()
    assert_clean(page, problems)


def test_the_error_page_and_the_admin_login_work_under_the_policy(live_server, db, watched):
    page, problems = watched
    response = page.goto(f"{live_server.url}/no-such-page/")
    assert response.status == 404
    problems.remove(next(p for p in problems if "404" in p))  # the browser notes the 404
    assert_clean(page, problems)
    page.goto(f"{live_server.url}/admin/login/")
    expect(page.get_by_label("Username")).to_be_visible()
    assert_clean(page, problems)


def test_the_admin_works_under_the_policy(live_server, admin_user, watched):
    page, problems = watched
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("password")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.get_by_label("Title").press_sequentially("Typed in the admin")
    expect(page.get_by_label("Slug")).to_have_value("typed-in-the-admin")  # admin's own JS
    assert_clean(page, problems)
