"""The sitemap: the front page, the sections and the published articles.

/sitemap.xml is one urlset while every sitemap fits in one page (`limit` URLs: 5,000
articles), and a sitemap index once one does not: it then lists /sitemap-<section>.xml
and their further pages, /sitemap-articles.xml?p=2 and on. robots.txt points at
/sitemap.xml either way; crawlers read an index there as they read a urlset.

Each document is rendered once and kept for SITEMAP_CACHE_SECONDS (300 s) by
articles.publiccache: a publication, an edit, an unpublication or a scheduled article
whose time comes shows in the sitemap within that bound, through the app's cache and any
shared cache in front of it together. The number of pages of each sitemap is kept as
long (and made again with every /sitemap.xml), so that a page past the last (?p=999) or
not a number (?p=x) is a 404 that costs neither a query nor a render.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem
from django.contrib.sites.shortcuts import get_current_site
from django.core.cache import cache
from django.core.paginator import EmptyPage
from django.db.models import Exists, Max, OuterRef, Subquery
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_safe

from articles import publiccache
from articles.models import Article, Section
from newsroom.site import absolute_url

# As Django's sitemap views: the sitemap itself is not a page for search results.
HEADERS = {"X-Robots-Tag": "noindex, noodp, noarchive"}
PAGE_COUNTS_KEY = "public:sitemap-pages"
# ?p= longer than this is not a page number of ours.
MAX_PAGE_DIGITS = 6


class SiteURLSitemap(Sitemap):
    """Locations under SITE_URL when it is set; else on the request's scheme and host."""

    # URLs per page. Google reads up to 50,000; a page of 5,000 is about 0.75 MB and is
    # rendered in a fraction of a second.
    limit = 5000

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
        # Oldest first: a new article lands on the last page, the others stay as they were.
        return (
            Article.objects.published()
            .only("slug", "published_at", "updated_at")
            .order_by("published_at", "pk")
        )

    def lastmod(self, article):
        return article.modified_at

    def get_latest_lastmod(self):
        """The newest `modified_at` (the later of publication and update), in one query."""
        latest = Article.objects.published().aggregate(Max("published_at"), Max("updated_at"))
        return max(filter(None, latest.values()), default=None)


sitemaps = {
    "front-page": FrontPageSitemap,
    "sections": SectionSitemap,
    "articles": ArticleSitemap,
}


def page_counts(*, fresh=False):
    """{section: its number of pages}, kept for SITEMAP_CACHE_SECONDS."""
    counts = None if fresh else cache.get(PAGE_COUNTS_KEY)
    if counts is None:
        counts = {section: sitemap().paginator.num_pages for section, sitemap in sitemaps.items()}
        cache.set(PAGE_COUNTS_KEY, counts, settings.SITEMAP_CACHE_SECONDS)
    return counts


def _page_number(request):
    """?p= as a page number from 1, or None if it is not one."""
    value = request.GET.get("p", "1")
    if not (value.isascii() and value.isdigit() and len(value) <= MAX_PAGE_DIGITS):
        return None
    return int(value) or None


@require_safe
def sitemap_xml(request):
    """/sitemap.xml: every URL while they fit in one page, else the index of the pages.
    Its query string is ignored."""
    return publiccache.cached_response(
        request,
        name="sitemap",
        timeout=settings.SITEMAP_CACHE_SECONDS,
        render=lambda: _sitemap_or_index(request),
    )


@require_safe
def sitemap_section(request, section):
    """/sitemap-<section>.xml?p=N: a page of one sitemap, as the index lists them."""
    if section not in sitemaps:
        raise Http404("No such sitemap.")
    page = _page_number(request)
    if page is None or page > page_counts()[section]:
        raise Http404("No such page of the sitemap.")
    return publiccache.cached_response(
        request,
        name="sitemap",
        timeout=settings.SITEMAP_CACHE_SECONDS,
        variant=(section, page),
        render=lambda: _urlset(request, [sitemaps[section]], page=page),
    )


def _sitemap_or_index(request):
    counts = page_counts(fresh=True)
    if all(count <= 1 for count in counts.values()):
        return _urlset(request, sitemaps.values(), page=1)
    return _index(request, counts)


def _urlset(request, maps, *, page):
    """Django's sitemap view, for `page` of `maps` (a page past the last: 404)."""
    site = get_current_site(request)
    urls = []
    for sitemap in maps:
        try:
            urls.extend(sitemap().get_urls(page=page, site=site, protocol=request.scheme))
        except EmptyPage:
            raise Http404("No such page of the sitemap.") from None
    content = render_to_string("sitemap.xml", {"urlset": urls})
    return HttpResponse(content, content_type="application/xml", headers=HEADERS)


def _index(request, counts):
    """Django's sitemap index, with its locations under SITE_URL like every other link
    (Django's view builds them on the request's host)."""
    entries = []
    for section, sitemap in sitemaps.items():
        location = absolute_url(
            request, reverse("articles:sitemap_section", kwargs={"section": section})
        )
        lastmod = sitemap().get_latest_lastmod()
        entries.append(SitemapIndexItem(location, lastmod))
        entries.extend(
            SitemapIndexItem(f"{location}?p={page}", lastmod)
            for page in range(2, counts[section] + 1)
        )
    content = render_to_string("sitemap_index.xml", {"sitemaps": entries})
    return HttpResponse(content, content_type="application/xml", headers=HEADERS)
