"""Cached pages follow the articles and sections they show (articles.pagecache).

Connected in ArticlesConfig.ready. A renamed article's old address must not keep its
page either: the slug it had is read before the save.
"""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from articles import pagecache
from articles.models import Article, Section


@receiver(pre_save, sender=Article)
def article_about_to_change(sender, instance, update_fields=None, **kwargs):
    if instance.pk is not None and (update_fields is None or "slug" in update_fields):
        old_slug = Article.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
        if old_slug and old_slug != instance.slug:
            pagecache.article_changed(old_slug)


@receiver(post_save, sender=Article)
@receiver(post_delete, sender=Article)
def article_changed(sender, instance, **kwargs):
    pagecache.article_changed(instance.slug)


@receiver(post_save, sender=Section)
@receiver(post_delete, sender=Section)
def section_changed(sender, instance, **kwargs):
    pagecache.site_changed()
