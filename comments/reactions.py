"""The reaction bar as the page and the JSON callers see it."""

from django.conf import settings

from comments import services
from comments.services import reaction_counts, readers_reactions


def short_count(n):
    """1234 -> '1.2K', 2500000 -> '2.5M'; small numbers as they are."""
    for size, suffix in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "K")):
        if n >= size:
            if n < 10 * size:
                return f"{n / size:.1f}".removesuffix(".0") + suffix
            return f"{n // size}{suffix}"
    return str(n)


def reaction_bar(*, article, reader_id, mine=None):
    """The bar's buttons for this reader (`mine`: their keys, when already known)."""
    counts = reaction_counts(article)
    if mine is None:
        mine = readers_reactions(article, reader_id)
    return bar_items(counts=counts, mine=mine)


def bar_items(*, counts, mine):
    """What the bar template shows of each configured reaction."""
    return [
        {
            "key": key,
            "emoji": emoji,
            "label": label,
            "count": counts[key],
            "count_display": short_count(counts[key]),
            "mine": key in mine,
        }
        for key, emoji, label in settings.REACTIONS
    ]


def reaction_state(*, article, reader_id):
    """The JSON the reactions URL answers: every key's count and the reader's own keys
    (one query)."""
    return as_json(services.reaction_state(article=article, reader_id=reader_id))


def as_json(state):
    counts, mine = state.counts, state.mine
    return {"counts": counts, "mine": [key for key in counts if key in mine]}
