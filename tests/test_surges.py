"""Surge mode (issue 19): a post-moderated article whose comments or reports come too fast
switches itself to pre-moderation, tells staff, records when and why, and switches back
after a calm period or by hand."""

from datetime import timedelta

import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from articles.models import Article
from comments.models import Comment, Surge
from tests.commenting import APPROVED, PENDING, make_comment, post_comment
from tests.helpers import html, make_article

POST = Article.CommentsMode.POST_MODERATED
PRE = Article.CommentsMode.PRE_MODERATED


def flood(article, count, *, start=0):
    """`count` comments from as many readers on as many networks."""
    for n in range(start, start + count):
        post_comment(
            Client(REMOTE_ADDR=f"10.0.{n // 250}.{n % 250 + 1}"), article, body=f"Take {n}"
        )


def test_a_flood_of_comments_switches_the_article_to_pre_moderation(db, settings):
    settings.COMMENTS_SURGE_COMMENTS_PER_MINUTE = 5
    article = make_article(comments_mode=POST)
    flood(article, 5)
    article.refresh_from_db()
    assert article.comments_mode == POST
    assert not Surge.objects.exists()
    flood(article, 1, start=5)
    article.refresh_from_db()
    assert article.comments_mode == PRE
    surge = Surge.objects.get()
    assert (surge.article, surge.previous_mode, surge.ended_at) == (article, POST, None)
    assert surge.reason == "more than 5 comments in a minute"
    flood(article, 1, start=6)
    assert Comment.objects.get(body="Take 6").status == PENDING  # waits for a moderator now
    assert Surge.objects.count() == 1


def test_a_pre_moderated_article_has_nothing_to_switch(db, settings, django_assert_max_num_queries):
    settings.COMMENTS_SURGE_COMMENTS_PER_MINUTE = 2
    article = make_article(comments_mode=PRE)
    flood(article, 4)
    assert not Surge.objects.exists()


def test_a_flood_of_reports_switches_it_too(db, settings):
    settings.COMMENTS_SURGE_REPORTS_PER_MINUTE = 2
    article = make_article(comments_mode=POST)
    comments = [make_comment(article, body=f"Claim {n}", status=APPROVED) for n in range(3)]
    for n, comment in enumerate(comments):
        Client(REMOTE_ADDR=f"198.51.100.{n + 1}").post(
            f"/comments/{comment.pk}/flag/", {"reason": "abuse"}
        )
    article.refresh_from_db()
    assert article.comments_mode == PRE
    assert Surge.objects.get().reason == "more than 2 reports in a minute"


def surging(settings):
    settings.COMMENTS_SURGE_COMMENTS_PER_MINUTE = 2
    article = make_article(comments_mode=POST)
    flood(article, 3)
    return article, Surge.objects.get()


def test_staff_see_a_banner_on_the_index_and_the_articles_page(
    db, settings, moderator_client, editor
):
    article, _ = surging(settings)
    editor_client = Client()
    editor_client.force_login(editor)
    banner = html(moderator_client.get("/admin/")).select_one("#surges")
    text = banner.get_text(" ", strip=True)
    assert "switched itself to pre-moderation" in text
    assert "more than 2 comments in a minute" in text
    assert "switches back to post-moderation after 30 minutes" in text
    assert banner.find("button")
    page = html(editor_client.get(f"/admin/articles/article/{article.pk}/change/"))
    assert page.select_one("#surges")
    assert not page.select_one("#surges button")  # editors see it; moderators end it
    other = make_article(slug="calm")
    page = html(editor_client.get(f"/admin/articles/article/{other.pk}/change/"))
    assert not page.select_one("#surges")


def test_the_surge_ends_after_a_calm_period(db, settings, moderator_client):
    article, surge = surging(settings)
    with time_machine.travel(timezone.now() + timedelta(minutes=29)):
        assert html(moderator_client.get("/admin/")).select_one("#surges") is not None
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert html(moderator_client.get("/admin/")).select_one("#surges") is None
    surge.refresh_from_db()
    article.refresh_from_db()
    assert surge.ended_at is not None and surge.ended_by is None
    assert article.comments_mode == POST


def test_the_command_ends_calm_surges(db, settings):
    article, surge = surging(settings)
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        call_command("end_calm_surges", stdout=open("/dev/null", "w"))  # noqa: SIM115
    article.refresh_from_db()
    assert article.comments_mode == POST


def test_a_moderator_ends_it_by_hand_and_it_is_recorded(db, settings, moderator_client, moderator):
    article, surge = surging(settings)
    form = html(moderator_client.get("/admin/")).select_one("#surges form")
    response = moderator_client.post(
        form["action"],
        {
            "next": "/admin/",
            "csrfmiddlewaretoken": form.find("input", attrs={"name": "csrfmiddlewaretoken"})[
                "value"
            ],
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    surge.refresh_from_db()
    article.refresh_from_db()
    assert surge.ended_by == moderator
    assert article.comments_mode == POST
    page = html(moderator_client.get("/admin/comments/surge/"))
    assert "more than 2 comments in a minute" in page.select_one("#result_list").get_text()


def test_a_mode_staff_chose_meanwhile_is_kept(db, settings, moderator):
    from comments import surges

    article, surge = surging(settings)
    Article.objects.filter(pk=article.pk).update(comments_mode=Article.CommentsMode.CLOSED)
    surges.end(surge=surge, moderator=moderator)
    article.refresh_from_db()
    assert article.comments_mode == Article.CommentsMode.CLOSED


def test_ending_takes_a_post_from_a_moderator(db, settings, moderator_client, editor):
    _, surge = surging(settings)
    editor_client = Client()
    editor_client.force_login(editor)
    url = f"/admin/comments/surge/{surge.pk}/end/"
    assert moderator_client.get(url).status_code == 405
    assert editor_client.post(url).status_code == 403
    assert moderator_client.post("/admin/comments/surge/x/end/").status_code == 302
    assert moderator_client.post(url, {"next": "https://evil.example/"})["Location"] == "/admin/"


def test_one_open_surge_per_article_is_a_database_rule(db, settings):
    import pytest
    from django.db import IntegrityError, transaction

    article, _ = surging(settings)
    with pytest.raises(IntegrityError), transaction.atomic():
        Surge.objects.create(
            article=article, started_at=timezone.now(), reason="again", previous_mode=POST
        )
