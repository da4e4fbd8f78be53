"""Article bodies: Markdown rendered to HTML once, then sanitised with an allow-list."""

import re
from html.parser import HTMLParser

import markdown as markdown_lib
import nh3

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
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(source):
    html = markdown_lib.markdown(source, extensions=["extra"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


_TAB_OR_NEWLINE = str.maketrans("", "", "\t\n\r")
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*")


class _MarkupCensus(HTMLParser):
    """Collects the tags, event-handler attributes and link schemes of a piece of HTML."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = set()
        self.handlers = set()
        self.schemes = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.add(name)
            elif name in {"href", "src", "action", "formaction", "xlink:href"} and value:
                # As browsers read a URL: leading controls and spaces dropped, tabs and
                # line breaks removed anywhere.
                url = value.lstrip("".join(map(chr, range(33)))).translate(_TAB_OR_NEWLINE)
                scheme, colon, _ = url.partition(":")
                scheme = scheme.lower()
                if colon and _SCHEME.fullmatch(scheme) and scheme not in ALLOWED_URL_SCHEMES:
                    self.schemes.add(scheme)

    handle_startendtag = handle_starttag


def removed_markup(source):
    """What the sanitiser takes out of this Markdown's HTML, in words an editor reads:
    e.g. ["<script>", "the onerror attribute", "a javascript: link"]. Empty when the body
    is plain Markdown (its own output is always kept)."""
    census = _MarkupCensus()
    census.feed(markdown_lib.markdown(source, extensions=["extra"], output_format="html"))
    census.close()
    removed = [f"<{tag}>" for tag in sorted(census.tags - ALLOWED_TAGS)]
    removed += [f"the {name} attribute" for name in sorted(census.handlers)]
    removed += [f"a {scheme}: link" for scheme in sorted(census.schemes)]
    return removed
