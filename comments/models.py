from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from articles.models import Article
from comments.text import without_bidi_controls
from reactions.models import reaction_total


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)

    def reported(self):
        """Comments that readers' reports sent back to the queue, awaiting a moderator."""
        return self.filter(reported_at__isnull=False)

    def featured(self):
        """Editors' picks readers may see, in the order they were picked."""
        return self.approved().filter(featured_at__isnull=False).order_by("featured_at", "id")


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        SPAM = "spam", "Spam"

    class RejectionReason(models.TextChoices):
        """Why a moderator rejected a comment: shown to its author on their own view."""

        OFF_TOPIC = "off-topic", "Off-topic"
        ABUSE = "abuse", "Abusive or hateful"
        SPAM = "spam", "Spam or advertising"
        PERSONAL = "personal", "Personal information"
        OTHER = "other", "Other"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    name = models.CharField(max_length=80)
    email = models.EmailField(blank=True)
    body = models.TextField(max_length=3000)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    reader_id = models.CharField(max_length=64, blank=True)
    address_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderation_reason = models.CharField(max_length=300, blank=True)
    report_count = models.PositiveIntegerField(
        "reports", default=0, editable=False, help_text="Readers' reports, all time."
    )
    reported_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When reports sent it back to the queue; cleared by a moderator.",
    )
    # Defaults in the database too: the bulk loaders (generate_data, bench_queue) insert
    # rows by their own column lists.
    rejection_reason = models.CharField(
        max_length=10,
        choices=RejectionReason,
        blank=True,
        default="",
        db_default="",
        editable=False,
    )
    rejection_note = models.CharField(
        max_length=300,
        blank=True,
        default="",
        db_default="",
        editable=False,
        help_text="Shown to the commenter.",
    )
    featured_at = models.DateTimeField(null=True, blank=True, editable=False)
    featured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        permissions = [
            ("moderate_comment", "Can moderate comments: approve, reject, mark spam, ban"),
            ("feature_comment", "Can feature comments as editors' picks"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "rejected", "spam"]),
                name="comment_status_valid",
            ),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="comment_not_its_own_parent"),
            models.CheckConstraint(condition=~Q(name=""), name="comment_name_not_empty"),
            models.CheckConstraint(condition=~Q(body=""), name="comment_body_not_empty"),
            models.CheckConstraint(
                condition=Q(report_count__gte=0), name="comment_report_count_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(
                    rejection_reason__in=["", "off-topic", "abuse", "spam", "personal", "other"]
                ),
                name="comment_rejection_reason_valid",
            ),
            models.CheckConstraint(
                condition=Q(rejection_reason="") | Q(status="rejected"),
                name="comment_rejection_reason_only_when_rejected",
            ),
            models.CheckConstraint(
                condition=Q(rejection_note="") | ~Q(rejection_reason=""),
                name="comment_rejection_note_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(rejection_reason="other") | ~Q(rejection_note=""),
                name="comment_other_rejection_has_note",
            ),
            models.CheckConstraint(
                condition=Q(featured_at__isnull=True) | Q(status="approved"),
                name="comment_featured_only_when_approved",
            ),
        ]
        indexes = [
            models.Index(
                fields=["article", "created_at"],
                name="comment_approved_idx",
                condition=Q(status="approved"),
            ),
            # The moderation queue's default page: pending, oldest first, in its order.
            models.Index(
                fields=["created_at", "id"],
                name="comment_pending_queue_idx",
                condition=Q(status="pending"),
            ),
            # Every other view of the queue (all, approved, rejected, spam): newest first.
            models.Index(fields=["created_at", "id"], name="comment_created_idx"),
            # The queue filtered by article, and the article list's pending counts.
            models.Index(
                fields=["article", "created_at"],
                name="comment_pending_article_idx",
                condition=Q(status="pending"),
            ),
            models.Index(fields=["article", "reader_id"], name="comment_reader_idx"),
            # The comment list: an article's threads in order, and the approved replies.
            models.Index(
                fields=["article", "created_at", "id"],
                name="comment_thread_idx",
                condition=Q(parent__isnull=True),
            ),
            models.Index(
                fields=["parent", "created_at", "id"],
                name="comment_approved_reply_idx",
                condition=Q(status="approved", parent__isnull=False),
            ),
            # Counting the threads a reader sees (comments.threads): approved threads, and
            # the threads that approved replies keep on the page.
            models.Index(
                fields=["article", "created_at", "id"],
                name="comment_approved_thread_idx",
                condition=Q(status="approved", parent__isnull=True),
            ),
            models.Index(
                fields=["article", "parent"],
                name="comment_kept_thread_idx",
                condition=Q(status="approved", parent__isnull=False),
            ),
            # ... and the threads not approved that such replies may keep: on a busy
            # article, a few thousand among a hundred thousand threads.
            models.Index(
                fields=["article", "created_at", "id"],
                name="comment_held_thread_idx",
                condition=Q(parent__isnull=True) & ~Q(status="approved"),
            ),
            # Rules and refusals: a reader's approved comments anywhere, duplicates and
            # bans by address when there is no reader cookie.
            models.Index(
                fields=["reader_id"],
                name="comment_reader_approved_idx",
                condition=Q(status="approved"),
            ),
            models.Index(fields=["article", "address_hash"], name="comment_address_idx"),
            # The moderators' "reported" filter.
            models.Index(
                fields=["reported_at"],
                name="comment_reported_idx",
                condition=Q(reported_at__isnull=False),
            ),
            # The queue's views (comments.queue): reported, the most reported first; held
            # by a rule, oldest first.
            models.Index(
                fields=["-report_count", "reported_at", "id"],
                name="comment_most_reported_idx",
                condition=Q(reported_at__isnull=False),
            ),
            models.Index(
                fields=["created_at", "id"],
                name="comment_held_by_rule_idx",
                condition=Q(status="pending", reported_at__isnull=True)
                & ~Q(moderation_reason__in=["", "pre-moderated article"]),
            ),
            # A commenter's history (comments.readers): their comments by status, newest
            # first, by reader id and, as a second signal, by address; and the trusted
            # commenters' counts (comments.moderation).
            models.Index(
                fields=["reader_id", "status", "created_at"],
                name="comment_reader_history_idx",
                condition=~Q(reader_id=""),
            ),
            models.Index(
                fields=["address_hash", "status", "created_at"],
                name="comment_address_history_idx",
                condition=~Q(address_hash=""),
            ),
            # An article's editors' picks, first on its page.
            models.Index(
                fields=["article", "featured_at"],
                name="comment_featured_idx",
                condition=Q(featured_at__isnull=False, status="approved"),
            ),
        ]

    def __str__(self):
        return without_bidi_controls(f"{self.name} on {self.article}: {self.body[:40]}")

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#comment-{self.pk}"


