"""Cached article pages follow their comments (articles.pagecache), and the moderation
rules their word lists (comments.moderation). Connected in CommentsConfig.ready.

A comment stored as anything but approved is its author's alone: readers without a
cookie cannot see it, so its page stays (automatic moderation then updates its status
without a save: comments.services.submit_comment). Any other save or deletion of a
comment may change what they see (its text, its status, a thread's placeholder), and
drops the page, whether one comment is deleted or a queryset of them. A reader's own
comments not yet approved, and their reports, are read for them on each of their page
views; a report deleted by itself comes off its comment's count. Reactions drop their
bar themselves (reactions.services).
"""

from django.db.models import F, QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from articles import pagecache
from articles.models import Article
from comments import moderation
from comments.models import BannedWord, Comment, Report, SuspectWord


def _article_slug(comment):
    if Comment.article.is_cached(comment):
        return [comment.article.slug]
    return pagecache.slugs_of([comment.article_id])


# A save of these fields alone changes nothing a reader sees (services.report_comment).
UNSEEN_FIELDS = frozenset({"report_count"})


@receiver(post_save, sender=Comment)
def comment_saved(sender, instance, created, update_fields=None, **kwargs):
    if created and instance.status != Comment.Status.APPROVED:
        return
    if update_fields is not None and set(update_fields) <= UNSEEN_FIELDS:
        return
    pagecache.comments_changed(*_article_slug(instance))


def _model_of(origin):
    """The model of what a deletion started from: a model instance or a queryset."""
    return origin.model if isinstance(origin, QuerySet) else type(origin)


def _deleted_along(origin, instance):
    """Whether the deletion of `origin` (what was deleted, taking `instance` with it)
    drops the page by itself: an article, or one comment, whose own signal covers its
    replies. Each comment of a queryset's deletion drops its page itself."""
    if isinstance(origin, QuerySet):
        return origin.model is Article
    return isinstance(origin, Article) or (isinstance(origin, Comment) and origin is not instance)


@receiver(post_delete, sender=Comment)
def comment_deleted(sender, instance, origin=None, **kwargs):
    if not _deleted_along(origin, instance):
        pagecache.comments_changed(*_article_slug(instance))


@receiver(post_delete, sender=Report)
def report_deleted(sender, instance, origin=None, **kwargs):
    """A report deleted by itself (by staff) no longer counts in its comment's reports."""
    if _model_of(origin) in (Article, Comment):
        return  # deleted with its comment
    Comment.objects.filter(pk=instance.comment_id, report_count__gt=0).update(
        report_count=F("report_count") - 1
    )


@receiver(post_save, sender=BannedWord)
@receiver(post_delete, sender=BannedWord)
@receiver(post_save, sender=SuspectWord)
@receiver(post_delete, sender=SuspectWord)
def word_lists_changed(sender, **kwargs):
    moderation.word_lists_changed()
