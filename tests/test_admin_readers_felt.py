"""What readers felt: reactions per emoji and a 14-day timeline on the article's page, and a
"Reactions" page ranking the week's articles by each emoji."""

from datetime import timedelta

import time_machine
from django.utils import timezone

from reactions.models import Reaction
from reactions.services import toggle_reaction
from tests.admin import REACTIONS_PAGE, change_url
from tests.commenting import APPROVED, PENDING, REJECTED, make_comment
from tests.helpers import REACTION_EMOJI, add_reactions, html, make_article


def panel(client, article):
    return html(client.get(change_url(article))).select_one("section.readers-felt")


def table_rows(table):
    return [
        [cell.get_text(" ", strip=True) for cell in tr.find_all(["th", "td"])]
        for tr in table.select("tbody tr")
    ]


def test_the_article_page_shows_its_reactions_per_emoji(editor_client, article):
    add_reactions(article, readers=3, keys=("joy",))
    add_reactions(article, readers=1, keys=("heart", "cry"))
    felt = panel(editor_client, article)
    assert felt.select_one("h2").get_text() == "What readers felt"
    chart = felt.select("svg.chart")[0]
    assert chart["role"] == "img"
    assert chart.select_one("title").get_text() == "Reactions to this article by kind"
    assert "Joy: 3" in chart.select_one("desc").get_text()
    table = felt.select(".chart-table table")[0]
    counts = dict((row[0], row[1]) for row in table_rows(table))
    assert list(counts) == [
        f"{emoji} {label}"
        for emoji, label in zip(
            REACTION_EMOJI,
            [
                "Smile",
                "Joy",
                "Love it",
                "Thumbs up",
                "Celebrate",
                "Hundred",
                "Sad",
                "Cool",
                "Heart",
            ],
            strict=True,
        )
    ]
    assert counts["😂 Joy"] == "3"
    assert counts["❤️ Heart"] == "1"
    assert counts["😊 Smile"] == "0"
    # The longest bar is the most frequent kind, the others in proportion.
    widths = {
        rect.parent.select_one("text").get_text(): float(rect["width"])
        for rect in chart.select("rect")
    }
    assert widths["😂 Joy"] == 300
    assert widths["❤️ Heart"] == 100
    assert widths["😊 Smile"] == 0


def test_the_timeline_counts_reactions_and_comments_per_day_for_14_days(editor_client, article):
    now = timezone.now()
    for days_ago, reactions, comments in ((0, 2, 1), (3, 5, 0), (13, 1, 2), (20, 7, 7)):
        with time_machine.travel(now - timedelta(days=days_ago), tick=False):
            for reader in range(reactions):
                toggle_reaction(article=article, reader_id=f"{days_ago}-{reader}", key="smile")
            for _ in range(comments):
                make_comment(article, status=PENDING)
    felt = panel(editor_client, article)
    title = felt.select("svg.chart")[1].select_one("title").get_text()
    assert title.startswith("Reactions and comments per day")
    table = felt.select(".chart-table table")[1]
    days = table_rows(table)
    assert len(days) == 14
    by_day = {row[0]: (int(row[1]), int(row[2])) for row in days}
    today = timezone.localdate()

    def label(days_ago):
        return (today - timedelta(days=days_ago)).strftime("%a %-d %b")

    assert by_day[label(0)] == (2, 1)
    assert by_day[label(3)] == (5, 0)
    assert by_day[label(13)] == (1, 2)
    assert sum(r for r, _ in by_day.values()) == 8  # 20 days ago is outside the window
    heading = felt.select_one("#timeline-title").get_text()
    assert heading == "The last 14 days: 8 reactions, 3 comments"


def test_the_timeline_counts_every_comment_received_whatever_its_status(editor_client, article):
    for status in (PENDING, APPROVED, REJECTED):
        make_comment(article, status=status)
    heading = panel(editor_client, article).select_one("#timeline-title").get_text()
    assert heading.endswith("3 comments")


