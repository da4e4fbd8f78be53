"""The comment list as one reader sees it: a page of threads, oldest first.

A thread is a top-level comment with its replies (one level of nesting). A reader sees:
- approved comments;
- their own comments that are not approved yet, marked "Awaiting moderation" (also those
  the rules turned down at submission, so that a bot learns nothing), and those a
  moderator rejected with a reason, marked with it; not those rejected without one;
- the editors' picks first, on the list's first page, with a badge (and in their threads);
- in place of a top-level comment nobody may see, a placeholder, when it has approved
  replies, so that its thread still reads.
The list costs a constant number of queries: the totals, the page of threads, their
replies, the editors' picks when the totals count some, and (for a reader with a cookie)
which of them the reader has reported.
"""

from dataclasses import dataclass, field, replace
from functools import cache

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Exists, OuterRef, Q

from comments.models import Comment, Report

Status = Comment.Status
LIST_FIELDS = (
    "article_id",
    "parent_id",
    "name",
    "body",
    "status",
    "reader_id",
    "created_at",
    "moderated_at",
    "rejection_reason",
    "rejection_note",
    "featured_at",
)
FEATURED_SHOWN = 10  # editors' picks above the threads, at most
REMOVED = "This comment was removed."
UNDER_REVIEW = "This comment is being reviewed by a moderator."


# The reader's own comments that are not approved and that no moderator turned down
# without a reason (shown to them, marked "Awaiting moderation" or with the moderator's
# reason): one rule, in the three forms the list, its counts and the reader's page state
# need, kept side by side. Only a rejected comment has a rejection reason (a constraint).


def own_unapproved(reader_id):
    """The rule as a filter."""
    return (
        Q(reader_id=reader_id)
        & ~Q(status=Status.APPROVED)
        & (Q(status=Status.PENDING) | Q(moderated_at__isnull=True) | ~Q(rejection_reason=""))
    )


def is_own_unapproved(comment, reader_id):
    """The rule for one comment already loaded."""
    return (
        bool(reader_id)
        and comment.reader_id == reader_id
        and comment.status != Status.APPROVED
        and (
            comment.status == Status.PENDING
            or comment.moderated_at is None
            or bool(comment.rejection_reason)
        )
    )


def own_unapproved_sql(alias=""):
    """The rule in SQL, on the parameter %(reader)s (statuses written in: see
    visible_threads_sql)."""
    approved, pending = f"'{Status.APPROVED}'", f"'{Status.PENDING}'"
    return (
        f"{alias}reader_id = %(reader)s AND %(reader)s <> '' AND {alias}status <> {approved}"
        f" AND ({alias}status = {pending} OR {alias}moderated_at IS NULL"
        f" OR {alias}rejection_reason <> '')"
    )


def _shown(reader_id):
    condition = Q(status=Status.APPROVED)
    if reader_id:
        condition |= own_unapproved(reader_id)
    return condition


def _thread_shown(reader_id):
    has_approved_reply = Exists(
        Comment.objects.filter(parent=OuterRef("pk"), status=Status.APPROVED)
    )
    return Q(parent__isnull=True) & (_shown(reader_id) | Q(has_approved_reply))


# The orders the list may be read in ("?sort=newest"); the first is the default. Both
# read comment_thread_idx, forwards or backwards.
ORDERS = {"oldest": ("created_at", "id"), "newest": ("-created_at", "-id")}
DEFAULT_ORDER = "oldest"


def visible_threads(*, article, reader_id, order=DEFAULT_ORDER):
    """The top-level comments this reader sees, as such or as a placeholder, in order."""
    return (
        Comment.objects.filter(article=article)
        .filter(_thread_shown(reader_id))
        .order_by(*ORDERS[order])
    )


def threads_before(*, article_id, reader_id, before):
    """How many top-level comments this reader sees before `before` ((created_at, id)
    of a thread), or in all (None): one query."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {visible_threads_sql(before=before is not None)}",
            thread_count_params(article_id=article_id, reader_id=reader_id, before=before),
        )
        return cursor.fetchone()[0]


def page_after(threads):
    """The page of the list that holds the thread after `threads` others."""
    return threads // settings.COMMENTS_PAGE_SIZE + 1


def thread_page(*, comment, reader_id):
    """The page of the list on which this comment's thread is, for this reader."""
    root = comment.parent or comment
    return page_after(
        threads_before(
            article_id=root.article_id,
            reader_id=reader_id,
            before=(root.created_at, root.pk),
        )
    )


