"""The editors' article list and form: scan, sort, filter, write, schedule."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from articles.models import Article
from tests.admin import ARTICLES, change_url, messages_after, rows
from tests.commenting import APPROVED, PENDING, make_comment
from tests.helpers import add_reactions, html, make_article, make_articles, make_section


def article_form(**fields):
    """What the add form posts, with a Markdown body."""
    now = timezone.localtime()
    data = {
        "title": "Floods in the valley",
        "slug": "floods-in-the-valley",
        "section": "",
        "standfirst": "The river rose overnight.",
        "byline": "By A. Reporter",
        "body": "First paragraph.\n\n## What happened\n\nSecond paragraph.",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "comments_mode": "pre",
    }
    data.update(fields)
    if isinstance(data.get("published_at"), type(now)):
        moment = timezone.localtime(data.pop("published_at"))
        data["published_at_0"] = moment.strftime("%Y-%m-%d")
        data["published_at_1"] = moment.strftime("%H:%M:%S")
    return data


# The list ------------------------------------------------------------------------------


def test_the_list_shows_status_time_comments_and_reactions(editor_client, article, draft):
    make_comment(article, status=PENDING)
    make_comment(article, status=PENDING)
    make_comment(article, status=APPROVED)
    add_reactions(article, readers=4, keys=("joy", "heart"))
    listed = {row["title"]: row for row in rows(editor_client.get(ARTICLES))}
    assert listed["A published article"]["state"] == "Published"
    assert listed["A published article"]["pending_comments"] == "2"
    assert listed["A published article"]["approved_comments"] == "1"
    assert listed["A published article"]["reaction_total"] == "8"
    assert listed["A draft"]["state"] == "Draft"
    assert listed["A draft"]["published_at"] == "-"


def test_the_pending_count_links_to_that_articles_queue(editor_client, article):
    make_comment(article, status=PENDING)
    page = html(editor_client.get(ARTICLES))
    link = page.select_one("td.field-pending_comments a")
    assert link["href"] == f"/admin/comments/comment/?article={article.pk}"


def test_the_list_is_newest_first_with_drafts_on_top(editor_client, db):
    make_articles(3)
    make_article(title="Work in progress", slug="wip", status="draft", published_at=None)
    titles = [row["title"] for row in rows(editor_client.get(ARTICLES))]
    assert titles == ["Work in progress", "Story number 0", "Story number 1", "Story number 2"]


def test_a_scheduled_article_is_listed_as_scheduled(editor_client, scheduled):
    assert rows(editor_client.get(ARTICLES))[0]["state"] == "Scheduled"


def test_the_list_sorts_by_reactions_and_by_comments(editor_client, db):
    quiet, loved, talked = make_articles(3)
    add_reactions(loved, readers=5)
    add_reactions(talked, readers=1)
    for _ in range(3):
        make_comment(talked, status=APPROVED)
    page = html(editor_client.get(ARTICLES))
    headers = [th.get_text(" ", strip=True) for th in page.select("#result_list thead th")]
    assert "Reactions" in headers and "Approved" in headers and "Pending" in headers
    by_reactions = rows(editor_client.get(ARTICLES, {"o": "-6"}))
    assert [row["title"] for row in by_reactions][:2] == [loved.title, talked.title]
    by_comments = rows(editor_client.get(ARTICLES, {"o": "-5"}))
    assert by_comments[0]["title"] == talked.title


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "draft"}, {"A draft"}),
        ({"status": "scheduled"}, {"Tomorrow's story"}),
        ({"status": "published"}, {"A published article"}),
        ({"comments_mode__exact": "closed"}, {"A story closed to comments"}),
    ],
)
def test_the_list_filters_by_status_and_comments_mode(
    editor_client, article, draft, scheduled, closed_article, query, expected
):
    titles = {row["title"] for row in rows(editor_client.get(ARTICLES, query))}
    if query.get("status") == "published":
        expected = expected | {"A story closed to comments"}
    assert titles == expected


def test_the_list_filters_by_section(editor_client, db):
    world = make_section(name="World")
    make_article(title="In the world", slug="in-the-world", section=world)
    make_article(title="Elsewhere", slug="elsewhere")
    titles = [
        row["title"] for row in rows(editor_client.get(ARTICLES, {"section__id__exact": world.pk}))
    ]
    assert titles == ["In the world"]


def test_the_list_searches_titles_and_standfirsts(editor_client, db):
    make_article(title="Floods in the valley", slug="floods")
    make_article(title="Budget day", slug="budget", standfirst="The river of money dries up.")
    make_article(title="Elections", slug="elections", body="The river is only in the body.")
    titles = {row["title"] for row in rows(editor_client.get(ARTICLES, {"q": "river"}))}
    assert titles == {"Budget day"}
    titles = {row["title"] for row in rows(editor_client.get(ARTICLES, {"q": "valley"}))}
    assert titles == {"Floods in the valley"}


def test_the_list_has_a_date_hierarchy(editor_client, article):
    page = html(editor_client.get(ARTICLES))
    assert page.select_one("nav.toplinks") is not None
    year = str(timezone.localtime(article.published_at).year)
    assert year in page.select_one("nav.toplinks").get_text()


def test_the_list_costs_the_same_queries_for_1_and_100_articles(
    editor_client, db, django_assert_num_queries
):
    def build(n):
        for article in make_articles(n, prefix=f"batch{n}"):
            make_comment(article, status=PENDING)
            make_comment(article, status=APPROVED)
            add_reactions(article, readers=1, keys=("joy",))

    build(1)
    editor_client.get(ARTICLES)  # the session and content types, once
    # Session, user, the user's and the groups' permissions, the section filter's
    # sections, the filtered and the full count, the page of rows (counts as subqueries,
    # no bodies), the date hierarchy's range and its years.
    with django_assert_num_queries(10):
        response = editor_client.get(ARTICLES)
    assert len(rows(response)) == 1
    build(99)
    with django_assert_num_queries(10):
        response = editor_client.get(ARTICLES)
    assert len(rows(response)) == 100


# The form ------------------------------------------------------------------------------


def test_the_form_prefills_the_slug_from_the_title(editor_client, db):
    page = html(editor_client.get(f"{ARTICLES}add/"))
    assert page.select_one("#id_slug") is not None
    # Django's prepopulate.js fills the slug as the title is typed (the browser test sees it).
    prepopulated = page.select_one("#django-admin-prepopulated-fields-constants")
    assert '"id": "#id_slug"' in prepopulated["data-prepopulated-fields"]
    assert '"#id_title"' in prepopulated["data-prepopulated-fields"]


def test_the_form_has_every_field_and_markdown_help_beside_the_body(editor_client, db):
    page = html(editor_client.get(f"{ARTICLES}add/"))
    for name in (
        "title",
        "slug",
        "section",
        "standfirst",
        "byline",
        "body",
        "status",
        "comments_mode",
    ):
        assert page.select_one(f"[name={name}]") is not None, name
    assert page.select_one("[name=published_at_0]") is not None
    body = page.select_one("#id_body")
    help_id = body["aria-describedby"]
    help_box = page.select_one(f"#{help_id}")
    assert "Markdown" in help_box.get_text()
    assert "## Subhead" in help_box.get_text()
    assert help_box.find_parent(class_="field-body") is not None


def test_saving_a_draft_renders_and_sanitises_the_body(editor_client, client, db):
    response = editor_client.post(f"{ARTICLES}add/", article_form())
    assert response.status_code == 302
    article = Article.objects.get(slug="floods-in-the-valley")
    assert article.status == Article.Status.DRAFT
    assert "<h2>What happened</h2>" in article.body_html
    assert client.get(article.get_absolute_url()).status_code == 404


def test_publishing_without_a_time_publishes_now(editor_client, client, db):
    before = timezone.now()
    response = editor_client.post(f"{ARTICLES}add/", article_form(status="published"))
    assert response.status_code == 302
    article = Article.objects.get(slug="floods-in-the-valley")
    assert before <= article.published_at <= timezone.now()
    assert client.get(article.get_absolute_url()).status_code == 200


def test_a_future_time_schedules_the_article_which_goes_public_by_itself(editor_client, client, db):
    when = (timezone.now() + timedelta(hours=2)).replace(microsecond=0)
    response = editor_client.post(
        f"{ARTICLES}add/", article_form(status="published", published_at=when)
    )
    assert response.status_code == 302
    assert any("is scheduled: it becomes public by itself" in m for m in messages_after(response))
    article = Article.objects.get(slug="floods-in-the-valley")
    assert article.published_at == when
    assert client.get(article.get_absolute_url()).status_code == 404
    assert article.title not in client.get("/").content.decode()
    with time_machine.travel(when + timedelta(seconds=1), tick=False):
        assert client.get(article.get_absolute_url()).status_code == 200
        assert article.title in client.get("/").content.decode()


def test_editing_an_article_keeps_it_and_records_the_change(editor_client, article):
    response = editor_client.get(change_url(article))
    version = html(response).select_one("[name=version]")["value"]
    data = article_form(
        title="A corrected title",
        slug=article.slug,
        status="published",
        published_at=article.published_at,
        version=version,
    )
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "A corrected title"


def test_the_change_form_links_to_the_preview_and_the_public_page(editor_client, article, draft):
    page = html(editor_client.get(change_url(article)))
    links = {a.get_text(strip=True): a["href"] for a in page.select(".object-tools a")}
    assert links["Preview"] == f"{ARTICLES}{article.pk}/preview/"
    assert links["View on site"] == article.get_absolute_url()
    page = html(editor_client.get(change_url(draft)))
    links = {a.get_text(strip=True): a["href"] for a in page.select(".object-tools a")}
    assert "Preview" in links and "View on site" not in links