def test_an_article_nobody_reacted_to_shows_empty_charts(editor_client, draft):
    felt = panel(editor_client, draft)
    assert felt.select_one("#by-kind-title").get_text() == "Reactions by kind: 0 in all"
    assert all(float(rect["height"]) == 0 for rect in felt.select("svg.chart")[1].select("rect"))


def test_the_charts_need_no_script_nor_inline_style(editor_client, article):
    add_reactions(article, readers=2)
    felt = panel(editor_client, article)
    assert felt.find("script") is None
    assert felt.select("[style]") == []


def test_the_article_page_costs_the_same_queries_whatever_the_reactions(
    editor_client, article, django_assert_num_queries
):
    editor_client.get(change_url(article))

    # Session, user, the two permission queries, the article (twice: the panel, then the
    # form), its sections for the select, the counts per kind, reactions and comments per
    # day (one query each), the open surges (the staff's banner).
    with django_assert_num_queries(11):
        editor_client.get(change_url(article))
    add_reactions(article, readers=200, keys=("joy", "heart"))
    for _ in range(30):
        make_comment(article, status=PENDING)
    with django_assert_num_queries(11):
        editor_client.get(change_url(article))


# The Reactions page --------------------------------------------------------------------


def test_the_reactions_page_ranks_the_weeks_articles_by_each_emoji(editor_client, db):
    funny = make_article(title="Funny one", slug="funny")
    sad = make_article(title="Sad one", slug="sad")
    old = make_article(title="Old one", slug="old", publish_in=timedelta(days=-8))
    draft = make_article(title="Draft one", slug="draft-one", status="draft", published_at=None)
    add_reactions(funny, readers=5, keys=("joy",))
    add_reactions(sad, readers=2, keys=("joy", "cry"))
    add_reactions(old, readers=9, keys=("joy",))
    add_reactions(draft, readers=9, keys=("joy",))
    page = html(editor_client.get(REACTIONS_PAGE))
    joy = page.select_one("#kind-joy")
    assert joy.select_one("h2").get_text(" ", strip=True) == "😂 Joy"
    assert table_rows(joy.select_one("table")) == [["1", "Funny one", "5"], ["2", "Sad one", "2"]]
    assert table_rows(page.select_one("#kind-cry table")) == [["1", "Sad one", "2"]]
    assert page.select_one("#kind-smile").get_text(" ", strip=True).endswith("None this week.")
    total = page.select_one("section.ranking table")
    assert [row[1] for row in table_rows(total)] == ["Funny one", "Sad one"]
    link = joy.select_one("a")
    assert link["href"] == change_url(funny)


def test_the_reactions_page_is_in_the_admin_index_for_editors(editor_client, client, moderator):
    page = html(editor_client.get("/admin/"))
    assert page.select_one(f'a[href="{REACTIONS_PAGE}"]').get_text() == "Reactions"
    editor_client.force_login(moderator)
    assert html(editor_client.get("/admin/")).select_one(f'a[href="{REACTIONS_PAGE}"]') is None


def test_the_reactions_page_costs_the_same_queries_for_few_and_many_articles(
    editor_client, db, django_assert_num_queries
):
    def add(n, prefix):
        for i in range(n):
            article = make_article(title=f"{prefix} {i}", slug=f"{prefix}-{i}")
            add_reactions(article, readers=1, keys=("joy", "tada"))

    add(2, "few")
    editor_client.get(REACTIONS_PAGE)
    # Session, user, the two permission queries, the total ranking, the per-emoji ranking.
    with django_assert_num_queries(6):
        editor_client.get(REACTIONS_PAGE)
    add(30, "many")
    with django_assert_num_queries(6):
        page = html(editor_client.get(REACTIONS_PAGE))
    assert len(page.select("#kind-joy tbody tr")) == 10
    assert Reaction.objects.count() == 64
