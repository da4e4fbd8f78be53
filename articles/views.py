from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe
from django.views.generic import ListView

from articles.models import Article
from articles.sharing import share_links
from comments.forms import CommentForm, find_reply_target
from comments.reactions import reaction_bar
from comments.readers import reader_id_from_request
from comments.threads import comment_list


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
    return render_article(request, article)


def _reply_target(request, *, article, comments):
    """The comment named by ?reply_to=<id> (the no-JavaScript Reply link), or None."""
    try:
        pk = int(request.GET.get("reply_to", ""))
    except ValueError:
        return None
    shown = comments.find(pk)
    if shown is not None:
        return shown if shown.can_reply else None
    return find_reply_target(article=article, pk=pk)


def render_article(request, article, *, comment_form=None, comments_error=None, status=200):
    """The article page; also what a refused or invalid comment gets back, with its form."""
    reader_id = reader_id_from_request(request)
    canonical_url = request.build_absolute_uri(article.get_absolute_url())
    comments = comment_list(
        article=article, reader_id=reader_id, page_number=request.GET.get("page")
    )
    reply_to = None
    if article.comments_closed:
        comment_form = None
    elif comment_form is None:
        reply_to = _reply_target(request, article=article, comments=comments)
        comment_form = CommentForm(
            article=article, initial={"parent": reply_to.pk if reply_to else None}
        )
    else:
        reply_to = comment_form.reply_to
    return render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "canonical_url": canonical_url,
            "share_links": share_links(url=canonical_url, title=article.title),
            "reactions": reaction_bar(article=article, reader_id=reader_id),
            "comments": comments,
            "comment_form": comment_form,
            "reply_to": reply_to,
            "comments_error": comments_error,
        },
        status=status,
    )
