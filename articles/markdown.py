"""Article bodies: Markdown rendered to HTML once, then sanitised with an allow-list.

Pictures are allowed from our own media only (MEDIA_URL), and only with alt text: any
other <img> is dropped whole, and the editor is told (removed_markup).
"""

import re
from html.parser import HTMLParser

import markdown as markdown_lib
import nh3
from django.conf import settings

ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "em",
    "h2",
    "h3",
    "h4",
    "hr",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "img": {"src", "alt", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# Set on every picture of a body: it is below the headline, and the page does not wait.
IMAGE_ATTRIBUTES = {"img": {"loading": "lazy", "decoding": "async"}}

_TAB_OR_NEWLINE = str.maketrans("", "", "\t\n\r")
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*")


def _markdown(source):
    return markdown_lib.markdown(source, extensions=["extra"], output_format="html")


def is_own_media(src):
    """Whether a picture's address is in our media (MEDIA_URL), with no way out of it."""
    url = _as_browsers_read(src or "")
    return url.startswith(settings.MEDIA_URL) and ".." not in url and "\\" not in url


def _keep_image_attribute(tag, attribute, value):
    if tag != "img":
        return value
    if attribute == "src":
        return value if is_own_media(value) else None
    if attribute == "alt":
        return value.strip() or None
    return value


def render_markdown(source):
    html = nh3.clean(
        _markdown(source),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        attribute_filter=_keep_image_attribute,
        set_tag_attribute_values=IMAGE_ATTRIBUTES,
    )
    return _without_unusable_images(html)


class _UnusableImages(HTMLParser):
    """The start tags of the <img> elements that lost their src or alt to the sanitiser."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = set()

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            values = dict(attrs)
            if not values.get("src") or not values.get("alt"):
                self.found.add(self.get_starttag_text())

    handle_startendtag = handle_starttag


def _without_unusable_images(html):
    """The sanitised HTML without its pictures from elsewhere or without alt text. Its
    markup is the sanitiser's own serialisation: a start tag's text is the element."""
    parser = _UnusableImages()
    parser.feed(html)
    parser.close()
    for tag in parser.found:
        html = html.replace(tag, "")
    return html


def _as_browsers_read(url):
    """A URL as browsers read it: leading controls and spaces dropped, tabs and line
    breaks removed anywhere."""
    return url.lstrip("".join(map(chr, range(33)))).translate(_TAB_OR_NEWLINE)


class _MarkupCensus(HTMLParser):
    """Collects the tags, event-handler attributes, link schemes and unusable pictures of
    a piece of HTML."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = set()
        self.handlers = set()
        self.schemes = set()
        self.images = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.add(name)
            elif name in {"href", "src", "action", "formaction", "xlink:href"} and value:
                url = _as_browsers_read(value)
                scheme, colon, _ = url.partition(":")
                scheme = scheme.lower()
                if colon and _SCHEME.fullmatch(scheme) and scheme not in ALLOWED_URL_SCHEMES:
                    self.schemes.add(scheme)
        if tag == "img":
            self._check_image(dict(attrs))

    handle_startendtag = handle_starttag

    def _check_image(self, values):
        src = values.get("src") or ""
        if not is_own_media(src):
            self.images.add(f"a picture not from our media ({src[:100] or 'no address'})")
        elif not (values.get("alt") or "").strip():
            self.images.add(f"a picture without alt text ({src[:100]})")


def removed_markup(source):
    """What the sanitiser takes out of this Markdown's HTML, in words an editor reads:
    e.g. ["<script>", "the onerror attribute", "a javascript: link"]. Empty when the body
    is plain Markdown (its own output is always kept)."""
    census = _MarkupCensus()
    census.feed(_markdown(source))
    census.close()
    removed = [f"<{tag}>" for tag in sorted(census.tags - ALLOWED_TAGS)]
    removed += [f"the {name} attribute" for name in sorted(census.handlers)]
    removed += [f"a {scheme}: link" for scheme in sorted(census.schemes)]
    removed += sorted(census.images)
    return removed
