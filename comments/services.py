"""Writes that views and admin actions share: reactions and comments."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F

from comments.models import Reaction, ReactionCount


def reaction_keys():
    return [key for key, _emoji, _label in settings.REACTIONS]


def reaction_counts(article):
    """Every configured key with its count, in the bar's order: one query."""
    counts = dict.fromkeys(reaction_keys(), 0)
    rows = ReactionCount.objects.filter(article=article, emoji__in=counts)
    for emoji, count in rows.values_list("emoji", "count"):
        counts[emoji] = count
    return counts


def readers_reactions(article, reader_id):
    """The keys this reader has on for this article: one query, none without a reader."""
    if not reader_id:
        return set()
    rows = Reaction.objects.filter(article=article, reader_id=reader_id)
    return set(rows.values_list("emoji", flat=True))


def toggle_reaction(*, article, reader_id, emoji):
    """Put the reader's reaction on, or take it back. Returns True when it is now on."""
    with transaction.atomic():
        deleted, _ = Reaction.objects.filter(
            article=article, reader_id=reader_id, emoji=emoji
        ).delete()
        if deleted:
            ReactionCount.objects.filter(article=article, emoji=emoji).update(
                count=F("count") - deleted
            )
            return False
        try:
            with transaction.atomic():
                Reaction.objects.create(article=article, reader_id=reader_id, emoji=emoji)
        except IntegrityError:
            # The same reader's concurrent tap inserted it first: it is on, counted once.
            return True
        _increment_count(article=article, emoji=emoji)
        return True


def _increment_count(*, article, emoji):
    counter = ReactionCount.objects.filter(article=article, emoji=emoji)
    if counter.update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            ReactionCount.objects.create(article=article, emoji=emoji, count=1)
    except IntegrityError:
        # Another reader's first reaction of this kind created the row meanwhile.
        counter.update(count=F("count") + 1)


def recount_reactions(*, article):
    """Rebuild the article's running totals from its reaction rows."""
    with transaction.atomic():
        ReactionCount.objects.filter(article=article).delete()
        totals = (
            Reaction.objects.filter(article=article)
            .values("emoji")
            .annotate(n=Count("id"))
            .values_list("emoji", "n")
        )
        ReactionCount.objects.bulk_create(
            ReactionCount(article=article, emoji=emoji, count=n) for emoji, n in totals
        )
