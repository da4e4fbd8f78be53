from urllib.parse import urlencode

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe
from django.views.generic import ListView

from articles.models import Article, Section
from articles.search import MAX_QUERY_LENGTH, clean_query
from articles.seo import news_article_json_ld
from articles.sharing import share_links
from comments.forms import CommentForm, find_reply_target
from comments.reactions import reaction_bar
from comments.readers import reader_id_from_request
from comments.threads import comment_list
from newsroom.site import absolute_url


class ArticleListMixin:
    """What the front page, a section page and the search results share: published
    articles with their section, comment count and reaction total, 20 a page, with
    pagination links that work without JavaScript. Two queries a page (count, rows)."""

    template_name = "articles/article_list.html"
    context_object_name = "articles"
    paginate_by = 20
    http_method_names = ["get", "head", "options"]
    # The first article of the first page is shown as the lead.
    show_lead = True

    def get_queryset(self):
        return (
            Article.objects.published()
            .select_related("section")
            .with_response_counts()
            .only("title", "slug", "standfirst", "published_at", "section__name", "section__slug")
        )

    def page_params(self):
        """Query parameters every page link of this list keeps."""
        return {}

    def page_url(self, number):
        params = self.page_params()
        if number > 1:
            params["page"] = number
        return self.request.path + (f"?{urlencode(params)}" if params else "")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        context.update(
            articles=list(page.object_list),
            lead_first=self.show_lead and page.number == 1,
            canonical_url=absolute_url(self.request, self.page_url(page.number)),
            previous_page_url=(
                self.page_url(page.previous_page_number()) if page.has_previous() else None
            ),
            next_page_url=self.page_url(page.next_page_number()) if page.has_next() else None,
        )
        return context


class FrontPageView(ArticleListMixin, ListView):
    pass


class SectionView(ArticleListMixin, ListView):
    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        return super().get_queryset().filter(section=self.section)

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=self.section, **kwargs)


class SearchView(ArticleListMixin, ListView):
    template_name = "articles/search.html"
    show_lead = False

    def get(self, request, *args, **kwargs):
        self.query, self.query_shortened = clean_query(request.GET.get("q", ""))
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if not self.query:
            return Article.objects.none()
        return super().get_queryset().search(self.query)

    def page_params(self):
        return {"q": self.query} if self.query else {}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            query=self.query,
            query_shortened=self.query_shortened,
            max_query_length=MAX_QUERY_LENGTH,
            **kwargs,
        )


@require_safe
def article_detail(request, slug):
    article = get_object_or_404(Article.objects.published().select_related("section"), slug=slug)
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


def render_article(
    request, article, *, comment_form=None, comments_error=None, status=200, preview=None
):
    """The article page; also what a refused or invalid comment gets back, with its form,
    and the staff's preview (`preview`: what the banner above it says)."""
    reader_id = reader_id_from_request(request)
    canonical_url = absolute_url(request, article.get_absolute_url())
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
            "json_ld": news_article_json_ld(
                article=article, url=canonical_url, site_url=absolute_url(request, "/")
            ),
            "share_links": share_links(url=canonical_url, title=article.title),
            "reactions": reaction_bar(article=article, reader_id=reader_id),
            "comments": comments,
            "comment_form": comment_form,
            "reply_to": reply_to,
            "comments_error": comments_error,
            "preview": preview,
        },
        status=status,
    )
