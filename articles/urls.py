from django.contrib.sitemaps.views import sitemap
from django.urls import path
from django.views.decorators.http import require_safe

from articles import views
from articles.feeds import LatestArticlesAtomFeed, LatestArticlesFeed
from articles.sitemaps import sitemaps

app_name = "articles"

urlpatterns = [
    path("", views.FrontPageView.as_view(), name="front_page"),
    path("articles/<slug:slug>/", views.article_detail, name="detail"),
    path("sections/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feed/", require_safe(LatestArticlesFeed()), name="feed"),
    path("feed/atom/", require_safe(LatestArticlesAtomFeed()), name="atom_feed"),
    path("sitemap.xml", require_safe(sitemap), {"sitemaps": sitemaps}, name="sitemap"),
]
