from django.db import models
from django.db.models import Q
from django.urls import reverse

from articles.markdown import render_markdown


class Page(models.Model):
    """A page of the site that editors keep up to date: the community guidelines, the
    privacy notice. Markdown, sanitised as article bodies are."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=80,
        help_text="Its address, /pages/<slug>/. The footer links to “community-guidelines” "
        "and “privacy”.",
    )
    body = models.TextField(help_text="Markdown.")
    body_html = models.TextField(editable=False, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="page_slug_unique"),
            models.CheckConstraint(condition=~Q(slug=""), name="page_slug_not_empty"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        if kwargs.get("update_fields") is not None and "body" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("pages:detail", kwargs={"slug": self.slug})
