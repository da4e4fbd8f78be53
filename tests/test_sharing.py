"""The share bar: plain links with the canonical URL and title encoded, no third party."""

from urllib.parse import parse_qs, urlsplit

import pytest

from articles.sharing import share_links
from tests.helpers import html, make_article

TRICKY_TITLE = 'Tom & Jerry\'s "big" #1 day 🎉 — 100% “real”?'
NETWORKS = ["X", "Facebook", "LinkedIn", "WhatsApp", "Telegram", "Email"]


@pytest.fixture
def tricky(db):
    return make_article(title=TRICKY_TITLE, slug="tom-and-jerry")


@pytest.fixture
def share_bar(client, tricky):
    page = html(client.get(tricky.get_absolute_url()))
    return page.find("h2", string="Share this post").find_parent("section")


def decoded(href):
    parts = urlsplit(href)
    assert parts.fragment == "", "a raw # would cut the link short"
    return parts, {
        key: values for key, values in parse_qs(parts.query, strict_parsing=True).items()
    }


def test_each_network_gets_the_url_and_title_exactly(share_bar, tricky):
    url = f"http://testserver{tricky.get_absolute_url()}"
    links = {a.get_text(" ", strip=True).split(" (")[0]: a["href"] for a in share_bar("a")}
    assert list(links) == NETWORKS
    expected = {
        "X": ("https", "x.com", "/intent/tweet", {"url": [url], "text": [TRICKY_TITLE]}),
        "Facebook": ("https", "www.facebook.com", "/sharer/sharer.php", {"u": [url]}),
        "LinkedIn": ("https", "www.linkedin.com", "/sharing/share-offsite/", {"url": [url]}),
        "WhatsApp": ("https", "wa.me", "/", {"text": [f"{TRICKY_TITLE} {url}"]}),
        "Telegram": ("https", "t.me", "/share/url", {"url": [url], "text": [TRICKY_TITLE]}),
        "Email": ("mailto", "", "", {"subject": [TRICKY_TITLE], "body": [url]}),
    }
    for network, href in links.items():
        parts, query = decoded(href)
        scheme, host, path, values = expected[network]
        assert (parts.scheme, parts.netloc, parts.path) == (scheme, host, path), network
        assert query == values, network


def test_reserved_characters_are_percent_encoded(tricky):
    for network, href in share_links(url="https://example.org/a/", title=TRICKY_TITLE):
        query = href.split("?", 1)[1]
        for raw in ["#", " ", '"', "'", "🎉", "+", "“"]:
            assert raw not in query, (network, raw)
        assert "%26" in query or network in ("Facebook", "LinkedIn")  # the title's "&"
        assert query.count("&") == (1 if network in ("X", "Telegram", "Email") else 0), network


def test_links_open_safely_with_visible_labels(share_bar):
    for link in share_bar("a"):
        assert "noopener" in link["rel"]
        assert link.get_text(strip=True)
        if link.get("target") == "_blank":
            assert "(opens in a new tab)" in link.get_text()
    assert share_bar.find("a", string="Email").get("target") is None


def test_the_share_bar_carries_the_canonical_url_for_the_script(share_bar, tricky):
    assert share_bar["data-share-url"] == f"http://testserver{tricky.get_absolute_url()}"
    assert share_bar["data-share-title"] == TRICKY_TITLE


def test_without_javascript_there_is_no_copy_or_share_button(share_bar):
    assert share_bar.find("button") is None
    assert "Copy link" not in share_bar.get_text()


def test_the_page_loads_no_third_party_script_or_pixel(client, tricky):
    page = html(client.get(tricky.get_absolute_url()))
    scripts = [s["src"] for s in page.find_all("script", src=True)]
    assert sorted(scripts) == [
        "/static/js/comments.js",
        "/static/js/reactions.js",
        "/static/js/share.js",
    ]
    assert not page.find_all(["img", "iframe"])
    inline = page.find_all("script", src=False)
    assert [s["type"] for s in inline] == ["application/ld+json"]


def test_the_share_script_uses_only_the_browsers_own_apis(settings):
    script = (settings.BASE_DIR / "static/js/share.js").read_text()
    assert "navigator.clipboard.writeText" in script
    assert "navigator.share" in script
    for forbidden in ("http://", "https://", "fetch(", "XMLHttpRequest", "sendBeacon", "Image("):
        assert forbidden not in script, forbidden
