"""Writes on comments that views and admin actions share."""

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from articles import pagecache
from articles.models import Article
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
        raise CommentRefused(banned_message(reader_id), status=403)


def ban_end(reader_id):
    """When the bans on this reader id end: the latest end, or None while one of them
    lasts until lifted (or none is active)."""
    ends = list(
        ReaderBan.objects.active().filter(reader_id=reader_id).values_list("ends_at", flat=True)
    )
    if not ends or None in ends:
        return None
    return max(ends)


def until(ends_at):
    """ "until 14 December 2026, 10:00 UTC", or, without an end, until lifted."""
    if ends_at is None:
        return "until a moderator lifts the block"
    return f"until {date_format(timezone.localtime(ends_at), 'j F Y, H:i T')}"


def banned_message(reader_id, message=BANNED_MESSAGE):
    """What a banned reader is told: the message, ending with when the ban ends."""
    ends_at = ban_end(reader_id) if reader_id else None
    if ends_at is None:
        return message
    return message.replace(", until a moderator lifts the block.", f" {until(ends_at)}.")


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
            # What the rules record when none speaks on a pre-moderated article: stored
            # with it, the comment needs no second write then.
            moderation_reason=moderation.PRE_MODERATED
            if article.comments_mode == Article.CommentsMode.PRE_MODERATED
            else "",
            reader_id=reader_id or "",
            address_hash=address_hash or "",
        )
        ban, duplicate, threads_before, comment = _store_unless_refused(submitted)
        if ban == Ban.READER:
            raise CommentRefused(banned_message(reader_id), status=403)
        if duplicate:
            raise CommentRefused(DUPLICATE_MESSAGE, status=400)
    held, held_message = _held_by_network(article=article, ban=ban, networks=networks)
    _moderate(comment, honeypot=honeypot, held=held)
    surges.note(article=article, kind=surges.COMMENT)
    return PostedComment(
        comment=comment,
        page=threads.page_after(threads_before),
        held_message=held_message if comment.status == Comment.Status.PENDING else "",
    )


def _held_by_network(*, article, ban, networks):
    """(the reason a moderator reads, the message the reader reads) when the comment's
    address alone holds it: a banned commenter's, or one busy past COMMENTS_RATE_LIMITS
    (counted here, for the comments it stores); ("", "") otherwise."""
    if ban == Ban.ADDRESS:
        return "posted from the address of a banned commenter", HELD_BANNED_NETWORK_MESSAGE
    if article.comments_mode != Article.CommentsMode.POST_MODERATED:
        return "", ""  # waits for a moderator anyway: no round trip to count it
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
        comment.featured_at = comment.featured_by = None  # picks are approved comments
        comment.save(
            update_fields=[
                "status",
                "reported_at",
                "moderation_reason",
                "report_count",
                "featured_at",
                "featured_by",
            ]
        )
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


def _set_status(*, comment, status, moderator, reason="", note=""):
    with transaction.atomic():
        comment.status = status
        comment.moderated_by = moderator
        comment.moderated_at = timezone.now()
        comment.reported_at = None
        comment.rejection_reason, comment.rejection_note = reason, note
        if status != Comment.Status.APPROVED:
            comment.featured_at = comment.featured_by = None
        comment.save(
            update_fields=[
                "status",
                "moderated_by",
                "moderated_at",
                "reported_at",
                "rejection_reason",
                "rejection_note",
                "featured_at",
                "featured_by",
            ]
        )
    return comment


def approve(*, comment, moderator=None):
    """Publish a comment. Reports made before this decision no longer count."""
    return _set_status(comment=comment, status=Comment.Status.APPROVED, moderator=moderator)


def reject(*, comment, moderator=None, reason="", note=""):
    """Reject a comment. With a reason (Comment.RejectionReason; "other" needs a note),
    its author sees it marked with the reason and the note, on their own view alone;
    without one it disappears for them too."""
    if reason not in {"", *Comment.RejectionReason.values}:
        raise ValueError(f"Unknown rejection reason: {reason!r}.")
    note = " ".join(note.split())
    if note and not reason:
        raise ValueError("A note goes with a reason.")
    if reason == Comment.RejectionReason.OTHER and not note:
        raise ValueError("Say why in a note when the reason is “other”.")
    return _set_status(
        comment=comment,
        status=Comment.Status.REJECTED,
        moderator=moderator,
        reason=reason,
        note=note[: Comment._meta.get_field("rejection_note").max_length],
    )


def mark_spam(*, comment, moderator=None):
    return _set_status(comment=comment, status=Comment.Status.SPAM, moderator=moderator)


def feature(*, comment, editor=None):
    """Make an approved comment an editors' pick: first on its article's page, with a
    badge. False when it is not approved (or already picked)."""
    with transaction.atomic():
        picked = (
            Comment.objects.approved()
            .filter(pk=comment.pk, featured_at__isnull=True)
            .update(featured_at=timezone.now(), featured_by=editor)
        )
        if picked:
            comment.refresh_from_db(fields=["featured_at", "featured_by", "status"])
            pagecache.comments_changed(*pagecache.slugs_of([comment.article_id]))
    return bool(picked)