def _totals(*, article_id, reader_id):
    """The article's approved comments, the threads this reader sees, and the editors'
    picks (comment_featured_idx): one query."""
    table = connection.ops.quote_name(Comment._meta.db_table)
    approved = f"status = '{Status.APPROVED}'"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT (SELECT COUNT(*) FROM {table}
                        WHERE article_id = %(article)s AND {approved}),
                       {visible_threads_sql(before=False)},
                       (SELECT COUNT(*) FROM {table} WHERE article_id = %(article)s
                        AND featured_at IS NOT NULL AND {approved})""",  # noqa: S608
            thread_count_params(article_id=article_id, reader_id=reader_id),
        )
        approved, threads, featured = cursor.fetchone()
    return {"approved": approved, "threads": threads, "featured": featured}


def thread_count_params(*, article_id, reader_id, before=None):
    """The parameters of visible_threads_sql(); `before`: (created_at, id) or None."""
    params = {"article": article_id, "reader": reader_id or ""}
    if before is not None:
        field = Comment._meta.get_field("created_at")
        params["at"] = field.get_db_prep_value(before[0], connection)
        params["id"] = before[1]
    return params


@cache
def visible_threads_sql(*, before):
    """An SQL expression: how many top-level comments a reader sees (as such or as a
    placeholder), all of them or those before a point. Three counts that partial indexes answer
    without reading the comments themselves: approved threads
    (comment_approved_thread_idx), the reader's own not approved (comment_reader_idx),
    and the removed ones that approved replies keep as placeholders
    (comment_kept_thread_idx, merged with the threads not approved:
    comment_held_thread_idx). In SQL: the ORM took longer to build it than the database
    to run it. Statuses are written in it, so that the partial indexes apply to a
    prepared statement's generic plan. Parameters: thread_count_params()."""
    table = connection.ops.quote_name(Comment._meta.db_table)
    approved = f"'{Status.APPROVED}'"

    def threads(alias=""):
        where = f"{alias}article_id = %(article)s AND {alias}parent_id IS NULL"
        if before:
            where += (
                f" AND ({alias}created_at < %(at)s"
                f" OR ({alias}created_at = %(at)s AND {alias}id < %(id)s))"
            )
        return where

    own = own_unapproved_sql

    # The third count reads the article's approved replies and its threads not approved,
    # each from an index of its own, never all of its threads: a prepared statement's
    # generic plan must not read a busy article's hundred thousand threads.
    return f"""(
        (SELECT COUNT(*) FROM {table} WHERE {threads()} AND status = {approved})
        + (SELECT COUNT(*) FROM {table} WHERE {threads()} AND {own()})
        + (SELECT COUNT(DISTINCT reply.parent_id)
           FROM {table} reply JOIN {table} thread ON thread.id = reply.parent_id
           WHERE reply.article_id = %(article)s AND reply.status = {approved}
           AND reply.parent_id IS NOT NULL
           AND {threads("thread.")} AND thread.status <> {approved} AND NOT ({own("thread.")}))
    )"""  # noqa: S608 (the model's table and statuses; values are parameters)


class _Threads:
    """What the paginator pages through: counted once beforehand, sliced in one query."""

    def __init__(self, *, article, reader_id, count, order):
        self.article = article
        self.reader_id = reader_id
        self._count = count
        self.order = order

    def count(self):
        return self._count

    def __len__(self):
        return self._count

    def __getitem__(self, window):
        if not self._count:
            return []
        return list(
            visible_threads(article=self.article, reader_id=self.reader_id, order=self.order).only(
                *LIST_FIELDS
            )[window]
        )


def _replies_to(threads, *, reader_id):
    """{thread id: [its replies this reader sees, oldest first]}: one query."""
    replies = {thread.pk: [] for thread in threads}
    if replies:
        for reply in (
            Comment.objects.filter(_shown(reader_id), parent_id__in=list(replies))
            .order_by("created_at", "id")
            .only(*LIST_FIELDS)
        ):
            replies[reply.parent_id].append(reply)
    return replies


@dataclass(frozen=True)
class ShownComment:
    """A comment as the list shows it to one reader: what the templates read."""

    comment: Comment
    is_own_unapproved: bool
    placeholder: str  # in place of a top-level comment nobody may see ("" when shown)
    reported_by_reader: bool
    can_reply: bool
    can_report: bool
    replies: tuple = ()
    in_picks: bool = False  # shown among the editors' picks, above the threads

    @property
    def is_featured(self):
        return self.comment.featured_at is not None and self.comment.status == Status.APPROVED

    @property
    def rejection(self):
        """Why a moderator rejected the reader's own comment ("" otherwise)."""
        if not self.is_own_unapproved or self.comment.status != Status.REJECTED:
            return ""
        return self.comment.get_rejection_reason_display()

    @property
    def rejection_note(self):
        return self.comment.rejection_note if self.rejection else ""

    @property
    def pk(self):
        return self.comment.pk

    @property
    def name(self):
        return self.comment.name

    @property
    def body(self):
        return self.comment.body

    @property
    def created_at(self):
        return self.comment.created_at


