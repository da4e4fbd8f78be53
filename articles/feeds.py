"""RSS 2.0 and Atom feeds of the latest published articles.

Each feed is rendered once and kept for FEED_CACHE_SECONDS (60 s) by
articles.publiccache: a publication, an edit or an unpublication shows in it within that
bound, through the app's cache and any shared cache in front of it together.

A summary is HTML to a feed reader (RSS `description`, Atom `summary type="html"`): it
carries the article's summary escaped, the same text the article page shows, so that an
angle bracket in a standfirst is shown as one and never becomes markup.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django.views.decorators.http import require_safe

from articles import publiccache
from articles.models import Article
from newsroom.site import absolute_url

FEED_LENGTH = 30


class LatestArticlesFeed(Feed):
    feed_type = Rss201rev2Feed
    description = "The latest articles, newest first."
    feed_url_name = "articles:feed"

    def get_object(self, request):
        # Not an object the feed is "about": the request, so that every link can be made
        # absolute under SITE_URL (or the request's host) without state on this instance.
        return request

    def title(self, request):
        return f"{settings.SITE_NAME}: latest articles"

    def link(self, request):
        return absolute_url(request, reverse("articles:front_page"))

    def feed_url(self, request):
        return absolute_url(request, reverse(self.feed_url_name))

    def items(self, request):
        articles = list(
            Article.objects.published()
            .select_related("section")
            .only(
                "title",
                "slug",
                "standfirst",
                "body_html",
                "byline",
                "published_at",
                "updated_at",
                "section__name",
            )[:FEED_LENGTH]
        )
        for article in articles:
            article.url = absolute_url(request, article.get_absolute_url())
        return articles

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        # Plain text, as the page shows it; the reader parses this as HTML.
        return escape(article.summary)

    def item_link(self, article):
        return article.url

    def item_guid(self, article):
        return article.url

    item_guid_is_permalink = True

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.modified_at

    def item_author_name(self, article):
        return article.author_name or None

    def item_categories(self, article):
        return [article.section.name] if article.section else []


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    feed_url_name = "articles:atom_feed"

    def subtitle(self, request):
        return self.description


def cached(feed):
    """The view serving `feed`, rendered once per FEED_CACHE_SECONDS."""

    @require_safe
    def view(request):
        return publiccache.cached_response(
            request,
            name=f"feed:{feed.feed_url_name}",
            timeout=settings.FEED_CACHE_SECONDS,
            render=lambda: feed(request),
        )

    return view


rss = cached(LatestArticlesFeed())
atom = cached(LatestArticlesAtomFeed())
