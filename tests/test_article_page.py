"""The seed article page, as a reader sees it."""

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.helpers import REACTION_EMOJI, REACTION_KEYS, SEED_SLUG, SEED_TITLE, html

SEED_URL = f"/articles/{SEED_SLUG}/"
SUBHEADS = [
    "A Secretive Escape Plan",
    "Russia and Iran Decline Military Intervention",
    "Attempts to Secure Safe Haven",
    "The Aftermath",
]


@pytest.fixture
def page(client, seed_article):
    response = client.get(SEED_URL)
    assert response.status_code == 200
    return html(response)


def test_title_is_the_h1_and_the_page_title(page):
    assert page.find("h1").get_text(strip=True) == SEED_TITLE
    assert page.title.get_text(strip=True) == SEED_TITLE
    assert len(page.find_all("h1")) == 1


def test_standfirst_byline_and_date_sit_under_the_title(page):
    header = page.find("article").find("header")
    assert header.find("p", class_="standfirst").get_text(strip=True) == (
        "Assad’s Final Hours in Syria: How the Syrian Leader Fled as Rebels Seized Power"
    )
    assert header.find(class_="byline").get_text(strip=True) == "By Newsroom staff"
    time = header.find("time")
    assert time["datetime"].startswith("2024-12-13T10:00:00")


def test_body_is_the_seed_text_with_its_subheads_and_typography(page):
    body = page.find(class_="article-body")
    assert [h2.get_text() for h2 in body.find_all("h2")] == SUBHEADS
    paragraphs = [p.get_text() for p in body.find_all("p")]
    assert len(paragraphs) == 13
    assert paragraphs[0].startswith("Former Syrian President Bashar al-Assad fled Damascus")
    assert (
        "Maher al-Assad—commander of the elite 4th Armored Division—of his plan" in (paragraphs[1])
    )
    assert (
        "“He told me, ‘Tomorrow, we will see.’ That was the last thing he said to me,” "
        "Jalali told Al Arabiya TV."
    ) in paragraphs[-2]
    assert paragraphs[-1].endswith("ending one of the region’s most enduring dictatorships.")


def test_body_matches_the_seed_file_paragraph_for_paragraph(page, settings):
    seed_text = (settings.BASE_DIR / "articles/demo/assad-final-hours.md").read_text()
    source_blocks = [
        block.removeprefix("## ") for block in seed_text.split("\n\n")[1:] if block.strip()
    ]
    body = page.find(class_="article-body")
    shown = [element.get_text() for element in body.find_all(["p", "h2"])]
    assert shown == [block.strip() for block in source_blocks]


def test_share_bar_links_carry_the_encoded_url_and_title(page):
    share = page.find("h2", string="Share this post").find_parent("section")
    links = {a.get_text(" ", strip=True).split(" (")[0]: a["href"] for a in share.find_all("a")}
    assert list(links) == ["X", "Facebook", "LinkedIn", "WhatsApp", "Telegram", "Email"]
    article_url = f"http://testserver{SEED_URL}"
    for network, href in links.items():
        if network == "Email":
            assert href.startswith("mailto:?")
            query = parse_qs(href.split("?", 1)[1])
            assert query["subject"] == [SEED_TITLE]
            assert query["body"] == [article_url]
            assert "%E2%80%99" in href  # the curly apostrophe, percent-encoded
            continue
        parts = urlsplit(href)
        assert parts.scheme == "https"
        values = [value for values in parse_qs(parts.query).values() for value in values]
        assert any(article_url in value for value in values), network
        assert " " not in href and "’" not in href, network
    assert parse_qs(urlsplit(links["X"]).query)["text"] == [SEED_TITLE]


def test_comments_section_holds_the_reaction_bar_in_the_seed_order(page):
    section = page.find("h2", string="Comments on this Article:").find_parent("section")
    form = section.find("form", class_="reaction-bar")
    assert form["method"] == "post"
    assert form["action"] == f"{SEED_URL}reactions/"
    assert not form.find("input", attrs={"name": "csrfmiddlewaretoken"})
    buttons = form.find_all("button")
    assert [b["value"] for b in buttons] == REACTION_KEYS
    assert [b.find(class_="reaction-emoji").get_text() for b in buttons] == REACTION_EMOJI
    assert all(b["name"] == "emoji" and b["type"] == "submit" for b in buttons)
    assert [b.find(class_="reaction-count").get_text() for b in buttons] == ["0"] * 9
    assert [b["aria-pressed"] for b in buttons] == ["false"] * 9


def test_comment_list_reads_no_comments_available(page):
    section = page.find("h2", string="Comments on this Article:").find_parent("section")
    comment_list = section.find(id="comment-list")
    assert comment_list.get_text(strip=True) == "No comments available."
    # The reaction bar comes before the comment list.
    assert section.find_all(["form", "div"])[0]["class"] == ["reaction-bar"]


def test_page_is_semantic_html_with_a_language(page):
    assert page.html["lang"] == "en"
    assert page.find("main")
    assert page.find("header", class_="site-header")
    assert page.find("footer")
    assert page.find("meta", attrs={"name": "viewport"})
    assert page.find("link", rel="canonical")["href"].endswith(SEED_URL)


def test_page_loads_nothing_from_another_host(page):
    sources = [tag.get("src") for tag in page.find_all(["script", "img", "iframe"])]
    sources += [tag.get("href") for tag in page.find_all("link")]
    for source in filter(None, sources):
        if source == page.find("link", rel="canonical")["href"]:
            continue
        assert source.startswith("/"), source
        assert not source.startswith("//"), source


def test_page_costs_a_constant_number_of_queries(client, seed_article, django_assert_num_queries):
    # The article, its counts, its comments; the header's sections (kept in the cache
    # until a section changes) and the latest articles of its section.
    with django_assert_num_queries(5):
        assert client.get(SEED_URL).status_code == 200
