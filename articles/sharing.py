"""The share bar: plain links to each network's share page, no third-party script."""

from urllib.parse import quote, urlencode


def _query(**params):
    # Every reserved character percent-encoded, spaces as %20 (mail clients and some
    # networks show a "+" literally): titles with &, #, quotes or emoji survive intact.
    return urlencode(params, quote_via=quote, safe="")


def share_links(*, url, title):
    """(network, share URL) pairs for an article's canonical `url` and `title`."""
    text = f"{title} {url}"
    return [
        ("X", "https://x.com/intent/tweet?" + _query(url=url, text=title)),
        ("Facebook", "https://www.facebook.com/sharer/sharer.php?" + _query(u=url)),
        ("LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?" + _query(url=url)),
        ("WhatsApp", "https://wa.me/?" + _query(text=text)),
        ("Telegram", "https://t.me/share/url?" + _query(url=url, text=title)),
        ("Email", "mailto:?" + _query(subject=title, body=url)),
    ]
