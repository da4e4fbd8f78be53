"""Cached article pages follow their comments and reports (articles.pagecache).

Reactions are not here: their counters change through queryset updates, and
comments.services bumps the counts' generation itself.
"""

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from articles import pagecache
from articles.models import Article
from comments.models import Comment, Flag


def _article_slug(comment):
    if Comment.article.is_cached(comment):
        return [comment.article.slug]
    return pagecache.slugs_of([comment.article_id])


def _deleted_along(origin, instance):
    """Whether the deletion of `origin` (what was deleted, taking `instance` with it)
    already drops the page: an article, or a comment, with its replies and reports."""
    model = origin.model if isinstance(origin, QuerySet) else type(origin)
    if model is Article:
        return True
    return model is Comment and origin is not instance


@receiver(post_save, sender=Comment)
def comment_saved(sender, instance, **kwargs):
    pagecache.comments_changed(*_article_slug(instance))


@receiver(post_delete, sender=Comment)
def comment_deleted(sender, instance, origin=None, **kwargs):
    if not _deleted_along(origin, instance):
        pagecache.comments_changed(*_article_slug(instance))


@receiver(post_save, sender=Flag)
@receiver(post_delete, sender=Flag)
def flag_changed(sender, instance, origin=None, **kwargs):
    # The reader who reported sees "Reported — thank you" in place of the form.
    if origin is None or not _deleted_along(origin, instance):
        pagecache.comments_changed(*_article_slug(instance.comment))
