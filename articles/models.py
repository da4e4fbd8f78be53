from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from articles.markdown import render_markdown


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """What the public may see: published, and its publication time has come."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class CommentsMode(models.TextChoices):
        PRE_MODERATED = "pre", "Pre-moderated: comments wait for a moderator"
        POST_MODERATED = "post", "Post-moderated: comments publish unless a rule holds them"
        CLOSED = "closed", "Closed: no new comments"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200)
    standfirst = models.CharField(max_length=300, blank=True)
    byline = models.CharField(max_length=120, blank=True)
    body = models.TextField(help_text="Markdown.")
    body_html = models.TextField(editable=False, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    comments_mode = models.CharField(
        max_length=10, choices=CommentsMode, default=CommentsMode.PRE_MODERATED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="article_slug_unique"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published"]), name="article_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(comments_mode__in=["pre", "post", "closed"]),
                name="article_comments_mode_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="article_published_has_time",
            ),
            models.CheckConstraint(condition=~Q(slug=""), name="article_slug_not_empty"),
        ]
        indexes = [
            models.Index(
                fields=["-published_at"],
                name="article_published_idx",
                condition=Q(status="published"),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        if kwargs.get("update_fields") is not None and "body" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    @property
    def comments_closed(self):
        return self.comments_mode == self.CommentsMode.CLOSED
