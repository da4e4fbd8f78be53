"""Writes on comments that views and admin actions share."""

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from comments import moderation, sql, surges, threads
from comments.models import Comment, ReaderBan, Report
from newsroom import ratelimit

logger = logging.getLogger(__name__)

DUPLICATE_WINDOW = timedelta(hours=24)
CLOSED_MESSAGE = "Comments are closed for this article."
BANNED_MESSAGE = (
    "You can no longer comment on this site: a moderator has blocked comments from you, "
    "until a moderator lifts the block."
)
DUPLICATE_MESSAGE = "You have already posted this comment on this article: it is not posted twice."
RATE_LIMITED_MESSAGE = (
    "You are commenting too fast: at most {count} comments in {window}. Please try again {wait}."
)
NETWORK_RATE_LIMITED_MESSAGE = (
    "Too many comments came from your network just now: at most {count} in {window}. "
    "Please try again {wait}."
)
HELD_BUSY_NETWORK_MESSAGE = (
    "Thanks — your comment is awaiting moderation: many comments came from your network "
    "just now, so a moderator checks them before they appear."
)
HELD_BANNED_NETWORK_MESSAGE = (
    "Thanks — your comment is awaiting moderation: comments from your network are checked "
    "by a moderator before they appear."
)


class CommentRefused(Exception):
    """A submission turned away before anything is stored: a message and an HTTP status."""

    def __init__(self, message, *, status, retry_after=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.retry_after = retry_after


class Ban:
    """What an active ban matches: the reader themselves, or only their address (another
    reader on the same network, whose comments are held rather than refused)."""

    READER = "reader"
    ADDRESS = "address"


def ban_on(*, reader_id, address_hash):
    """Ban.READER, Ban.ADDRESS or None, for the active bans on this reader id or this
    address hash: one query."""
    banned_readers = set(
        ReaderBan.objects.matching(reader_id=reader_id, address_hash=address_hash).values_list(
            "reader_id", flat=True
        )
    )
    if not banned_readers:
        return None
    return Ban.READER if reader_id and reader_id in banned_readers else Ban.ADDRESS


def ensure_can_comment(*, article, reader_id, address_hash):
    """Raise CommentRefused (403) when the article is closed or the reader is banned."""
    if article.comments_closed:
        raise CommentRefused(CLOSED_MESSAGE, status=403)
    if ban_on(reader_id=reader_id, address_hash=address_hash) == Ban.READER:
        raise CommentRefused(BANNED_MESSAGE, status=403)


@dataclass(frozen=True)
class PostedComment:
    comment: Comment
    page: int  # of the comment list, where its thread is for its author
    held_message: str = ""  # why the address alone holds it, for its author


def submit_comment(
    *,
    article,
    reader_id,
    address_hash,
    name,
    body,
    email="",
    parent=None,
    honeypot="",
    address_hashes=None,
):
    """Store a reader's comment, then let the moderation rules decide its status.

    Refusals raise CommentRefused and store nothing: a closed article or a banned reader
    (403), the same comment twice (400), too many comments from the reader, or far too
    many from their network (429, with how long to wait); a refused comment is not
    counted against the rate limits. An address alone rarely refuses, because offices
    and carriers share them: a comment from a busy network (past COMMENTS_RATE_LIMITS) or
    from a banned commenter's address by another reader is stored and held for a
    moderator. An accepted comment is committed as pending first, so that nothing the
    rules do can lose it; the rules then set its status and reason (comments.moderation).
    What comes back is the comment, the page of the list its thread is on for its author,
    and the message to show them when their network held it.

    `address_hashes`: every level the address counts at (newsroom.clients.address_hashes);
    by default the address alone.
    """
    if article.comments_closed:
        raise CommentRefused(CLOSED_MESSAGE, status=403)
    networks = address_hashes or [address_hash]
    limits = settings.COMMENTS_RATE_LIMITS
    factor = settings.COMMENTS_ADDRESS_HOLD_FACTOR
    with ratelimit.counted_unless_refused(
        [
            ("comments", f"reader:{reader_id}" if reader_id else "", limits),
            *ratelimit.network_checks(
                "comments:network",
                networks,
                [(count * factor, seconds) for count, seconds in limits],
            ),
        ]
    ) as exceeded:
        if exceeded:
            refused = NETWORK_RATE_LIMITED_MESSAGE
            if exceeded.scope == "comments":
                refused = RATE_LIMITED_MESSAGE
            raise CommentRefused(
                refused.format(count=exceeded.count, window=exceeded.window, wait=exceeded.wait),
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
        ban, duplicate, threads_before, comment = _store_unless_refused(submitted)
        if ban == Ban.READER:
            raise CommentRefused(BANNED_MESSAGE, status=403)
        if duplicate:
            raise CommentRefused(DUPLICATE_MESSAGE, status=400)
    held, held_message = _held_by_network(ban=ban, networks=networks)
    _moderate(comment, honeypot=honeypot, held=held)
    surges.note(article=article, kind=surges.COMMENT)
    return PostedComment(
        comment=comment,
        page=threads.page_after(threads_before),
        held_message=held_message if comment.status == Comment.Status.PENDING else "",
    )


def _held_by_network(*, ban, networks):
    """(the reason a moderator reads, the message the reader reads) when the comment's
    address alone holds it: a banned commenter's, or one busy past COMMENTS_RATE_LIMITS
    (counted here, for the comments it stores); ("", "") otherwise."""
    if ban == Ban.ADDRESS:
        return "posted from the address of a banned commenter", HELD_BANNED_NETWORK_MESSAGE
    busy = ratelimit.hit_each(
        ratelimit.network_checks("comments:shown", networks, settings.COMMENTS_RATE_LIMITS)
    )
    if busy:
        reason = f"more than {busy.count} comments from this network in {busy.window}"
        return reason, HELD_BUSY_NETWORK_MESSAGE
    return "", ""


def _moderate(comment, *, honeypot, held):
    """Let the rules set the stored comment's status and reason."""
    try:
        verdict = moderation.moderate(
            moderation.Submission(comment=comment, honeypot=honeypot, held=held)
        )
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


def _store_unless_refused(comment):
    """Check the new comment (its author or address banned? the same comment already
    posted?) and insert it, committed, unless refused: (ban_on()'s answer, duplicate,
    threads before its own for this reader or None when refused, the stored comment or
    None). A ban on the address alone does not refuse.

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
        ban = ban_on(reader_id=comment.reader_id, address_hash=comment.address_hash)
        if ban == Ban.READER:
            return ban, False, None, None
        if _duplicates_of(comment, since=since).exists():
            return ban, True, None, None
        # The thread the comment joins; a new thread comes after all others.
        threads_before = threads.threads_before(
            article_id=comment.article.pk,
            reader_id=comment.reader_id,
            before=(parent.created_at, parent.pk) if parent else None,
        )
        comment.save(force_insert=True)
    return ban, False, threads_before, comment


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


def report_comment(*, comment, reader_id, address_hash, reason, network_hash=None):
    """A reader reports a comment: once per reader. When the reports since the last
    moderator decision come from COMMENTS_REPORT_THRESHOLD people (reporting_people()),
    an approved comment goes back to pending, as "reported".

    `network_hash`: the widest network the address counts in (the last of
    newsroom.clients.address_hashes); by default the address.
    """
    result = _report(
        comment=comment,
        reader_id=reader_id,
        address_hash=address_hash,
        network_hash=network_hash,
        reason=reason,
    )
    if result.created:
        surges.note(article=comment.article, kind=surges.REPORT)
    return result


def _report(*, comment, reader_id, address_hash, network_hash, reason):
    weight = (
        Report.ESTABLISHED_READER_WEIGHT
        if is_established_reader(reader_id)
        else Report.NEW_READER_WEIGHT
    )
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
                    network_hash=network_hash or address_hash or "",
                    weight=weight,
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
        reported = reporting_people(open_reports)
        if not reported.reaches(settings.COMMENTS_REPORT_THRESHOLD):
            comment.save(update_fields=["report_count"])
            return ReportResult(created=True, hidden=False)
        reason_text = f"reports: {reported}"
        if comment.moderation_reason:
            reason_text = f"{reason_text}; {comment.moderation_reason}"
        comment.status = Comment.Status.PENDING
        comment.reported_at = timezone.now()
        comment.moderation_reason = reason_text[: moderation.REASON_MAX_LENGTH]
        comment.save(update_fields=["status", "reported_at", "moderation_reason", "report_count"])
        return ReportResult(created=True, hidden=True)


def is_established_reader(reader_id):
    """A signed-in user, or a reader with a comment approved and at least
    COMMENTS_ESTABLISHED_AFTER old: someone a moderator has let speak, not a fresh cookie.
    One query on comment_reader_approved_idx."""
    if not reader_id:
        return False
    if reader_id.startswith("user-"):
        return True
    before = timezone.now() - timedelta(seconds=settings.COMMENTS_ESTABLISHED_AFTER)
    return Comment.objects.approved().filter(reader_id=reader_id, created_at__lte=before).exists()


@dataclass(frozen=True)
class ReportingPeople:
    people: float  # readers on one network count as one person; a new reader as half of one
    networks: int
    readers: int
    reasons: Counter

    def reaches(self, threshold):
        """Enough people, and never one network alone, whatever the threshold."""
        return self.networks >= 2 and self.people >= threshold

    def __str__(self):
        summary = ", ".join(
            f"{Report.Reason(key).label.lower()} ×{n}" for key, n in self.reasons.most_common()
        )
        return (
            f"{self.people:g} people reported it ({self.readers} readers on "
            f"{self.networks} networks; {summary})"
        )


def reporting_people(reports):
    """Who is behind these reports: each network counts once, at the weight of its most
    established reader (Report.weight)."""
    weights = {}
    reasons = Counter()
    readers = 0
    for network, weight, reason in reports.values_list("network_hash", "weight", "reason"):
        weights[network] = max(weight, weights.get(network, 0))
        reasons[reason] += 1
        readers += 1
    people = sum(weights.values()) / Report.ESTABLISHED_READER_WEIGHT
    return ReportingPeople(people=people, networks=len(weights), readers=readers, reasons=reasons)


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
