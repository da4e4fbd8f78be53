from django.conf import settings
from django.db import models
from django.db.models import F, Q

from articles.models import Article


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        SPAM = "spam", "Spam"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    name = models.CharField(max_length=80)
    email = models.EmailField(blank=True)
    body = models.TextField(max_length=3000)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    reader_id = models.CharField(max_length=64, blank=True)
    ip_hash = models.CharField(max_length=64, blank=True)
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

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "rejected", "spam"]),
                name="comment_status_valid",
            ),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="comment_not_its_own_parent"),
            models.CheckConstraint(condition=~Q(name=""), name="comment_name_not_empty"),
            models.CheckConstraint(condition=~Q(body=""), name="comment_body_not_empty"),
        ]
        indexes = [
            models.Index(
                fields=["article", "created_at"],
                name="comment_approved_idx",
                condition=Q(status="approved"),
            ),
            models.Index(
                fields=["created_at"],
                name="comment_pending_queue_idx",
                condition=Q(status="pending"),
            ),
            models.Index(fields=["article", "reader_id"], name="comment_reader_idx"),
        ]

    def __str__(self):
        return f"{self.name} on {self.article}: {self.body[:40]}"

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#comment-{self.pk}"


class Reaction(models.Model):
    """One reader's reaction of one kind to one article: a row while it is on."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="reactions")
    reader_id = models.CharField(max_length=64)
    emoji = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "reader_id", "emoji"], name="reaction_one_per_reader_and_kind"
            ),
            models.CheckConstraint(condition=~Q(reader_id=""), name="reaction_has_reader"),
            models.CheckConstraint(condition=~Q(emoji=""), name="reaction_has_kind"),
        ]

    def __str__(self):
        return f"{self.emoji} on {self.article_id} by {self.reader_id[:8]}…"


class ReactionCount(models.Model):
    """The running total of one kind of reaction on one article, kept with the rows."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="reaction_counts")
    emoji = models.CharField(max_length=32)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "emoji"], name="reaction_count_unique"),
            models.CheckConstraint(condition=Q(count__gte=0), name="reaction_count_not_negative"),
        ]

    def __str__(self):
        return f"{self.emoji} × {self.count} on {self.article_id}"