def unfeature(*, comment):
    """No longer an editors' pick. False when it was not one."""
    with transaction.atomic():
        dropped = Comment.objects.filter(pk=comment.pk, featured_at__isnull=False).update(
            featured_at=None, featured_by=None
        )
        if dropped:
            comment.featured_at = comment.featured_by = None
            pagecache.comments_changed(*pagecache.slugs_of([comment.article_id]))
    return bool(dropped)


# Bans ------------------------------------------------------------------------------------


@dataclass
class BanResult:
    """What banning the commenters of some comments did."""

    made: list = field(default_factory=list)  # the new bans
    already: int = 0  # commenters an active ban covered already
    impossible: int = 0  # comments kept with neither a reader id nor an address
    rejected: list = field(default_factory=list)  # their queued comments, now rejected


def already_banned(comment):
    """An active ban already covers this commenter's reader id and address."""
    bans = ReaderBan.objects.active()
    covered_reader = not comment.reader_id or bans.filter(reader_id=comment.reader_id).exists()
    covered_address = (
        not comment.address_hash or bans.filter(address_hash=comment.address_hash).exists()
    )
    return covered_reader and covered_address


def ban_commenter(
    *, comment, moderator=None, reason="", duration=ReaderBan.Duration.PERMANENT, now=None
):
    """Ban the reader id and the address hash behind a comment, for `duration`
    (ReaderBan.Duration). The reader id is refused; the address holds other readers'
    comments for a moderator (submit_comment)."""
    if not comment.reader_id and not comment.address_hash:
        raise ValueError("This comment has neither a reader id nor an address to ban.")
    now = now or timezone.now()
    length = ReaderBan.LENGTHS.get(duration)
    if length is None and duration != ReaderBan.Duration.PERMANENT:
        raise ValueError(f"Unknown ban duration: {duration!r}.")
    with transaction.atomic():
        return ReaderBan.objects.create(
            reader_id=comment.reader_id,
            address_hash=comment.address_hash,
            reason=reason,
            comment=comment,
            created_by=moderator,
            ends_at=now + length if length else None,
        )


def ban_commenters(
    *,
    comments,
    moderator=None,
    reason="",
    duration=ReaderBan.Duration.PERMANENT,
    reject_queued=False,
):
    """Ban each commenter of these comments once (the comment page's button, the queue's
    bulk action); with `reject_queued`, also reject the comments of theirs still pending
    (by reader id), without a reason."""
    result, seen = BanResult(), set()
    with transaction.atomic():
        for comment in comments:
            target = (comment.reader_id, comment.address_hash)
            if target in seen:
                continue
            seen.add(target)
            if not any(target):
                result.impossible += 1
            elif already_banned(comment):
                result.already += 1
            else:
                result.made.append(
                    ban_commenter(
                        comment=comment, moderator=moderator, reason=reason, duration=duration
                    )
                )
        if reject_queued:
            readers = {reader for reader, _ in seen if reader}
            result.rejected = reject_queued_comments(reader_ids=readers, moderator=moderator)
    return result


QUEUED_REJECTED_AT_ONCE = 1000


def reject_queued_comments(*, reader_ids, moderator=None):
    """Reject these readers' pending comments, without a reason, in one update: the
    comments rejected (at most QUEUED_REJECTED_AT_ONCE; rate limits keep a reader's queue
    far shorter). Their articles' pages are bumped: a thread's placeholder may change."""
    if not reader_ids:
        return []
    queued = list(
        Comment.objects.filter(reader_id__in=reader_ids, status=Comment.Status.PENDING)
        .select_related("article")
        .only("name", "body", "status", "article_id", "article__slug", "article__title")
        .order_by("created_at", "id")[:QUEUED_REJECTED_AT_ONCE]
    )
    if not queued:
        return []
    now = timezone.now()
    Comment.objects.filter(pk__in=[c.pk for c in queued], status=Comment.Status.PENDING).update(
        status=Comment.Status.REJECTED,
        moderated_by=moderator,
        moderated_at=now,
        reported_at=None,
    )
    for comment in queued:
        comment.status, comment.moderated_by, comment.moderated_at = (
            Comment.Status.REJECTED,
            moderator,
            now,
        )
    pagecache.comments_changed(*{comment.article.slug for comment in queued})
    return queued


def queued_count(comments):
    """How many comments the readers of these comments have waiting in the queue."""
    readers = {comment.reader_id for comment in comments if comment.reader_id}
    if not readers:
        return 0
    return Comment.objects.filter(reader_id__in=readers, status=Comment.Status.PENDING).count()


def lift_ban(*, ban, moderator=None):
    with transaction.atomic():
        ban.lifted_at = timezone.now()
        ban.lifted_by = moderator
        ban.save(update_fields=["lifted_at", "lifted_by"])
    return ban
