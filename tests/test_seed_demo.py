import io

from django.core.management import call_command

from articles.models import Article
from tests.helpers import SEED_SLUG, SEED_TITLE


def test_seed_demo_loads_the_seed_article(db):
    call_command("seed_demo", stdout=io.StringIO())
    article = Article.objects.published().get(slug=SEED_SLUG)
    assert article.title == SEED_TITLE
    assert article.body_html.count("<h2>") == 4


def test_seed_demo_run_twice_leaves_one_article(db):
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    assert Article.objects.filter(slug=SEED_SLUG).count() == 1
    assert Article.objects.count() == 1


def test_seed_demo_keeps_an_editors_changes(db):
    call_command("seed_demo", stdout=io.StringIO())
    Article.objects.filter(slug=SEED_SLUG).update(byline="By the desk")
    call_command("seed_demo", stdout=io.StringIO())
    assert Article.objects.get(slug=SEED_SLUG).byline == "By the desk"
