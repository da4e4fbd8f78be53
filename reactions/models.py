from django.db import models
from django.db.models import OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from articles.models import Article


class Reaction(models.Model):
    """One reader's reaction of one kind to one article: a row while it is on.

    `key` is the kind's key in settings.REACTIONS ("joy"), never its emoji ("😂")."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="reactions")
    reader_id = models.CharField(max_length=64)
    key = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "reader_id", "key"], name="reaction_one_per_reader_and_kind"
            ),
            models.CheckConstraint(condition=~Q(reader_id=""), name="reaction_has_reader"),
            models.CheckConstraint(condition=~Q(key=""), name="reaction_has_kind"),
        ]
        indexes = [
            # "What readers felt": an article's reactions per day.
            models.Index(fields=["article", "created_at"], name="reaction_article_created_idx"),
        ]

    def __str__(self):
        return f"{self.key} on {self.article_id} by {self.reader_id[:8]}…"


class ReactionCount(models.Model):
    """The running total of one kind of reaction on one article, kept with the rows."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="reaction_counts")
    key = models.CharField(max_length=32)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "key"], name="reaction_count_unique"),
            models.CheckConstraint(condition=Q(count__gte=0), name="reaction_count_not_negative"),
        ]

    def __str__(self):
        return f"{self.key} × {self.count} on {self.article_id}"


def reaction_total():
    """The outer query's article's reactions of every kind (0 without any), as a subquery:
    the sum of its running totals, whatever the number of articles (no join)."""
    totals = (
        ReactionCount.objects.filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(n=Sum("count"))
        .values("n")
    )
    return Coalesce(Subquery(totals), 0)
