import io

from django.core.management import call_command

from articles.models import Article, Section
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


def test_seed_demo_puts_the_seed_article_in_world(db):
    call_command("seed_demo", stdout=io.StringIO())
    article = Article.objects.select_related("section").get(slug=SEED_SLUG)
    assert (article.section.name, article.section.slug) == ("World", "world")


def test_seed_demo_run_twice_leaves_one_world_section(db):
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    assert list(Section.objects.values_list("name", flat=True)) == ["World"]


def test_seed_demo_reuses_an_existing_world_section(db):
    world = Section.objects.create(name="World", slug="world-news")
    call_command("seed_demo", stdout=io.StringIO())
    assert Article.objects.get(slug=SEED_SLUG).section == world
    assert Section.objects.count() == 1


def test_seed_demo_puts_an_existing_article_without_a_section_in_world(db):
    call_command("seed_demo", stdout=io.StringIO())
    Article.objects.filter(slug=SEED_SLUG).update(section=None, byline="By the desk")
    call_command("seed_demo", stdout=io.StringIO())
    article = Article.objects.get(slug=SEED_SLUG)
    assert article.section.name == "World"
    assert article.byline == "By the desk"


def test_seed_demo_leaves_an_editors_section_choice_alone(db):
    call_command("seed_demo", stdout=io.StringIO())
    politics = Section.objects.create(name="Politics", slug="politics")
    Article.objects.filter(slug=SEED_SLUG).update(section=politics)
    call_command("seed_demo", stdout=io.StringIO())
    assert Article.objects.get(slug=SEED_SLUG).section == politics
