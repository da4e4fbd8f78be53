"""The hostile corpus, loaded in a real browser: no dialog, no script run, no CSP violation."""

import pytest
from django.utils import timezone

from articles.models import Article
from comments.models import Comment
from tests.helpers import WATCH_CSP_VIOLATIONS, make_article
from tests.hostile_inputs import HOSTILE_INPUTS

pytestmark = pytest.mark.browser


@pytest.fixture
def hostile_site(live_server):
    commented = make_article(title="Readers write", slug="readers-write")
    Comment.objects.bulk_create(
        Comment(
            article=commented,
            name=hostile[:80],
            body=hostile[:3000],
            status=Comment.Status.APPROVED,
            reader_id=f"{i:048x}",
        )
        for i, hostile in enumerate(HOSTILE_INPUTS)
    )
    now = timezone.now()
    for i, hostile in enumerate(HOSTILE_INPUTS):
        Article.objects.create(
            title=hostile[:200],
            slug=f"hostile-{i}",
            standfirst=hostile[:300],
            byline=hostile[:120],
            body=f"Intro.\n\n{hostile}\n\nOutro.",
            status=Article.Status.PUBLISHED,
            published_at=now,
        )
    urls = [commented.get_absolute_url(), f"{commented.get_absolute_url()}?page=2"]
    urls += [f"/articles/hostile-{i}/" for i in range(len(HOSTILE_INPUTS))]
    urls += [f"/?page={n}" for n in range(1, 5)]
    urls += ["/search/?q=script", "/search/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E"]
    return urls


def test_no_hostile_input_runs_in_the_browser(browser, live_server, hostile_site):
    context = browser.new_context()
    context.add_init_script(WATCH_CSP_VIOLATIONS)
    page = context.new_page()
    dialogs, csp_console = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on(
        "console",
        lambda message: (
            csp_console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    for url in hostile_site:
        response = page.goto(f"{live_server.url}{url}")
        assert response.status == 200, url
        page.wait_for_load_state("load")
        assert page.evaluate("window.__pwned") is None, url
        assert page.evaluate("window.__violations") == [], url
    assert dialogs == []
    assert csp_console == []
    assert len(hostile_site) >= 60 + 2
    context.close()
