"""Writes on comments that views and admin actions share."""

import contextlib
import hashlib
import logging
import re
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models.signals import post_save, pre_save
from django.utils import timezone

from comments import moderation, threads
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
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_comment_sql('banned')}",
            {"reader": reader_id or "", "address": address_hash or ""},
        )
        return cursor.fetchone()[0]


def ensure_can_comment(*, article, reader_id, address_hash):
    """Raise CommentRefused (403) when the article is closed or the reader is banned."""
    if article.comments_closed:
        raise CommentRefused(CLOSED_MESSAGE, status=403)
    if is_banned(reader_id=reader_id, address_hash=address_hash):
        raise CommentRefused(BANNED_MESSAGE, status=403)


def submit_comment(
    *, article, reader_id, address_hash, name, body, email="", parent=None, honeypot=""
):
    """Store a reader's comment, then let the moderation rules decide its status.

    Refusals raise CommentRefused and store nothing: a closed article or a banned reader
    (403), the same comment twice (400), too many comments (429); a refused comment is
    not counted against the rate limits. An accepted comment is committed as pending
    first, so that nothing the rules do can lose it; the rules then set its status and
    reason (comments.moderation). The comment comes back with `threads_before`: how many
    threads the reader sees before its own (for its page).
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
        comment = Comment(
            article=article,
            parent=parent,
            name=name,
            email=email,
            body=body,
            status=Comment.Status.PENDING,
            reader_id=reader_id or "",
            address_hash=address_hash or "",
        )
        banned, duplicate, threads_before = _store_unless_refused(comment)
        if banned:
            raise CommentRefused(BANNED_MESSAGE, status=403)
        if duplicate:
            raise CommentRefused(DUPLICATE_MESSAGE, status=400)
    comment.threads_before = threads_before
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
    return comment


def _store_unless_refused(comment):
    """Check the new comment (its author banned? the same comment already posted?) and
    insert it, committed, unless refused: (banned, duplicate, threads before its own for
    this reader).

    Submissions to one article from one address (or, without one, one reader) wait for
    each other until their transaction ends, so that the duplicate check cannot race;
    other readers' do not wait. PostgreSQL: an advisory lock, then the checks and the
    insert in one statement that runs after the lock is granted (on what was committed
    before), all of it and the commit sent at once: one round trip. SQLite runs one
    writing transaction at a time anyway.
    """
    article, parent, reader_id = comment.article, comment.parent, comment.reader_id
    since = Comment._meta.get_field("created_at").get_db_prep_value(
        timezone.now() - DUPLICATE_WINDOW, connection
    )
    params = {
        "address": comment.address_hash,
        "body": comment.body,
        "name": comment.name,
        "since": since,
        **threads.thread_count_params(
            article_id=article.pk,
            reader_id=reader_id,
            # The thread the comment joins; a new thread comes after all others.
            before=(parent.created_at, parent.pk) if parent else None,
        ),
    }
    checks = (
        f"{_comment_sql('banned')} AS banned, {_comment_sql('duplicate')} AS duplicate, "
        f"{threads.visible_threads_sql(before=parent is not None)} AS threads_before"
    )
    if connection.vendor != "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SELECT {checks}", params)
            banned, duplicate, threads_before = cursor.fetchone()
            if not (banned or duplicate):
                comment.save(force_insert=True)
        return banned, duplicate, threads_before

    pre_save.send(sender=Comment, instance=comment, raw=False, using=connection.alias)
    for field in _inserted_fields():
        value = field.pre_save(comment, True)
        params[f"field_{field.attname}"] = field.get_db_prep_save(value, connection)
    who = f"{article.pk}:{comment.address_hash or reader_id}"
    digest = hashlib.blake2b(f"newsroom.comments:{who}".encode(), digest_size=8).digest()
    own_transaction = not connection.in_atomic_block
    with connection.cursor() as cursor, connection.cursor() as result:
        try:
            # Errors of psycopg's own pipeline reach us unwrapped: wrap them as Django does,
            # so that a lost connection is a DatabaseError (a 503) and is replaced.
            with connection.wrap_database_errors, connection.connection.pipeline():
                if own_transaction:
                    cursor.execute("BEGIN")
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(%s)",
                    [int.from_bytes(digest, "big", signed=True)],
                )
                # Planning the checks afresh for each comment (the comment table has many
                # partial indexes) cost several times more than running them; their
                # generic plan, made once per connection, uses the same indexes.
                cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
                result.execute(_store_sql(checks), params)
                if own_transaction:
                    cursor.execute("COMMIT")
        except BaseException:
            if own_transaction:
                _end_failed_transaction()
            raise
        banned, duplicate, threads_before, pk = result.fetchone()
    if pk is not None:
        comment.pk = pk
        comment._state.adding = False
        comment._state.db = connection.alias
        post_save.send(
            sender=Comment,
            instance=comment,
            created=True,
            update_fields=None,
            raw=False,
            using=connection.alias,
        )
    return banned, duplicate, threads_before


def _end_failed_transaction():
    """Roll back the transaction begun above, if a failure left it open (a connection
    that is lost is replaced anyway)."""
    import psycopg
    from psycopg.pq import TransactionStatus

    status = connection.connection.info.transaction_status
    if status in (TransactionStatus.INTRANS, TransactionStatus.INERROR):
        with contextlib.suppress(DatabaseError, psycopg.Error):
            connection.connection.execute("ROLLBACK")


@cache
def _inserted_fields():
    return [field for field in Comment._meta.concrete_fields if not field.primary_key]


@cache
def _store_sql(checks):
    """The checks, and the insert of the comment when they pass: one statement, as
    Model.save() would insert it (every column but the id, from `field_<attname>`)."""
    quote = connection.ops.quote_name
    fields = _inserted_fields()
    columns = ", ".join(quote(field.column) for field in fields)
    # Typed: a parameter in a SELECT list has no type of its own. Without the length
    # (varchar, not varchar(80)), so that a value too long fails instead of being cut.
    values = ", ".join(
        f"%(field_{field.attname})s::{re.sub(r'[(].*[)]', '', field.db_type(connection))}"
        for field in fields
    )
    table = quote(Comment._meta.db_table)
    pk = quote(Comment._meta.pk.column)
    return f"""
        WITH checks AS (SELECT {checks}),
        stored AS (
            INSERT INTO {table} ({columns})
            SELECT {values} FROM checks WHERE NOT checks.banned AND NOT checks.duplicate
            RETURNING {pk}
        )
        SELECT banned, duplicate, threads_before, (SELECT {pk} FROM stored) FROM checks
    """  # noqa: S608 (names from the model; values are parameters)


@cache
def _comment_sql(name):
    """Checks on a submission, in SQL (they run on every comment; the ORM took longer to
    build them than the database to run them). A ban: as ReaderBanQuerySet.matching. A
    duplicate: the same body on the same article within DUPLICATE_WINDOW, from this
    reader, or from this address under the same name (a first-time reader's double
    submission has no cookie)."""
    quote = connection.ops.quote_name
    if name == "banned":
        return f"""EXISTS (
            SELECT 1 FROM {quote(ReaderBan._meta.db_table)} WHERE lifted_at IS NULL
            AND ((reader_id = %(reader)s AND reader_id <> '')
                 OR (address_hash = %(address)s AND address_hash <> ''))
        )"""  # noqa: S608
    # Two EXISTS rather than one with an OR: each has an index (comment_reader_idx,
    # comment_address_idx) in a prepared statement's generic plan.
    table = quote(Comment._meta.db_table)
    recent = "article_id = %(article)s AND body = %(body)s AND created_at >= %(since)s"
    return f"""(EXISTS (
        SELECT 1 FROM {table}
        WHERE reader_id = %(reader)s AND %(reader)s <> '' AND {recent}
    ) OR EXISTS (
        SELECT 1 FROM {table}
        WHERE address_hash = %(address)s AND %(address)s <> '' AND name = %(name)s AND {recent}
    ))"""  # noqa: S608


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
