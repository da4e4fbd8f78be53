"""Writes on comments that views and admin actions share."""

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from comments import moderation, sql, threads
from comments.models import Comment, ReaderBan, Report
from newsroom import ratelimit

logger = logging.getLogger(__name__)

DUPLICATE_WINDOW = timedelta(hours=24)
CLOSED_MESSAGE = "Comments are closed for this article."
BANNED_MESSAGE = (
    "You can no longer comment on this site: a moderator has blocked comments from you."
)
DUPLICATE_MESSAGE = "You have already posted this comment on this article: it is not posted twice."
RATE_LIMITED_MESSAGE = (
    "You are commenting too fast: at most {count} comments in {window}. Please try again later."
)


class CommentRefused(Exception):
    """A submission turned away before anything is stored: a message and an HTTP status."""

    def __init__(self, message, *, status, retry_after=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.retry_after = retry_after


def is_banned(*, reader_id, address_hash):
    """An active ban on this reader id or on this address hash: one query."""
    return ReaderBan.objects.matching(reader_id=reader_id, address_hash=address_hash).exists()


def ensure_can_comment(*, article, reader_id, address_hash):
    """Raise CommentRefused (403) when the article is closed or the reader is banned."""
    if article.comments_closed:
        raise CommentRefused(CLOSED_MESSAGE, status=403)
    if is_banned(reader_id=reader_id, address_hash=address_hash):
        raise CommentRefused(BANNED_MESSAGE, status=403)


@dataclass(frozen=True)
class PostedComment:
    comment: Comment
    page: int  # of the comment list, where its thread is for its author


def submit_comment(
    *, article, reader_id, address_hash, name, body, email="", parent=None, honeypot=""
):
    """Store a reader's comment, then let the moderation rules decide its status.

    Refusals raise CommentRefused and store nothing: a closed article or a banned reader
    (403), the same comment twice (400), too many comments (429); a refused comment is
    not counted against the rate limits. An accepted comment is committed as pending
    first, so that nothing the rules do can lose it; the rules then set its status and
    reason (comments.moderation). What comes back is the comment and the page of the
    list its thread is on for its author.
    """
    if article.comments_closed:
        raise CommentRefused(CLOSED_MESSAGE, status=403)
    with ratelimit.counted_unless_refused(
        scope="comments",
        identities=[f"reader:{reader_id}" if reader_id else "", address_hash],
        limits=settings.COMMENTS_RATE_LIMITS,
    ) as exceeded:
        if exceeded:
            raise CommentRefused(
                RATE_LIMITED_MESSAGE.format(count=exceeded.count, window=exceeded.window),
                status=429,
                retry_after=exceeded.retry_after,
            )
        submitted = Comment(
            article=article,
            parent=parent,
            name=name,
            email=email,
            body=body,
            status=Comment.Status.PENDING,
            reader_id=reader_id or "",
            address_hash=address_hash or "",
        )
        banned, duplicate, threads_before, comment = _store_unless_refused(submitted)
        if banned:
            raise CommentRefused(BANNED_MESSAGE, status=403)
        if duplicate:
            raise CommentRefused(DUPLICATE_MESSAGE, status=400)
    try:
        verdict = moderation.moderate(moderation.Submission(comment=comment, honeypot=honeypot))
        if (verdict.status, verdict.reason) != (comment.status, comment.moderation_reason):
            comment.status = verdict.status
            comment.moderation_reason = verdict.reason
            if verdict.status == Comment.Status.APPROVED:
                comment.save(update_fields=["status", "moderation_reason"])  # on the page
            else:
                # Held or refused, it is still its author's alone: no page changes.
                Comment.objects.filter(pk=comment.pk).update(
                    status=verdict.status, moderation_reason=verdict.reason
                )
    except Exception:
        # Stored and pending: a moderator will see it; the reader is not shown an error.
        logger.exception("automatic moderation failed for comment %s", comment.pk)
        comment.status = Comment.Status.PENDING
    return PostedComment(comment=comment, page=threads.page_after(threads_before))


def _store_unless_refused(comment):
    """Check the new comment (its author banned? the same comment already posted?) and
    insert it, committed, unless refused: (banned, duplicate, threads before its own for
    this reader; None when refused, the stored comment or None).

    Submissions to one article from one address (or, without one, one reader) wait for
    each other until their transaction ends, so that the duplicate check cannot race;
    other readers' do not wait. PostgreSQL: in one round trip (comments/sql.py, where the
    measurement that keeps it is); SQLite runs one writing transaction at a time anyway
    (transaction_mode IMMEDIATE).
    """
    since = timezone.now() - DUPLICATE_WINDOW
    if connection.vendor == "postgresql":
        return sql.store_unless_refused(comment, since=since)
    parent = comment.parent
    with transaction.atomic():
        if is_banned(reader_id=comment.reader_id, address_hash=comment.address_hash):
            return True, False, None, None
        if _duplicates_of(comment, since=since).exists():
            return False, True, None, None
        # The thread the comment joins; a new thread comes after all others.
        threads_before = threads.threads_before(
            article_id=comment.article.pk,
            reader_id=comment.reader_id,
            before=(parent.created_at, parent.pk) if parent else None,
        )
        comment.save(force_insert=True)
    return False, False, threads_before, comment


def _duplicates_of(comment, *, since):
    """The same body on the same article within DUPLICATE_WINDOW, from this reader, or
    from this address under the same name (a first-time reader's double submission has no
    cookie)."""
    same = Q(pk__in=[])
    if comment.reader_id:
        same |= Q(reader_id=comment.reader_id)
    if comment.address_hash:
        same |= Q(address_hash=comment.address_hash, name=comment.name)
    return Comment.objects.filter(
        same,
        article_id=comment.article.pk,
        body=comment.body,
        created_at__gte=since,
    )


@dataclass(frozen=True)
class ReportResult:
    created: bool
    hidden: bool


def report_comment(*, comment, reader_id, address_hash, reason):
    """A reader reports a comment: once per reader. At COMMENTS_REPORT_THRESHOLD reports since
    the last moderator decision, an approved comment goes back to pending, as "reported"."""
    with transaction.atomic():
        comment = (
            Comment.objects.select_for_update(of=("self",))
            .select_related("article")
            .get(pk=comment.pk)
        )
        try:
            with transaction.atomic():
                Report.objects.create(
                    comment=comment,
                    reader_id=reader_id,
                    address_hash=address_hash or "",
                    reason=reason,
                )
        except IntegrityError:
            return ReportResult(created=False, hidden=comment.status != Comment.Status.APPROVED)
        # The row is locked: no other report can count in between.
        comment.report_count += 1
        if comment.status != Comment.Status.APPROVED:
            comment.save(update_fields=["report_count"])
            return ReportResult(created=True, hidden=True)
        open_reports = Report.objects.filter(comment=comment)
        if comment.moderated_at is not None:
            open_reports = open_reports.filter(created_at__gt=comment.moderated_at)
        reasons = Counter(open_reports.values_list("reason", flat=True))
        total = sum(reasons.values())
        if total < settings.COMMENTS_REPORT_THRESHOLD:
            comment.save(update_fields=["report_count"])
            return ReportResult(created=True, hidden=False)
        summary = ", ".join(
            f"{Report.Reason(key).label.lower()} ×{n}" for key, n in reasons.most_common()
        )
        reason_text = f"reports: {total} readers reported it ({summary})"
        if comment.moderation_reason:
            reason_text = f"{reason_text}; {comment.moderation_reason}"
        comment.status = Comment.Status.PENDING
        comment.reported_at = timezone.now()
        comment.moderation_reason = reason_text[: moderation.REASON_MAX_LENGTH]
        comment.save(update_fields=["status", "reported_at", "moderation_reason", "report_count"])
        return ReportResult(created=True, hidden=True)


def _set_status(*, comment, status, moderator):
    with transaction.atomic():
        comment.status = status
        comment.moderated_by = moderator
        comment.moderated_at = timezone.now()
        comment.reported_at = None
        comment.save(update_fields=["status", "moderated_by", "moderated_at", "reported_at"])
    return comment


def approve(*, comment, moderator=None):
    """Publish a comment. Reports made before this decision no longer count."""
    return _set_status(comment=comment, status=Comment.Status.APPROVED, moderator=moderator)


def reject(*, comment, moderator=None):
    return _set_status(comment=comment, status=Comment.Status.REJECTED, moderator=moderator)


def mark_spam(*, comment, moderator=None):
    return _set_status(comment=comment, status=Comment.Status.SPAM, moderator=moderator)


def ban_commenter(*, comment, moderator=None, reason=""):
    """Ban the reader id and the address hash behind a comment (the admin's action)."""
    if not comment.reader_id and not comment.address_hash:
        raise ValueError("This comment has neither a reader id nor an address to ban.")
    with transaction.atomic():
        return ReaderBan.objects.create(
            reader_id=comment.reader_id,
            address_hash=comment.address_hash,
            reason=reason,
            comment=comment,
            created_by=moderator,
        )


def lift_ban(*, ban, moderator=None):
    with transaction.atomic():
        ban.lifted_at = timezone.now()
        ban.lifted_by = moderator
        ban.save(update_fields=["lifted_at", "lifted_by"])
    return ban