class Report(models.Model):
    """One reader's report of one comment.

    Reports count people, not cookies: readers on one network count as one person, and a
    reader new to the site (no approved comment older than COMMENTS_ESTABLISHED_AFTER)
    as half of one (comments.services.report_comment).
    """

    NEW_READER_WEIGHT = 1
    ESTABLISHED_READER_WEIGHT = 2

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam"
        ABUSE = "abuse", "Abusive or hateful"
        OFF_TOPIC = "off-topic", "Off-topic"
        OTHER = "other", "Something else"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reader_id = models.CharField(max_length=64)
    address_hash = models.CharField(max_length=64, blank=True)
    network_hash = models.CharField(
        max_length=64,
        blank=True,
        help_text="The address's widest network, hashed: IPv4 itself, IPv6 its /48.",
    )
    weight = models.PositiveSmallIntegerField(
        default=ESTABLISHED_READER_WEIGHT,
        help_text="2 from an established reader, 1 from a reader new to the site.",
    )
    reason = models.CharField(max_length=10, choices=Reason)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "report"
        verbose_name_plural = "readers' reports"
        constraints = [
            models.UniqueConstraint(fields=["comment", "reader_id"], name="report_one_per_reader"),
            models.CheckConstraint(
                condition=Q(reason__in=["spam", "abuse", "off-topic", "other"]),
                name="report_reason_valid",
            ),
            models.CheckConstraint(condition=~Q(reader_id=""), name="report_has_reader"),
            models.CheckConstraint(condition=Q(weight__in=[1, 2]), name="report_weight_valid"),
        ]
        indexes = [
            # Reports since the last moderator decision, counted against the threshold.
            models.Index(fields=["comment", "created_at"], name="report_comment_created_idx"),
            # A reader's reports, checked on their views of an article page.
            models.Index(fields=["reader_id"], name="report_reader_idx"),
        ]

    def __str__(self):
        return f"{self.get_reason_display()} report on comment {self.comment_id}"


class WordQuerySet(models.QuerySet):
    def words(self):
        return list(self.values_list("word", flat=True))


class ModerationWord(models.Model):
    word = models.CharField(
        max_length=100,
        help_text="A word or phrase, matched as whole words, whatever the case.",
    )
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = WordQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["word"]

    def __str__(self):
        return self.word

    def save(self, *args, **kwargs):
        self.word = " ".join(self.word.split())
        super().save(*args, **kwargs)


class BannedWord(ModerationWord):
    """A comment containing one of these is rejected."""

    class Meta(ModerationWord.Meta):
        constraints = [
            models.UniqueConstraint(Lower("word"), name="banned_word_unique"),
            models.CheckConstraint(condition=~Q(word=""), name="banned_word_not_empty"),
        ]


