from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import (
    Http404,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.views.decorators.http import require_safe
from django.views.generic import ListView

from articles import pagecache
from articles.models import Article, Section
from articles.search import MAX_QUERY_LENGTH, clean_query
from articles.seo import news_article_json_ld, share_image
from articles.sharing import share_links
from comments.forms import CommentForm, find_reply_target
from comments.models import with_response_counts
from comments.readers import reader_state
from comments.threads import DEFAULT_ORDER, ORDERS, comment_list
from newsroom.readers import reader_id_from_cookie, reader_id_from_request
from newsroom.site import absolute_url
from reactions import bar
from reactions.services import reaction_counts

ARTICLE_TEMPLATE = "articles/article_detail.html"


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
    # Each page is rendered once and kept in the cache (articles.pagecache): it is the
    # same for every reader (flash messages wait for the article page). Publications and
    # edits show at once, counts within LIST_CACHE_SECONDS; shared caches may keep it.
    cached = True

    def get(self, request, *args, **kwargs):
        if not self.cached:
            return super().get(request, *args, **kwargs)
        query, canonical = pagecache.canonical_query(request, allowed=["page"])
        if not canonical:
            return canonical_redirect(request, query)
        cached = pagecache.ListPageCache(
            path=request.path,
            page_number=pagecache.page_number(query),
            origin=pagecache.origin(request),
        ).fetch()
        if cached.entry is None:
            response = super().get(request, *args, **kwargs)
            response.render()
            cached.store(content=response.content, content_type=response["Content-Type"])
        not_modified = get_conditional_response(
            request, etag=cached.etag, last_modified=cached.modified_at
        )
        response = not_modified or HttpResponse(
            cached.entry["content"], content_type=cached.entry["content_type"]
        )
        response["ETag"] = cached.etag
        response["Last-Modified"] = cached.last_modified
        return public(response)

    def get_queryset(self):
        return with_response_counts(Article.objects.published().select_related("section")).only(
            "title",
            "slug",
            "standfirst",
            "published_at",
            "section__name",
            "section__slug",
            "lead_image_alt",
            "lead_image_renditions",
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
    cached = False

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


ARTICLE_PARAMETERS = ("page", "reply_to")
# ?sort=newest: the comment list newest first (oldest first, the default, is not written).
ARTICLE_CHOICES = {"sort": [order for order in ORDERS if order != DEFAULT_ORDER]}


def _published_article(slug):
    return get_object_or_404(Article.objects.published().select_related("section"), slug=slug)


def public(response):
    """The same for every reader without cookies: shared caches may keep it for
    HTTP_SHARED_MAX_AGE seconds (then serve it stale while they ask again, or while the
    site fails); browsers ask again each time (ETag, Last-Modified)."""
    response.headers["Cache-Control"] = (
        f"public, max-age=0, s-maxage={settings.HTTP_SHARED_MAX_AGE}, "
        f"stale-while-revalidate={settings.HTTP_STALE_WHILE_REVALIDATE}, "
        f"stale-if-error={settings.HTTP_STALE_IF_ERROR}"
    )
    patch_vary_headers(response, ["Cookie"])
    return response


def private(response):
    """One reader's page (what is theirs, a signed-in user's CSRF token): browsers may
    keep it and ask again (ETag), shared caches never."""
    response.headers["Cache-Control"] = "private, no-cache"
    patch_vary_headers(response, ["Cookie"])
    return response


def shows_own_state(request):
    """Whether the page must be rendered for this request alone: a signed-in user, or
    flash messages waiting for the reader. A made-up session or messages cookie does not
    count: such a request gets the page every reader without cookies gets."""
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies and request.user.is_authenticated:
        return True
    if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
        return len(get_messages(request)) > 0
    return False


def canonical_redirect(request, query):
    """A permanent redirect to this page written as the site writes it."""
    url = request.path + (f"?{urlencode(query)}" if query else "")
    return public(HttpResponsePermanentRedirect(url))


@require_safe
def article_detail(request, slug):
    """The article page. Its parts that are the same for every reader come from the cache
    (articles.pagecache); a reader without cookies gets them as they are, public. For a
    reader with a cookie, only their pressed buttons and the counts are read, in one
    query. A signed-in user, flash messages, and a reader with comments awaiting
    moderation or reports, get the page rendered for them. A query string that does not
    change the page is sent to the page it means."""
    query, canonical = pagecache.canonical_query(
        request, allowed=ARTICLE_PARAMETERS, choices=ARTICLE_CHOICES
    )
    if not canonical:
        return canonical_redirect(request, query)
    if shows_own_state(request):
        return render_article(request, _published_article(slug))
    number = pagecache.page_number(query)
    cached = pagecache.ArticlePageCache(
        slug=slug,
        page_number=number,
        reply_to=query.get("reply_to"),
        order=query.get("sort"),
        origin=pagecache.origin(request),
    ).fetch()
    if cached.missing:
        return _missing_page(cached)
    if cached.page is None and number > 1 and number > (cached.known_page_count() or number):
        raise Http404("No such page of comments.")
    reader_id = reader_id_from_cookie(request)
    if reader_id is None and cached.complete:
        return _shared_page(request, cached)

    article = None if cached.page else _published_article(slug)
    article_id = article.pk if article else cached.page["article_id"]
    enabled = article.reactions_enabled if article else cached.page["reactions_enabled"]
    if reader_id is None:
        if cached.bar is None or cached.bar["enabled"] != enabled:
            counts = reaction_counts(article_id)
            _store_reaction_bar(cached, slug=slug, counts=counts, enabled=enabled)
        return _store_page(request, cached, article=article, query=query) or _shared_page(
            request, cached
        )
    state = reader_state(article_id=article_id, reader_id=reader_id)
    if state.has_own_comments_or_reports:
        return render_article(request, article or _published_article(slug), mine=state.reactions)
    if (
        cached.bar is None
        or cached.bar["counts"] != state.counts
        or cached.bar["enabled"] != enabled
    ):
        _store_reaction_bar(cached, slug=slug, counts=state.counts, enabled=enabled)
    return _store_page(request, cached, article=article, query=query) or _readers_page(
        request, cached, reader_id=reader_id, mine=state.reactions
    )


def _store_page(request, cached, *, article, query):
    """Render and keep the page part if the cache has none: None, or what to answer
    instead when there is no such page (no such comment page, no comment to reply to)."""
    if cached.page is not None:
        return None
    number = pagecache.page_number(query)
    reply_to = query.get("reply_to")
    if reply_to is not None and find_reply_target(article=article, pk=reply_to) is None:
        # No comment to reply to: found out with one query, not a page's render.
        cached.store_missing(redirect=request.path + _page_query(number))
        return _missing_page(cached)
    context = article_page_context(request, article, reader_id=None, page_number=number)
    comments = context["comments"]
    cached.store_page_count(comments.page.paginator.num_pages)
    if comments.page.number != number:
        cached.store_missing()
        return _missing_page(cached)
    if query.get("reply_to") != getattr(context["reply_to"], "pk", None):
        # No comment to reply to: the page with the ordinary form.
        cached.store_missing(redirect=request.path + _page_query(number))
        return _missing_page(cached)
    cached.store_page(
        article_id=article.pk,
        reactions_enabled=article.reactions_enabled,
        html=_render_page_for_cache(request, context),
    )
    return None


def _readers_page(request, cached, *, reader_id, mine):
    """The page of a reader with a cookie: their pressed buttons; private."""
    etag = cached.etag(reader_state=(reader_id, sorted(mine)))
    # By ETag only: what is theirs can change while the page's time does not.
    not_modified = _not_modified(request, etag=etag, modified_at=None)
    if not_modified is not None:
        return private(not_modified)
    response = HttpResponse(cached.body(mine=mine))
    response["ETag"] = etag
    response["Last-Modified"] = cached.last_modified
    return private(response)


def _page_query(number):
    return f"?page={number}" if number > 1 else ""


def _missing_page(cached):
    """No such comment page (404), or no comment to reply to (to the page without it)."""
    if cached.page["redirect"]:
        return public(HttpResponseRedirect(cached.page["redirect"]))
    raise Http404("No such page of comments.")


def _shared_page(request, cached):
    """The page every reader without cookies gets, or a 304 if they have it already."""
    etag = cached.etag()
    response = _not_modified(request, etag=etag, modified_at=cached.modified_at)
    if response is None:
        response = HttpResponse(cached.body())
        response["Last-Modified"] = cached.last_modified
    response["ETag"] = etag
    return public(response)


def _not_modified(request, *, etag, modified_at):
    """A 304 if the request's conditions say the reader has this page already."""
    meta = request.META
    if "HTTP_IF_NONE_MATCH" not in meta and "HTTP_IF_MODIFIED_SINCE" not in meta:
        return None
    return get_conditional_response(request, etag=etag, last_modified=modified_at)


def _store_reaction_bar(cached, *, slug, counts, enabled):
    """Keep the bar as a reader without reactions sees it, with each button unpressed and
    pressed: a reader's own bar is made by swapping buttons. Nothing, where editors
    switched reactions off."""
    items = bar.bar_items(counts=counts, mine=()) if enabled else []
    article = {"slug": slug, "reactions_enabled": enabled}
    html = render_to_string(bar.BAR_TEMPLATE, {"article": article, "reactions": items})
    buttons = {
        item["key"]: (
            render_to_string(bar.BUTTON_TEMPLATE, {"reaction": item}),
            render_to_string(bar.BUTTON_TEMPLATE, {"reaction": {**item, "mine": True}}),
        )
        for item in items
    }
    cached.store_bar(counts=counts, enabled=enabled, html=html, buttons=buttons)


def _render_page_for_cache(request, context):
    """The page as a reader without cookies sees it, with a placeholder for the reaction
    bar: rendered without the request's user and messages, which are never kept."""
    context.update(
        reaction_bar_placeholder=pagecache.reaction_bar_placeholder(),
        messages=(),
        user=AnonymousUser(),
    )
    return render_to_string(ARTICLE_TEMPLATE, context, request=request)


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
    request,
    article,
    *,
    comment_form=None,
    comments_error=None,
    status=200,
    preview=None,
    mine=None,
):
    """The article page rendered for this request alone; also what a refused or invalid
    comment gets back, with its form, and the staff's preview (`preview`: what the banner
    above it says). `mine`: the reader's reactions, when known."""
    reader_id = reader_id_from_request(request)
    context = article_page_context(
        request,
        article,
        reader_id=reader_id,
        page_number=request.GET.get("page"),
        comment_form=comment_form,
        comments_error=comments_error,
    )
    context["reactions"] = bar.reaction_bar(article=article, reader_id=reader_id, mine=mine)
    context["preview"] = preview
    html = render_to_string(ARTICLE_TEMPLATE, context, request=request)
    return private(HttpResponse(html, status=status))


def article_page_context(
    request, article, *, reader_id, page_number, comment_form=None, comments_error=None
):
    """What the article page shows, but the reaction bar."""
    canonical_url = absolute_url(request, article.get_absolute_url())
    order = request.GET.get("sort")
    comments = comment_list(
        article=article,
        reader_id=reader_id,
        page_number=page_number,
        order=order if order in ORDERS else DEFAULT_ORDER,
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
    image = share_image(article)
    if image["url"].startswith("/"):
        image["url"] = absolute_url(request, image["url"])
    return {
        "article": article,
        "canonical_url": canonical_url,
        "share_image": image,
        "json_ld": news_article_json_ld(
            article=article,
            url=canonical_url,
            site_url=absolute_url(request, "/"),
            image_url=image["url"],
        ),
        "share_links": share_links(url=canonical_url, title=article.title),
        "comments": comments,
        "comment_form": comment_form,
        "reply_to": reply_to,
        "comments_error": comments_error,
        "more_in_section": more_in_section(article),
    }


MORE_IN_SECTION = 4


def more_in_section(article):
    """The latest other published articles of the article's section, in one query (the
    index article_section_published_idx). The cached page is stamped with the lists'
    generation, which every article's publication, edit and removal bumps."""
    if article.section_id is None:
        return []
    return list(
        Article.objects.published()
        .filter(section_id=article.section_id)
        .exclude(pk=article.pk)
        .only("title", "slug", "published_at")[:MORE_IN_SECTION]
    )
