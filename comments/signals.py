"""Cached article pages follow their comments (articles.pagecache), and the moderation
rules their word lists (comments.moderation).

Only what readers without a cookie see matters here: a reader's own comments not yet
approved, and their reports, are read for them on each of their page views. Reactions are
not here either: each process makes its reaction bar from the counts (pagecache).
"""

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from articles import pagecache
from articles.models import Article
from comments import moderation
from comments.models import BannedWord, Comment, SuspectWord

# What the article page shows of a comment.
SHOWN_FIELDS = frozenset({"article", "parent", "name", "body", "status", "created_at"})


def _article_slug(comment):
    if Comment.article.is_cached(comment):
        return [comment.article.slug]
    return pagecache.slugs_of([comment.article_id])


def _changes_the_page(comment, update_fields):
    """Whether readers without a cookie may see a change to a comment: an approved one (or
    one that was), or a thread's first comment changing status, which its approved replies
    may keep on the page as a placeholder ("removed", "being reviewed"). A comment never
    approved is its author's alone; one just submitted has no replies yet."""
    if update_fields is not None and not SHOWN_FIELDS & set(update_fields):
        return False
    approved = Comment.Status.APPROVED
    if approved in (comment.status, comment.loaded_status):
        return True
    return (
        not comment.just_submitted
        and comment.parent_id is None
        and comment.status != comment.loaded_status
    )


@receiver(post_save, sender=Comment)
def comment_saved(sender, instance, created, update_fields=None, **kwargs):
    if created:
        if instance.status == Comment.Status.APPROVED:
            pagecache.comments_changed(*_article_slug(instance))
    elif _changes_the_page(instance, update_fields):
        pagecache.comments_changed(*_article_slug(instance))
    instance.loaded_status = instance.status


def _deleted_along(origin, instance):
    """Whether the deletion of `origin` (what was deleted, taking `instance` with it)
    already drops the page: an article, or a comment, with its replies."""
    model = origin.model if isinstance(origin, QuerySet) else type(origin)
    if model is Article:
        return True
    return model is Comment and origin is not instance


@receiver(post_delete, sender=Comment)
def comment_deleted(sender, instance, origin=None, **kwargs):
    if not _deleted_along(origin, instance):
        pagecache.comments_changed(*_article_slug(instance))


@receiver(post_save, sender=BannedWord)
@receiver(post_delete, sender=BannedWord)
@receiver(post_save, sender=SuspectWord)
@receiver(post_delete, sender=SuspectWord)
def word_lists_changed(sender, **kwargs):
    moderation.word_lists_changed()
