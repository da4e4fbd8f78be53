"""A comment's text: what readers may type, and how it is shown (always escaped)."""

import re
import unicodedata

from django.utils.html import Urlizer
from django.utils.safestring import mark_safe

ALLOWED_CONTROL_CHARACTERS = {"\n", "\r", "\t"}
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
LINK_TEXT_LIMIT = 60
# What every link Django's Urlizer makes has in its text: "http(s)://", "www." or one of
# the domains it links without either. Text without any has no link to count.
LINK_HINT = re.compile(r"://|www\.|\.(?:com|edu|gov|int|mil|net|org)", re.IGNORECASE)
# Unicode's Bidi_Control characters: the marks ALM, LRM and RLM; the embeddings and
# overrides LRE, RLE, PDF, LRO and RLO; the isolates LRI, RLI, FSI and PDI.
BIDI_CONTROL = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def control_characters(text, *, allowed=frozenset(ALLOWED_CONTROL_CHARACTERS)):
    """The control characters (Unicode category Cc, NUL included) in text, minus allowed."""
    return sorted({ch for ch in text if unicodedata.category(ch) == "Cc" and ch not in allowed})


# Unicode's default-ignorable characters that are not format characters (Cf): they show
# nothing either (Hangul fillers, variation selectors, the combining grapheme joiner).
IGNORABLE_BEYOND_FORMAT = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180f\u3164\uffa0"
    + "".join(map(chr, range(0xFE00, 0xFE10)))
    + "".join(map(chr, range(0xE0100, 0xE01F0)))
)


def invisible(ch):
    """A character that shows nothing: a format character (zero-width space, soft hyphen,
    joiners, bidi controls...) or another default-ignorable one."""
    return unicodedata.category(ch) == "Cf" or ch in IGNORABLE_BEYOND_FORMAT


def has_visible_text(text):
    """False for text made only of spaces, line breaks and characters that show nothing."""
    return any(
        not ch.isspace() and not invisible(ch) and unicodedata.category(ch) != "Cc" for ch in text
    )


def without_bidi_controls(text):
    """The text without its bidi controls, for where no element can isolate it: a page
    title, the admin's breadcrumbs, messages and history. Wherever markup can, a reader's
    text is shown as written inside <bdi> or an element with dir="auto"."""
    return BIDI_CONTROL.sub("", text)


def normalise_newlines(text):
    return text.replace("\r\n", "\n").replace("\r", "\n")


class CommentUrlizer(Urlizer):
    """Django's urlize, with links marked as user content and email addresses left as text."""

    url_template = '<a href="{href}" rel="nofollow ugc noopener">{url}</a>'

    @staticmethod
    def is_email_simple(value):
        return False


urlize_comment = CommentUrlizer()


def _linked(text):
    # autoescape=True: every part of the text, link or not, is escaped.
    return urlize_comment(text, trim_url_limit=LINK_TEXT_LIMIT, autoescape=True)


def comment_html(body):
    """Escaped paragraphs and line breaks, with bare URLs turned into links."""
    paragraphs = PARAGRAPH_BREAK.split(normalise_newlines(body).strip())
    html = []
    for paragraph in paragraphs:
        html.append("<p>" + _linked(paragraph).replace("\n", "<br>\n") + "</p>")
    return mark_safe("\n".join(html))  # noqa: S308 - built from escaped pieces only


def count_links(text):
    """How many links the comment would show: the same rule as the page."""
    if not LINK_HINT.search(text):
        return 0
    return _linked(text).count("<a href=")
