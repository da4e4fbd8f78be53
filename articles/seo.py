"""Structured data for search engines: the JSON-LD of an article page."""

import json

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles import images

# What could end the <script> element or open a comment inside it, escaped the way
# django.utils.html.json_script does; JSON parsers read them back unchanged.
_SCRIPT_ESCAPES = {
    ord("<"): "\\u003C",
    ord(">"): "\\u003E",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def isoformat(moment):
    return timezone.localtime(moment).isoformat()


def share_image(article):
    """What share previews show of an article ({"url", "width", "height", "alt"}; the
    URL as media storage gives it): its lead picture's JPEG, or else its share card,
    drawn the first time (articles.images.share_card)."""
    jpeg = (article.lead_image_renditions or {}).get("jpeg")
    if jpeg:
        return {
            "url": default_storage.url(jpeg["name"]),
            "width": jpeg["width"],
            "height": jpeg["height"],
            "alt": article.lead_image_alt,
        }
    section = article.section.name if article.section else ""
    name = images.share_card(title=article.title, section=section, site_name=settings.SITE_NAME)
    width, height = images.CARD_SIZE
    return {
        "url": default_storage.url(name),
        "width": width,
        "height": height,
        "alt": f"{settings.SITE_NAME}{f' · {section}' if section else ''}: {article.title}",
    }


def news_article_json_ld(*, article, url, site_url, image_url=None):
    """schema.org NewsArticle for the article page at `url`."""
    publisher = {"@type": "Organization", "name": settings.SITE_NAME, "url": site_url}
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.summary,
        "datePublished": isoformat(article.published_at),
        "dateModified": isoformat(article.modified_at),
        "author": (
            {"@type": "Person", "name": article.author_name} if article.author_name else publisher
        ),
        "publisher": publisher,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
    }
    if article.section:
        data["articleSection"] = article.section.name
    if image_url:
        data["image"] = [image_url]
    return data


def json_ld_script(data):
    """A <script type="application/ld+json"> element holding `data`: inert data, never
    executed, and nothing inside can close the element."""
    payload = json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308
