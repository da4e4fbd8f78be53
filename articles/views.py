from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe
from django.views.generic import ListView

from articles.models import Article
from articles.sharing import share_links
from comments.reactions import reaction_bar
from comments.readers import reader_id_from_request
from comments.threads import comment_threads


class ArticleListView(ListView):
    template_name = "articles/article_list.html"
    context_object_name = "articles"
    paginate_by = 20
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        return Article.objects.published().only(
            "title", "slug", "standfirst", "byline", "published_at"
        )


@require_safe
def article_detail(request, slug):
    article = get_object_or_404(Article.objects.published(), slug=slug)
    reader_id = reader_id_from_request(request)
    canonical_url = request.build_absolute_uri(article.get_absolute_url())
    return render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "canonical_url": canonical_url,
            "share_links": share_links(url=canonical_url, title=article.title),
            "reactions": reaction_bar(article=article, reader_id=reader_id),
            "threads": comment_threads(article=article),
        },
    )
