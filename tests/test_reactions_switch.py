"""Editors can switch reactions off for an article (issue 18: for a tragedy); the bar says
what it asks, and each emoji's meaning is a tooltip and read to screen readers."""

from django.conf import settings
from django.test import Client

from articles.models import Article
from reactions.models import Reaction
from tests.admin import change_url
from tests.commenting import as_reader
from tests.helpers import html, page_of, tap
from tests.test_admin_articles import article_form


def switch(editor_client, article, *, on):
    version = html(editor_client.get(change_url(article))).select_one("[name=version]")["value"]
    data = article_form(
        title=article.title,
        slug=article.slug,
        status="published",
        published_at=article.published_at,
        version=version,
        **({"reactions_enabled": "on"} if on else {}),
    )
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.reactions_enabled is on


def test_the_bar_asks_and_names_each_reaction(client, seed_article):
    bar = page_of(client, seed_article).select_one("form#reactions")
    prompt = bar.select_one("#reactions-prompt")
    assert prompt.get_text() == "How does this story make you feel?"
    assert bar["aria-labelledby"] == "reactions-prompt"
    buttons = bar.select("button.reaction")
    assert len(buttons) == len(settings.REACTIONS) == 9  # the seed keeps its nine
    for button, (_key, emoji, label) in zip(buttons, settings.REACTIONS, strict=True):
        assert button["title"] == label
        assert button["aria-label"].startswith(f"{emoji} {label}, ")


def test_an_editor_switches_reactions_off_and_the_bar_goes_at_once(editor_client, article):
    reader = Client()
    tap(reader, article, "joy")
    assert page_of(Client(), article).select_one("form#reactions")  # cached, with the bar
    switch(editor_client, article, on=False)
    editor_client.logout()
    for client in (Client(), reader):
        page = page_of(client, article)
        assert page.select_one("form#reactions") is None
        assert page.select_one("#reactions-prompt") is None


def test_no_reaction_is_taken_while_they_are_off(editor_client, article):
    switch(editor_client, article, on=False)
    reader = Client()
    as_reader(reader)
    response = tap(reader, article, "joy")
    assert response.status_code == 403
    assert response.json() == {"error": "Reactions are switched off for this article."}
    form = reader.post(f"{article.get_absolute_url()}reactions/", {"emoji": "joy"})
    assert form.status_code == 403
    assert "Reactions are switched off for this article." in form.content.decode()
    assert Reaction.objects.count() == 0


def test_switched_on_again_the_counts_are_back(editor_client, article):
    tap(Client(), article, "joy")
    switch(editor_client, article, on=False)
    switch(editor_client, article, on=True)
    editor_client.logout()
    button = page_of(Client(), article).select_one('button[data-key="joy"]')
    assert button["data-count"] == "1"


def test_the_admin_form_offers_the_switch(editor_client, article):
    field = html(editor_client.get(change_url(article))).select_one("[name=reactions_enabled]")
    assert field["type"] == "checkbox"
    assert field.has_attr("checked")
    assert Article._meta.get_field("reactions_enabled").default is True
