import html
import re

from django.db import connections, models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.text import Truncator

from articles import images, search
from articles.markdown import render_markdown


class Section(models.Model):
    """A part of the paper (World, Politics…) that articles may belong to."""

    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80)
    description = models.CharField(
        max_length=300, blank=True, help_text="One sentence for search engines and the page."
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="section_slug_unique"),
            models.UniqueConstraint(fields=["name"], name="section_name_unique"),
            models.CheckConstraint(condition=~Q(slug=""), name="section_slug_not_empty"),
            models.CheckConstraint(condition=~Q(name=""), name="section_name_not_empty"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:section", kwargs={"slug": self.slug})


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """What the public may see: published, and its publication time has come."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def scheduled(self):
        """Published for a time still to come: public by itself when that time comes."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())

    def drafts(self):
        return self.filter(status=Article.Status.DRAFT)

    def search(self, terms):
        """Articles matching the reader's words in their title, standfirst or body.

        PostgreSQL: full-text search ranked by relevance (the title weighs most), served
        by the GIN index `article_search_idx`. Elsewhere (SQLite): a case-insensitive
        substring match on the three fields, newest first.
        """
        if connections[self.db].vendor == "postgresql":
            return search.full_text(self, terms)
        return self.filter(
            Q(title__icontains=terms) | Q(standfirst__icontains=terms) | Q(body__icontains=terms)
        )


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
    reactions_enabled = models.BooleanField(
        "reactions",
        default=True,
        help_text="Readers may react with the emoji bar. Switch it off for a story where "
        "reactions would be out of place (a tragedy).",
    )
    section = models.ForeignKey(
        Section,
        # A section that still holds articles cannot be deleted: its articles would
        # silently lose their section link, page and sitemap entry. Move them first.
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
    )
    # The lead picture: its re-encoded original and the sizes made from it
    # (articles/images.py), all in media storage; set through images.store().
    lead_image = models.ImageField(upload_to="images/", max_length=200, blank=True, editable=False)
    lead_image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    lead_image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    lead_image_renditions = models.JSONField(default=dict, blank=True, editable=False)
    lead_image_alt = models.CharField(
        "alt text",
        max_length=300,
        blank=True,
        help_text="Required with a picture: what it shows, for readers who cannot see it.",
    )
    lead_image_caption = models.CharField("caption", max_length=300, blank=True)
    lead_image_credit = models.CharField(
        "credit", max_length=120, blank=True, help_text="Who took or owns it, e.g. Reuters."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        permissions = [("publish_article", "Can publish, schedule and unpublish articles")]
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
            models.Index(
                fields=["section", "-published_at"],
                name="article_section_published_idx",
                condition=Q(status="published"),
            ),
            # On PostgreSQL, migration 0003 adds the full-text GIN index
            # `article_search_idx` (see articles/search.py); SQLite has no such index.
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
    def modified_at(self):
        """When the public version last changed: never before its publication."""
        if self.published_at and self.published_at > self.updated_at:
            return self.published_at
        return self.updated_at

    @property
    def summary(self):
        """One line for search engines, feeds and share sheets: the standfirst, or failing
        that the start of the body."""
        if self.standfirst:
            return self.standfirst
        return Truncator(html.unescape(strip_tags(self.body_html))).words(30)

    @property
    def author_name(self):
        """The byline without its leading "By", for structured data."""
        return re.sub(r"^by\s+", "", self.byline.strip(), flags=re.IGNORECASE)

    @property
    def is_public(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def state_label(self):
        """Draft, Scheduled or Published: what readers get, in the staff's words."""
        if self.is_scheduled:
            return "Scheduled"
        return self.get_status_display()

    @cached_property
    def lead_picture(self):
        """The lead image as an <img> needs it (images.Picture), or None."""
        return images.picture(self.lead_image_renditions, alt=self.lead_image_alt)

    def set_lead_image(self, image):
        """Store this Pillow image as the lead picture (and its sizes); None removes it.
        Saving is the caller's."""
        self.__dict__.pop("lead_picture", None)
        if image is None:
            self.lead_image = ""
            self.lead_image_width = self.lead_image_height = None
            self.lead_image_renditions = {}
            return
        stored = images.store(image)
        self.lead_image = stored.name
        self.lead_image_width, self.lead_image_height = stored.width, stored.height
        self.lead_image_renditions = stored.renditions

    @property
    def comments_closed(self):
        return self.comments_mode == self.CommentsMode.CLOSED
