"""/sitemap.xml: the front page, the sections and the published articles."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse

from articles.models import Article, Section


class SiteURLSitemap(Sitemap):
    """Locations under SITE_URL when it is set; else on the request's scheme and host."""

    def get_protocol(self, protocol=None):
        if settings.SITE_URL:
            return urlsplit(settings.SITE_URL).scheme
        return super().get_protocol(protocol)

    def get_domain(self, site=None):
        if settings.SITE_URL:
            # Host and any path prefix: Django writes "{protocol}://{domain}{location}".
            return settings.SITE_URL.split("://", 1)[1]
        return super().get_domain(site)


class FrontPageSitemap(SiteURLSitemap):
    changefreq = "hourly"
    priority = 1.0

    def items(self):
        return ["articles:front_page"]

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        latest = Article.objects.published().values_list("published_at", flat=True).first()
        return latest


class SectionSitemap(SiteURLSitemap):
    changefreq = "hourly"
    priority = 0.7

    def items(self):
        # Only sections with something public in them; lastmod: their newest article.
        published = Article.objects.published().filter(section=OuterRef("pk"))
        return (
            Section.objects.filter(Exists(published))
            .annotate(
                latest=Subquery(published.order_by("-published_at").values("published_at")[:1])
            )
            .order_by("name")
        )

    def lastmod(self, section):
        return section.latest


class ArticleSitemap(SiteURLSitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return Article.objects.published().only("slug", "published_at", "updated_at")

    def lastmod(self, article):
        return article.modified_at


sitemaps = {
    "front-page": FrontPageSitemap,
    "sections": SectionSitemap,
    "articles": ArticleSitemap,
}
