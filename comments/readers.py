"""What one reader has done: on one article, what changes how its page looks to them;
on the whole site, their history as moderators read it, and whether they are trusted."""

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q

from comments import threads
from comments.models import Comment, ReaderBan, Report
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


# A commenter's history, as moderators read it -------------------------------------------

HISTORY_SHOWN = 10  # their latest comments, reports and bans listed, each


@dataclass(frozen=True)
class Counts:
    """A commenter's comments by status, and how many readers reported."""

    approved: int = 0
    pending: int = 0
    rejected: int = 0  # rejected or marked as spam
    reported: int = 0  # comments of theirs reported at least once

    @property
    def total(self):
        return self.approved + self.pending + self.rejected

    def __str__(self):
        return (
            f"approved {self.approved}, rejected {self.rejected}, pending {self.pending}, "
            f"reported {self.reported}"
        )


@dataclass(frozen=True)
class History:
    by_reader: Counts
    comments: list  # their latest other comments (by reader id), newest first
    by_address: Counts  # other readers' comments from the same address: a second signal
    address_comments: list
    reports_made: int
    reports: list  # their latest reports
    bans: list  # on their reader id or their address, newest first (lifted, ended ones too)


def _counts(**aggregate):
    return Counts(
        approved=aggregate["approved"],
        pending=aggregate["pending"],
        rejected=aggregate["rejected"],
        reported=aggregate["reported"],
    )


def _count_expressions(prefix, match):
    Status = Comment.Status
    return {
        f"{prefix}approved": Count("pk", filter=match & Q(status=Status.APPROVED)),
        f"{prefix}pending": Count("pk", filter=match & Q(status=Status.PENDING)),
        f"{prefix}rejected": Count(
            "pk", filter=match & Q(status__in=[Status.REJECTED, Status.SPAM])
        ),
        f"{prefix}reported": Count("pk", filter=match & Q(report_count__gt=0)),
    }


def commenter_history(comment):
    """What the commenter of `comment` has done, besides it: their comments by status and
    the latest of them, by reader id and (other readers', labelled as such) by address;
    the reports they made; the bans on them. Six queries at most, whatever the numbers
    (comment_reader_history_idx, comment_address_history_idx, report_reader_idx,
    reader_ban_reader_idx and reader_ban_address_idx)."""
    reader_id, address = comment.reader_id, comment.address_hash
    mine = Q(reader_id=reader_id) if reader_id else Q(pk__in=[])
    theirs = Q(address_hash=address) & ~mine if address else Q(pk__in=[])
    others = Comment.objects.exclude(pk=comment.pk)
    totals = others.filter(mine | theirs).aggregate(
        **_count_expressions("r_", mine), **_count_expressions("a_", theirs)
    )

    def latest(match):
        return list(
            others.filter(match)
            .select_related("article")
            .only("name", "body", "status", "created_at", "article__title")
            .order_by("-created_at", "-id")[:HISTORY_SHOWN]
        )

    reports = (
        list(
            Report.objects.filter(reader_id=reader_id)
            .select_related("comment")
            .only("reason", "created_at", "comment__name", "comment__body")
            .order_by("-created_at", "-id")[: HISTORY_SHOWN + 1]
        )
        if reader_id
        else []
    )
    reports_made = len(reports)
    if reports_made > HISTORY_SHOWN:
        reports_made = Report.objects.filter(reader_id=reader_id).count()
    bans = list(
        ReaderBan.objects.filter(_bans_on(reader_id, address)).order_by("-created_at", "-id")[
            :HISTORY_SHOWN
        ]
    )
    return History(
        by_reader=_counts(**{k[2:]: v for k, v in totals.items() if k.startswith("r_")}),
        comments=latest(mine) if reader_id else [],
        by_address=_counts(**{k[2:]: v for k, v in totals.items() if k.startswith("a_")}),
        address_comments=latest(theirs) if address else [],
        reports_made=reports_made,
        reports=reports[:HISTORY_SHOWN],
        bans=bans,
    )


def _bans_on(reader_id, address):
    match = Q(pk__in=[])
    if reader_id:
        match |= Q(reader_id=reader_id)
    if address:
        match |= Q(address_hash=address)
    return match


@dataclass(frozen=True)
class Summary:
    """A commenter in one line, for the queue's rows."""

    counts: Counts
    banned: bool

    def __str__(self):
        return f"{self.counts}{'; banned' if self.banned else ''}"


def commenter_summaries(comments):
    """{comment id: Summary of its commenter (by reader id)} for a page of comments: two
    queries whatever the page's length (comment_reader_history_idx,
    reader_ban_active_reader_idx). Their own comment is counted with the others."""
    readers = {c.reader_id for c in comments if c.reader_id}
    if not readers:
        return {c.pk: Summary(Counts(), banned=False) for c in comments}
    rows = (
        Comment.objects.filter(reader_id__in=readers)
        .order_by()
        .values("reader_id")
        .annotate(**_count_expressions("", Q()))
    )
    counts = {row.pop("reader_id"): Counts(**row) for row in rows}
    banned = set(
        ReaderBan.objects.active().filter(reader_id__in=readers).values_list("reader_id", flat=True)
    )
    return {
        c.pk: Summary(counts.get(c.reader_id, Counts()), banned=c.reader_id in banned)
        for c in comments
    }
