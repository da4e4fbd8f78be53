from django.contrib import admin
from django.db.models import IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from articles.models import Article
from comments.models import ReactionCount


def reaction_total_subquery():
    totals = (
        ReactionCount.objects.filter(article=OuterRef("pk"))
        .values("article")
        .annotate(total=Sum("count"))
        .values("total")
    )
    return Coalesce(Subquery(totals, output_field=IntegerField()), 0)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "published_at", "comments_mode", "reaction_total"]
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

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(reaction_total=reaction_total_subquery())

    @admin.display(description="Reactions", ordering="reaction_total")
    def reaction_total(self, article):
        return article.reaction_total
