"""The share bar: plain links to each network's share page, no third-party script."""

from urllib.parse import quote, urlencode


def share_links(*, url, title):
    text = f"{title} {url}"
    return [
        ("X", "https://x.com/intent/tweet?" + urlencode({"url": url, "text": title})),
        ("Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})),
        (
            "LinkedIn",
            "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url}),
        ),
        ("WhatsApp", "https://wa.me/?" + urlencode({"text": text})),
        ("Telegram", "https://t.me/share/url?" + urlencode({"url": url, "text": title})),
        ("Email", f"mailto:?subject={quote(title, safe='')}&body={quote(url, safe='')}"),
    ]
