from django.contrib import admin

from articles.models import Article


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "published_at", "comments_mode"]
    list_filter = ["status", "comments_mode"]
    search_fields = ["title", "standfirst"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    fields = [
        "title",
        "slug",
        "standfirst",
        "byline",
        "body",
        "status",
        "published_at",
        "comments_mode",
    ]
