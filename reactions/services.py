"""Reactions' reads and writes: the counts a bar shows, the reader's own keys, the
toggle, staff's deletions and the recount. A key is the kind's key in settings.REACTIONS ("joy")."""

from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, IntegerField, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from articles import pagecache
from reactions import sql
from reactions.models import Reaction, ReactionCount


def reaction_keys():
    return [key for key, _emoji, _label in settings.REACTIONS]


def reaction_counts(article):
    """Every configured key with its count, in the bar's order: one query. `article`: an
    article or its pk."""
    counts = dict.fromkeys(reaction_keys(), 0)
    rows = ReactionCount.objects.filter(article=article, key__in=counts)
    for key, count in rows.values_list("key", "count"):
        counts[key] = count
    return counts


def readers_reactions(article, reader_id):
    """The keys this reader has on for this article: one query, none without a reader."""
    if not reader_id:
        return set()
    rows = Reaction.objects.filter(article=article, reader_id=reader_id)
    return set(rows.values_list("key", flat=True))


@dataclass(frozen=True)
class ReactionState:
    """The article's count of each configured key, and the reader's own keys."""

    counts: dict
    mine: frozenset

    @classmethod
    def from_rows(cls, rows):
        """From (key, count) rows, where the reader's own keys come with -1."""
        counts = dict.fromkeys(reaction_keys(), 0)
        mine = set()
        for key, count in rows:
            if count < 0:
                mine.add(key)
            elif key in counts:
                counts[key] = count
        return cls(counts=counts, mine=frozenset(mine))

    def as_json(self):
        """What the reactions URL answers: {"counts": {key: n}, "mine": [key]}."""
        return {"counts": self.counts, "mine": [key for key in self.counts if key in self.mine]}


def reaction_state(*, article, reader_id):
    """Every configured key's count and the reader's own keys: one query (a union)."""
    counts = ReactionCount.objects.filter(article_id=article.pk).values_list("key", "count")
    mine = (
        Reaction.objects.filter(article_id=article.pk, reader_id=reader_id or "")
        .annotate(own=Value(-1, output_field=IntegerField()))
        .values_list("key", "own")
    )
    return ReactionState.from_rows(counts.union(mine, all=True))


def toggle_reaction(*, article, reader_id, key):
    """Put the reader's reaction on, or take it back; the state after it (ReactionState).

    `article` needs only its pk and slug. The row and its counter change in one
    transaction, so the count is exact: the counter moves by what the row did. Of a
    double tap, the first that inserts wins, counted once, and the other finds it on.
    On PostgreSQL all of it, and reading the state, is one statement (reactions.sql: the
    benchmark that keeps it is written there).
    """
    if connection.vendor == "postgresql":
        rows = sql.toggle(article_id=article.pk, reader_id=reader_id, key=key, now=timezone.now())
        pagecache.reactions_changed(article.slug)
        return ReactionState.from_rows(rows)
    with transaction.atomic():
        deleted, _ = Reaction.objects.filter(
            article_id=article.pk, reader_id=reader_id, key=key
        ).delete()
        if deleted:
            _count(article=article, key=key, by=-deleted)
        elif _insert(article=article, reader_id=reader_id, key=key):
            _count(article=article, key=key, by=1)
        # else: the same reader's concurrent tap inserted it first: on, counted once.
        pagecache.reactions_changed(article.slug)
        return reaction_state(article=article, reader_id=reader_id)


def _insert(*, article, reader_id, key):
    """Insert the reaction unless it is there: whether it was inserted."""
    try:
        with transaction.atomic():
            Reaction.objects.create(article_id=article.pk, reader_id=reader_id, key=key)
    except IntegrityError:
        return False
    return True


def _count(*, article, key, by):
    """Move the key's counter by `by`; the first reaction of a kind makes its counter."""
    counter = ReactionCount.objects.filter(article_id=article.pk, key=key)
    if counter.update(count=F("count") + by) or by < 0:
        return
    # No counter yet: made at 0 unless another reader's first tap makes it meanwhile.
    ReactionCount.objects.bulk_create(
        [ReactionCount(article_id=article.pk, key=key, count=0)], ignore_conflicts=True
    )
    counter.update(count=F("count") + by)


def recount_reactions(*, article):
    """Rebuild the article's running totals from its reaction rows."""
    with transaction.atomic():
        ReactionCount.objects.filter(article=article).delete()
        totals = (
            Reaction.objects.filter(article=article)
            .values("key")
            .annotate(n=Count("id"))
            .values_list("key", "n")
        )
        ReactionCount.objects.bulk_create(
            ReactionCount(article=article, key=key, count=n) for key, n in totals
        )
        pagecache.reactions_changed(article.slug)


# Rows deleted per statement: a list of ids stays well under the databases' limits.
DELETE_BATCH_SIZE = 500


def delete_reactions(*, reactions):
    """Delete these reactions (a queryset: what staff chose in the admin) and take each
    off its counter, in one transaction; their articles' bars are made again. Returns how
    many were deleted.

    The rows are locked first and deleted by id, so the counters move by exactly what
    was deleted: a reader's tap cannot take one back, nor a new one join, meanwhile.
    """
    with transaction.atomic():
        chosen = Reaction.objects.filter(pk__in=reactions.values("pk")).select_for_update()
        rows = list(chosen.values_list("pk", "article_id", "key"))
        for start in range(0, len(rows), DELETE_BATCH_SIZE):
            batch = rows[start : start + DELETE_BATCH_SIZE]
            Reaction.objects.filter(pk__in=[pk for pk, _, _ in batch]).delete()
        gone = Counter((article_id, key) for _, article_id, key in rows)
        for (article_id, key), n in gone.items():
            ReactionCount.objects.filter(article_id=article_id, key=key).update(
                count=Greatest(F("count") - n, 0)
            )
        for slug in pagecache.slugs_of({article_id for article_id, _ in gone}):
            pagecache.reactions_changed(slug)
    return len(rows)
