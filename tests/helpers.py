"""Small factories and checks the test files share."""

from datetime import timedelta

from bs4 import BeautifulSoup
from django.utils import timezone

from articles.models import Article

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


def html(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def assert_no_axe_violations(axe, page):
    """axe-core runs as a script in the page: the page needs JavaScript enabled."""
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()
