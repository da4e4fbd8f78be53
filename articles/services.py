"""Writes on articles that the admin's form and its list actions share.

Each function changes one article inside a transaction and returns True when it changed
something, False when the article was already in that state (nothing is written then).
Every change also moves `updated_at`, so a form opened before it is known to be stale.
"""

from django.db import transaction
from django.utils import timezone

from articles.models import Article


def _save(article, *fields):
    with transaction.atomic():
        article.save(update_fields=[*fields, "updated_at"])


def publish_now(*, article):
    """Make the article public at once: a draft or a scheduled article gets the current
    time as its publication time; an article already public keeps its own."""
    now = timezone.now()
    if article.status == Article.Status.PUBLISHED and article.published_at <= now:
        return False
    article.status = Article.Status.PUBLISHED
    article.published_at = now
    _save(article, "status", "published_at")
    return True


def unpublish(*, article):
    """Back to draft: readers get a 404 at once. The publication time is kept, so the
    form shows when it was public; publishing again now gives it a new one."""
    if article.status == Article.Status.DRAFT:
        return False
    article.status = Article.Status.DRAFT
    _save(article, "status")
    return True


def close_comments(*, article):
    """No new comments; those already approved stay on the page."""
    if article.comments_mode == Article.CommentsMode.CLOSED:
        return False
    article.comments_mode = Article.CommentsMode.CLOSED
    _save(article, "comments_mode")
    return True


def open_comments(*, article):
    """Reopen a closed article's comments, pre-moderated (the safe default); an article
    already open keeps its mode."""
    if article.comments_mode != Article.CommentsMode.CLOSED:
        return False
    article.comments_mode = Article.CommentsMode.PRE_MODERATED
    _save(article, "comments_mode")
    return True


def switch_comments_mode(*, article, mode):
    """Set the comments mode by itself (the surge guard's switch): `updated_at` does not
    move, so an editor's open form is not made stale by it. Returns whether it changed."""
    if article.comments_mode == mode:
        return False
    article.comments_mode = mode
    with transaction.atomic():
        article.save(update_fields=["comments_mode"])
    return True
