"""Cached pages follow the articles and sections they show (articles.pagecache)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from articles import pagecache
from articles.models import Article, Section


@receiver(post_save, sender=Article)
@receiver(post_delete, sender=Article)
def article_changed(sender, instance, **kwargs):
    # A renamed article's old address must not keep its page either.
    pagecache.article_changed(instance.slug, instance.loaded_slug)
    instance.loaded_slug = instance.slug


@receiver(post_save, sender=Section)
@receiver(post_delete, sender=Section)
def section_changed(sender, instance, **kwargs):
    pagecache.site_changed()
