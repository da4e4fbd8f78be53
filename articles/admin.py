from django.contrib import admin
from django.db.models import Count

from articles.models import Article, Section


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "article_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "description"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description="Articles", ordering="article_count")
    def article_count(self, section):
        return section.article_count


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "section",
        "status",
        "published_at",
        "comments_mode",
        "reaction_total",
    ]
    list_filter = ["status", "section", "comments_mode"]
    list_select_related = ["section"]
    search_fields = ["title", "standfirst"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    fields = [
        "title",
        "slug",
        "section",
        "standfirst",
        "byline",
        "body",
        "status",
        "published_at",
        "comments_mode",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_response_counts()

    @admin.display(description="Reactions", ordering="reaction_total")
    def reaction_total(self, article):
        return article.reaction_total