class SuspectWord(ModerationWord):
    """A comment containing one of these waits for a moderator."""

    class Meta(ModerationWord.Meta):
        constraints = [
            models.UniqueConstraint(Lower("word"), name="suspect_word_unique"),
            models.CheckConstraint(condition=~Q(word=""), name="suspect_word_not_empty"),
        ]


class ReaderBanQuerySet(models.QuerySet):
    def active(self, *, now=None):
        """Neither lifted nor past its end."""
        now = now or timezone.now()
        return self.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now), lifted_at__isnull=True)

    def expired(self, *, now=None):
        return self.filter(lifted_at__isnull=True, ends_at__lte=now or timezone.now())

    def matching(self, *, reader_id, address_hash):
        """Active bans on this reader id or this address hash (either may be empty)."""
        match = Q(pk__in=[])
        if reader_id:
            match |= Q(reader_id=reader_id)
        if address_hash:
            match |= Q(address_hash=address_hash)
        return self.active().filter(match)


class ReaderBan(models.Model):
    """A commenter refused: by reader id, by keyed hash of the address, or both; until
    `ends_at` (None: until lifted)."""

    class Duration(models.TextChoices):
        DAY = "24h", "24 hours"
        WEEK = "7d", "7 days"
        PERMANENT = "permanent", "Permanently (until lifted)"

    LENGTHS = {Duration.DAY: timedelta(hours=24), Duration.WEEK: timedelta(days=7)}

    reader_id = models.CharField(max_length=64, blank=True)
    address_hash = models.CharField("address hash", max_length=64, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    ends_at = models.DateTimeField(
        "ends", null=True, blank=True, help_text="Empty: until a moderator lifts it."
    )
    comment = models.ForeignKey(
        Comment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The comment the ban was made from, if any.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ReaderBanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reader_id="") | ~Q(address_hash=""), name="reader_ban_has_target"
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True) | Q(lifted_at__gte=F("created_at")),
                name="reader_ban_lifted_after_created",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("created_at")),
                name="reader_ban_ends_after_it_starts",
            ),
        ]
        indexes = [
            models.Index(
                fields=["reader_id"],
                name="reader_ban_active_reader_idx",
                condition=Q(lifted_at__isnull=True) & ~Q(reader_id=""),
            ),
            models.Index(
                fields=["address_hash"],
                name="reader_ban_active_address_idx",
                condition=Q(lifted_at__isnull=True) & ~Q(address_hash=""),
            ),
            # A commenter's bans, lifted and ended ones too (comments.readers).
            models.Index(
                fields=["reader_id", "created_at"],
                name="reader_ban_reader_idx",
                condition=~Q(reader_id=""),
            ),
            models.Index(
                fields=["address_hash", "created_at"],
                name="reader_ban_address_idx",
                condition=~Q(address_hash=""),
            ),
        ]

    def __str__(self):
        target = without_bidi_controls(self.reader_id[:8] or f"address {self.address_hash[:8]}")
        return f"Ban on {target}… ({self.state.lower()})"

    @property
    def is_active(self):
        return self.lifted_at is None and (self.ends_at is None or self.ends_at > timezone.now())

    @property
    def state(self):
        if self.lifted_at is not None:
            return "Lifted"
        return "Active" if self.is_active else "Ended"


class SurgeQuerySet(models.QuerySet):
    def open(self):
        return self.filter(ended_at__isnull=True)


class Surge(models.Model):
    """An article whose comments or reports came faster than COMMENTS_SURGE_* allow: it
    was switched to pre-moderation by itself (comments.surges), until a calm period has
    passed or a moderator ends it, when it returns to the mode it had."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="surges")
    started_at = models.DateTimeField()
    reason = models.CharField(max_length=200)
    previous_mode = models.CharField(max_length=10, choices=Article.CommentsMode)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who ended it by hand; empty when it ended after a calm period.",
    )

    objects = SurgeQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["article"],
                condition=Q(ended_at__isnull=True),
                name="surge_one_open_per_article",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="surge_ends_after_it_starts",
            ),
        ]
        indexes = [
            # The open surges, on the admin index and each article's page.
            models.Index(
                fields=["started_at"], name="surge_open_idx", condition=Q(ended_at__isnull=True)
            ),
        ]

    def __str__(self):
        return f"Surge on {self.article} since {self.started_at:%Y-%m-%d %H:%M}"


def with_response_counts(articles):
    """The articles, each with its approved comments (comment_count) and its reaction
    total (reaction_total), as two subqueries.

    One query whatever the number of articles: no join multiplies the rows, and the sums
    come from the per-kind running totals the reactions service keeps
    (reactions.models.reaction_total).
    """
    comments = (
        Comment.objects.approved()
        .filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(n=models.Count("pk"))
        .values("n")
    )
    return articles.annotate(
        comment_count=Coalesce(Subquery(comments), 0), reaction_total=reaction_total()
    )
