from django.urls import path

from articles import feeds, sitemaps, views

app_name = "articles"

urlpatterns = [
    path("", views.FrontPageView.as_view(), name="front_page"),
    path("articles/<slug:slug>/", views.article_detail, name="detail"),
    path("sections/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feed/", feeds.rss, name="feed"),
    path("feed/atom/", feeds.atom, name="atom_feed"),
    path("sitemap.xml", sitemaps.sitemap_xml, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemaps.sitemap_section, name="sitemap_section"),
]
