"""What one reader has done: on one article, what changes how its page looks to them;
on the whole site, their history as moderators read it, and whether they are trusted."""

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q

from comments import threads
from comments.models import Comment, Report
from reactions.models import Reaction, ReactionCount
from reactions.services import reaction_keys


@dataclass(frozen=True)
class ReaderState:
    """What one reader has done on one article that changes how its page looks to them,
    and the article's reaction counts read with it."""

    reactions: frozenset
    # Comments of theirs that are not approved (shown to them alone), or reports (their
    # "Reported — thank you"): the page is then rendered for them.
    has_own_comments_or_reports: bool
    counts: dict


def reader_state(*, article_id, reader_id):
    """The article's reaction counts, the reader's reactions on it, and whether they have
    comments not approved or reports on it: one query (in SQL: it runs on most page views
    of a reader with a cookie, where building it through the ORM cost more than running
    it)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _reader_state_sql(),
            {"article": article_id, "reader": reader_id},
        )
        rows = cursor.fetchall()
    counts = dict.fromkeys(reaction_keys(), 0)
    mine = set()
    for key, count in rows:
        if count >= 0:
            if key in counts:
                counts[key] = count
        else:
            mine.add(key)
    return ReaderState(
        reactions=frozenset(mine - {_OWN_MARK}),
        has_own_comments_or_reports=_OWN_MARK in mine,
        counts=counts,
    )


_OWN_MARK = "#"  # no reaction key starts with it


@cache
def _reader_state_sql():
    quote = connection.ops.quote_name
    counter, reaction, comment, report = (
        quote(m._meta.db_table) for m in (ReactionCount, Reaction, Comment, Report)
    )
    key = quote(Reaction._meta.get_field("key").column)
    # Indexes: reaction_count_unique, reaction_one_per_reader_and_kind, comment_reader_idx,
    # report_reader_idx. Counts are >= 0; the reader's own rows come with -1.
    return f"""
        SELECT {key}, count FROM {counter} WHERE article_id = %(article)s
        UNION ALL
        SELECT {key}, -1 FROM {reaction}
        WHERE article_id = %(article)s AND reader_id = %(reader)s
        UNION ALL
        SELECT '{_OWN_MARK}', -1 FROM {comment}
        WHERE article_id = %(article)s AND {threads.own_unapproved_sql()}
        UNION ALL
        SELECT '{_OWN_MARK}', -1
        FROM {report} INNER JOIN {comment} ON {comment}.id = {report}.comment_id
        WHERE {report}.reader_id = %(reader)s AND {comment}.article_id = %(article)s
    """  # noqa: S608 (table names from the models; values are parameters)


def is_trusted(reader_id):
    """A trusted commenter: at least COMMENTS_TRUSTED_AFTER approved comments (0: nobody is
    trusted) and none rejected or marked as spam; their comments skip pre-moderation
    (comments.moderation.moderate). One query on comment_reader_history_idx."""
    needed = settings.COMMENTS_TRUSTED_AFTER
    if not needed or not reader_id:
        return False
    counts = Comment.objects.filter(reader_id=reader_id).aggregate(
        approved=Count("pk", filter=Q(status=Comment.Status.APPROVED)),
        refused=Count("pk", filter=Q(status__in=[Comment.Status.REJECTED, Comment.Status.SPAM])),
    )
    return counts["approved"] >= needed and not counts["refused"]
