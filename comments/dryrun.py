"""A rule tried before it is saved: what a banned or suspect word, or a link limit, would
have caught in the latest comments. Nothing is changed; moderators read the result in the
admin (comments.admin.ModerationWordAdmin.try_view) and then decide.

The word is matched exactly as the rules will match it (comments.moderation.find_words,
on the name and the text), links counted as the page shows them (count_links).
"""

import re
from collections import Counter
from dataclasses import dataclass

from comments import moderation
from comments.models import Comment
from comments.text import count_links

SAMPLE_SIZE = 1000
EXAMPLES_SHOWN = 10
TOKEN = re.compile(r"\S+")


@dataclass(frozen=True)
class Example:
    comment: Comment
    pieces: list  # (text, whether it matched): the comment's text, in order


@dataclass(frozen=True)
class DryRun:
    sampled: int
    caught: int
    by_status: list  # (status label, count), the statuses the caught comments have now
    examples: list

    @property
    def newly_caught(self):
        """Caught comments that readers see today: what the rule would take off a page."""
        return sum(
            count for label, count in self.by_status if label == Comment.Status.APPROVED.label
        )


def latest_comments():
    """The SAMPLE_SIZE latest comments, newest first (comment_created_idx)."""
    return list(
        Comment.objects.select_related("article")
        .only("name", "body", "status", "created_at", "article__title", "article__slug")
        .order_by("-created_at", "-id")[:SAMPLE_SIZE]
    )


def try_word(word):
    """What a banned or suspect word (or phrase) would have caught."""
    words = [word]

    def matches(text):
        return bool(moderation.find_words(words, text))

    width = max(1, len(word.split()))
    return _dry_run(
        lambda comment: matches(f"{comment.name}\n{comment.body}"),
        lambda comment: _pieces(comment.body, matches, width) or _pieces(comment.name, matches, 1),
    )


def try_link_limit(limit):
    """What a link limit would have held: comments with more than `limit` links."""
    return _dry_run(
        lambda comment: count_links(comment.body) > limit,
        lambda comment: _pieces(comment.body, lambda text: count_links(text) > 0, 1),
    )


def _dry_run(caught, pieces_of):
    comments = latest_comments()
    found = [comment for comment in comments if caught(comment)]
    statuses = Counter(comment.get_status_display() for comment in found)
    return DryRun(
        sampled=len(comments),
        caught=len(found),
        by_status=sorted(statuses.items(), key=lambda item: -item[1]),
        examples=[
            Example(comment=comment, pieces=pieces_of(comment))
            for comment in found[:EXAMPLES_SHOWN]
        ],
    )


def _pieces(text, matches, width):
    """`text` cut into (piece, matched) in order, where a matched piece is the shortest run
    of at most `width` whitespace-separated tokens that `matches`; [] if none does."""
    tokens = list(TOKEN.finditer(text))
    marked = []
    start = 0
    while start < len(tokens):
        end = next(
            (
                end
                for end in range(start + 1, min(start + width, len(tokens)) + 1)
                if matches(text[tokens[start].start() : tokens[end - 1].end()])
            ),
            None,
        )
        if end is None:
            start += 1
            continue
        marked.append((tokens[start].start(), tokens[end - 1].end()))
        start = end
    if not marked:
        return []
    pieces, position = [], 0
    for begin, finish in marked:
        pieces += [(text[position:begin], False), (text[begin:finish], True)]
        position = finish
    pieces.append((text[position:], False))
    return [piece for piece in pieces if piece[0]]