@dataclass
class CommentList:
    approved_count: int
    page: Page
    reader_id: str | None
    threads: list = field(default_factory=list)
    order: str = DEFAULT_ORDER
    featured: list = field(default_factory=list)  # the editors' picks shown first

    # The query strings of the list's links, written as the article page's canonical
    # query (page, reply_to, sort): a link never costs a redirect.

    def _query(self, *, page, reply_to=None, order=None):
        order = self.order if order is None else order
        parts = [f"page={page}"] if page > 1 else []
        if reply_to is not None:
            parts.append(f"reply_to={reply_to}")
        if order != DEFAULT_ORDER:
            parts.append(f"sort={order}")
        return f"?{'&'.join(parts)}" if parts else ""

    @property
    def current_query(self):
        return self._query(page=self.page.number)

    @property
    def previous_query(self):
        return self._query(page=self.page.previous_page_number())

    @property
    def next_query(self):
        return self._query(page=self.page.next_page_number())

    @property
    def orders(self):
        """(order, its label, its query, whether it is this list's), for the sort links."""
        labels = {"oldest": "Oldest first", "newest": "Newest first"}
        return [
            (order, labels[order], self._query(page=1, order=order), order == self.order)
            for order in ORDERS
        ]

    def reply_query(self, pk):
        return self._query(page=self.page.number, reply_to=pk)

    @property
    def count_label(self):
        n = self.approved_count
        return f"{n:,} comment{'' if n == 1 else 's'}"

    @property
    def report_reasons(self):
        return Report.Reason.choices

    def find(self, pk):
        """A comment shown on this page, top-level or reply, or None."""
        for thread in self.threads:
            if thread.pk == pk:
                return thread
            for reply in thread.replies:
                if reply.pk == pk:
                    return reply
        return None


def _as_shown(comment, *, reader_id, reported, root=None, replies=()):
    own = is_own_unapproved(comment, reader_id)
    placeholder = ""
    if comment.status != Status.APPROVED and not own:
        placeholder = UNDER_REVIEW if comment.status == Status.PENDING else REMOVED
    thread_open = (root or comment).status == Status.APPROVED
    return ShownComment(
        comment=comment,
        is_own_unapproved=own,
        placeholder=placeholder,
        reported_by_reader=comment.pk in reported,
        can_reply=comment.status == Status.APPROVED and thread_open,
        can_report=comment.status == Status.APPROVED,
        replies=replies,
    )


def comment_list(*, article, reader_id, page_number=None, order=DEFAULT_ORDER):
    """One page of the comment list for this reader, ready for the template."""
    totals = _totals(article_id=getattr(article, "pk", article), reader_id=reader_id)
    paginator = Paginator(
        _Threads(article=article, reader_id=reader_id, count=totals["threads"], order=order),
        settings.COMMENTS_PAGE_SIZE,
    )
    page = paginator.get_page(page_number)
    threads = list(page.object_list)
    replies = _replies_to(threads, reader_id=reader_id)
    picks = []
    if totals["featured"] and page.number == 1:
        picks = list(
            Comment.objects.featured().filter(article=article).only(*LIST_FIELDS)[:FEATURED_SHOWN]
        )
    reported = set()
    if reader_id and (threads or picks):
        shown_ids = [
            *replies,
            *(reply.pk for shown in replies.values() for reply in shown),
            *(pick.pk for pick in picks),
        ]
        reported = set(
            Report.objects.filter(reader_id=reader_id, comment_id__in=shown_ids).values_list(
                "comment_id", flat=True
            )
        )
    shown = [
        _as_shown(
            thread,
            reader_id=reader_id,
            reported=reported,
            replies=tuple(
                _as_shown(reply, reader_id=reader_id, reported=reported, root=thread)
                for reply in replies[thread.pk]
            ),
        )
        for thread in threads
    ]
    featured = [
        replace(
            _as_shown(pick, reader_id=reader_id, reported=reported, root=pick),
            can_reply=False,
            in_picks=True,
        )
        for pick in picks
    ]
    return CommentList(
        approved_count=totals["approved"],
        page=page,
        reader_id=reader_id,
        threads=shown,
        order=order,
        featured=featured,
    )
