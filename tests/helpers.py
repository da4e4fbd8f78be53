"""Small factories and checks the test files share."""

import time
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone
from django.utils.cache import get_max_age

from articles.models import Article, Section

SEED_SLUG = "new-revelations-on-assads-final-24-hours-in-syria"
SEED_TITLE = "New Revelations On Assad’s Final 24 Hours In Syria"
REACTION_KEYS = [
    "smile",
    "joy",
    "heart_eyes",
    "thumbs_up",
    "tada",
    "hundred",
    "cry",
    "sunglasses",
    "heart",
]
REACTION_EMOJI = ["😊", "😂", "😍", "👍", "🎉", "💯", "😢", "😎", "❤️"]

# Asks an endpoint for its JSON answer, as the page's script does: `client.post(url, data, **JSON)`.
JSON = {"HTTP_ACCEPT": "application/json"}


def make_article(*, publish_in=timedelta(hours=-1), **fields):
    defaults = {
        "title": "A published article",
        "slug": "a-published-article",
        "standfirst": "What happened, in one line.",
        "byline": "By A. Reporter",
        "body": "First paragraph.\n\n## A subhead\n\nSecond paragraph.",
        "status": Article.Status.PUBLISHED,
        "published_at": timezone.now() + publish_in,
    }
    return Article.objects.create(**{**defaults, **fields})


def make_section(*, name="World", slug=None, **fields):
    return Section.objects.create(name=name, slug=slug or name.lower(), **fields)


def make_articles(count, *, prefix="story", **fields):
    """`count` published articles, the first the newest, an hour apart."""
    return [
        make_article(
            title=f"{prefix.title()} number {i}",
            slug=f"{prefix}-{i}",
            publish_in=timedelta(hours=-(i + 1)),
            **fields,
        )
        for i in range(count)
    ]


def add_comments(article, *, approved=0, pending=0, rejected=0):
    from comments.models import Comment

    for status, count in (("approved", approved), ("pending", pending), ("rejected", rejected)):
        for i in range(count):
            Comment.objects.create(
                article=article, name=f"Reader {i}", body=f"A {status} comment.", status=status
            )


def add_reactions(article, *, readers, keys=("smile",)):
    """Each of `readers` readers taps each kind in `keys`, through the real service."""
    from reactions.services import toggle_reaction

    for reader in range(readers):
        for key in keys:
            toggle_reaction(article=article, reader_id=f"{reader:048x}", key=key)


def shown_within(bound, check, what):
    """Poll until check() holds, and return how long it took; fail the test if it took
    longer than `bound` seconds (a stated staleness bound, with its slack)."""
    started = time.monotonic()
    while True:
        if check():
            elapsed = time.monotonic() - started
            assert elapsed <= bound, f"{what}: stale for {elapsed:.2f} s"
            return elapsed
        if time.monotonic() - started > bound:
            pytest.fail(f"{what}: still stale after {bound} s")
        time.sleep(0.05)


def html(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def page_of(client, article, query=""):
    """The article's page (it must answer 200), parsed."""
    response = client.get(article.get_absolute_url() + query)
    assert response.status_code == 200
    return html(response)


def tap(client, article, key="joy"):
    """A tap on a reaction, as the page's script sends it (the JSON answer)."""
    return client.post(f"{article.get_absolute_url()}reactions/", {"emoji": key}, **JSON)


def shared_max_age(response):
    """The s-maxage of a response that a shared cache may keep and a browser may not."""
    directives = {
        part.strip().split("=")[0]: part.strip().partition("=")[2]
        for part in response["Cache-Control"].split(",")
    }
    assert "public" in directives and "private" not in directives
    assert get_max_age(response) == 0
    return int(directives["s-maxage"])


def assert_no_axe_violations(axe, page):
    """axe-core runs as a script in the page: the page needs JavaScript enabled."""
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()


# An init script for browser contexts: CSP violations are kept in window.__violations.
WATCH_CSP_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI);
});
"""
