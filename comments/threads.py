"""The comment list as one reader sees it: a page of threads, oldest first.

A thread is a top-level comment with its replies (one level of nesting). A reader sees:
- approved comments;
- their own comments that are not approved yet, marked "Awaiting moderation" (also those
  the rules turned down at submission, so that a bot learns nothing; not those a
  moderator rejected);
- in place of a top-level comment nobody may see, a placeholder, when it has approved
  replies, so that its thread still reads.
The list costs a constant number of queries: the totals, the page of threads, their
replies, and (for a reader with a cookie) which of them the reader has reported.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce

from articles.models import Article
from comments.models import Comment, Flag

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
)
REMOVED = "This comment was removed."
UNDER_REVIEW = "This comment is being reviewed by a moderator."


def own_unapproved(reader_id):
    """The reader's own comments that are not approved and that no moderator turned down."""
    return (
        Q(reader_id=reader_id)
        & ~Q(status=Status.APPROVED)
        & (Q(status=Status.PENDING) | Q(moderated_at__isnull=True))
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


def visible_threads(*, article, reader_id):
    """The top-level comments this reader sees, as such or as a placeholder, in order."""
    return (
        Comment.objects.filter(article=article)
        .filter(_thread_shown(reader_id))
        .order_by("created_at", "id")
    )


def _count(queryset):
    """COUNT(*) of a queryset of one article's comments, as a subquery."""
    counted = queryset.order_by().values("article_id").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)


def _visible_thread_count(*, article_id, reader_id, before=None):
    """How many top-level comments this reader sees (as such or as a placeholder), all or
    those before a point, as three counts that indexes answer without reading the others'
    held comments: approved threads (comment_approved_thread_idx), the reader's own
    (comment_reader_idx), and removed ones that keep approved replies
    (comment_kept_thread_idx)."""
    threads = Comment.objects.filter(article_id=article_id, parent__isnull=True)
    if before is not None:
        threads = threads.filter(before)
    kept_by_replies = Comment.objects.filter(
        article_id=article_id, status=Status.APPROVED, parent__isnull=False
    ).values("parent_id")
    hidden = threads.exclude(status=Status.APPROVED)
    count = _count(threads.filter(status=Status.APPROVED))
    if reader_id:
        count += _count(hidden.filter(own_unapproved(reader_id)))
        hidden = hidden.exclude(own_unapproved(reader_id))
    return count + _count(hidden.filter(pk__in=kept_by_replies))


def thread_page(*, comment, reader_id):
    """The page of the list on which this comment's thread is, for this reader."""
    root = comment.parent or comment
    before = Q(created_at__lt=root.created_at) | Q(created_at=root.created_at, id__lt=root.id)
    count = (
        Article.objects.filter(pk=root.article_id)
        .values_list(
            _visible_thread_count(article_id=root.article_id, reader_id=reader_id, before=before),
            flat=True,
        )
        .get()
    )
    return count // settings.COMMENTS_PAGE_SIZE + 1


class _Threads:
    """What the paginator pages through: counted once beforehand, sliced in one query."""

    def __init__(self, *, article, reader_id, count):
        self.article = article
        self.reader_id = reader_id
        self._count = count

    def count(self):
        return self._count

    def __len__(self):
        return self._count

    def __getitem__(self, window):
        if not self._count:
            return []
        replies = (
            Comment.objects.filter(_shown(self.reader_id))
            .order_by("created_at", "id")
            .only(*LIST_FIELDS)
        )
        return list(
            visible_threads(article=self.article, reader_id=self.reader_id)
            .only(*LIST_FIELDS)
            .prefetch_related(Prefetch("replies", queryset=replies, to_attr="shown_replies"))[
                window
            ]
        )


@dataclass
class CommentList:
    approved_count: int
    page: Page
    reader_id: str | None
    threads: list = field(default_factory=list)

    @property
    def count_label(self):
        n = self.approved_count
        return f"{n:,} comment{'' if n == 1 else 's'}"

    @property
    def flag_reasons(self):
        return Flag.Reason.choices

    def find(self, pk):
        """A comment shown on this page, top-level or reply, or None."""
        for thread in self.threads:
            if thread.pk == pk:
                return thread
            for reply in thread.shown_replies:
                if reply.pk == pk:
                    return reply
        return None


def _decorate(comment, *, reader_id, reported, root=None):
    comment.is_own_unapproved = (
        bool(reader_id)
        and comment.reader_id == reader_id
        and comment.status != Status.APPROVED
        and (comment.status == Status.PENDING or comment.moderated_at is None)
    )
    comment.is_shown = comment.status == Status.APPROVED or comment.is_own_unapproved
    comment.placeholder = ""
    if not comment.is_shown:
        comment.placeholder = UNDER_REVIEW if comment.status == Status.PENDING else REMOVED
    comment.reported_by_reader = comment.pk in reported
    thread_open = (root or comment).status == Status.APPROVED
    comment.can_reply = comment.status == Status.APPROVED and thread_open
    comment.can_report = comment.status == Status.APPROVED


def comment_list(*, article, reader_id, page_number=None):
    """One page of the comment list for this reader, ready for the template."""
    article_id = getattr(article, "pk", article)
    totals = (
        Article.objects.filter(pk=article_id)
        .values(
            approved=_count(Comment.objects.filter(article_id=article_id, status=Status.APPROVED)),
            threads=_visible_thread_count(article_id=article_id, reader_id=reader_id),
        )
        .get()
    )
    paginator = Paginator(
        _Threads(article=article, reader_id=reader_id, count=totals["threads"]),
        settings.COMMENTS_PAGE_SIZE,
    )
    page = paginator.get_page(page_number)
    threads = list(page.object_list)
    reported = set()
    if reader_id and threads:
        shown_ids = [c.pk for thread in threads for c in [thread, *thread.shown_replies]]
        reported = set(
            Flag.objects.filter(reader_id=reader_id, comment_id__in=shown_ids).values_list(
                "comment_id", flat=True
            )
        )
    for thread in threads:
        _decorate(thread, reader_id=reader_id, reported=reported)
        for reply in thread.shown_replies:
            _decorate(reply, reader_id=reader_id, reported=reported, root=thread)
    return CommentList(
        approved_count=totals["approved"], page=page, reader_id=reader_id, threads=threads
    )
