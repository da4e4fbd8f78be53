"""The reaction bar: its partials, and what they show of each configured reaction. The
article page renders it (articles.views), and the page cache keeps it with each button
as it is and as it is pressed (articles.pagecache)."""

from django.conf import settings

from reactions.services import reaction_counts, readers_reactions

BAR_TEMPLATE = "reactions/includes/reaction_bar.html"
BUTTON_TEMPLATE = "reactions/includes/reaction_button.html"


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
    """What the bar template shows of each configured reaction: its key, its emoji
    character, its label and count, and whether it is the reader's."""
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
