from django.conf import settings
from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods, require_POST

from articles import pagecache
from articles.models import Article
from articles.views import render_article
from comments import services
from comments.forms import CommentForm, ReportForm
from comments.models import Comment, Report
from comments.threads import thread_page
from newsroom import ratelimit
from newsroom.clients import request_address_hashes
from newsroom.crossorigin import cross_origin_protected
from newsroom.readers import new_reader_id, reader_id_from_request, remember_reader
from newsroom.responses import HttpResponseSeeOther, wants_json


def _published(slug):
    """{"id", "comments_mode"} of the published article at `slug`, known from the page
    cache most of the time; 404 if there is none."""
    found = pagecache.published_article(slug)
    if found is None:
        raise Http404("No such article.")
    return found


def _article_to_comment_on(slug):
    """The published article at `slug` with what a comment needs (its id, address and
    comments mode); the rest is loaded only if the page is shown again."""
    found = _published(slug)
    article = Article(pk=found["id"], slug=slug, comments_mode=found["comments_mode"])
    article.is_reference = True  # only these fields: see _shown()
    return article


def _shown(article):
    """The whole article, to show its page again (a refusal, a form error)."""
    if not getattr(article, "is_reference", False):
        return article
    return get_object_or_404(
        Article.objects.published().select_related("section"), slug=article.slug
    )


COMMENT_PENDING_MESSAGE = "Thanks — your comment is awaiting moderation"
COMMENT_PUBLISHED_MESSAGE = "Your comment is published"
FORM_ERROR_MESSAGE = "Your comment was not posted: please correct what is marked below."
REPORTED_MESSAGE = "Reported — thank you"
ALREADY_REPORTED_MESSAGE = "You have already reported this comment: thank you."
REPORT_REFUSED_MESSAGE = (
    "You can no longer report comments on this site: a moderator has blocked you, "
    "until a moderator lifts the block."
)
REPORTS_RATE_LIMITED_MESSAGE = (
    "You are reporting too fast: at most {count} reports in {window}. Please try again {wait}."
)


def _comment_url(*, article, comment, reader_id, anchor=None, page=None):
    if page is None:
        page = thread_page(comment=comment, reader_id=reader_id)
    query = f"?page={page}" if page > 1 else ""
    return f"{article.get_absolute_url()}{query}#{anchor or f'comment-{comment.pk}'}"


def _refused(request, *, article, refusal, form=None):
    if wants_json(request):
        response = JsonResponse({"error": refusal.message}, status=refusal.status)
    else:
        if form is not None:
            form.add_error(None, refusal.message)
        response = render_article(
            request,
            _shown(article),
            comment_form=form,
            comments_error=None if form is not None else refusal.message,
            status=refusal.status,
        )
    if refusal.retry_after:
        response["Retry-After"] = str(refusal.retry_after)
    return response


@cross_origin_protected
@require_POST
def post_comment(request, slug):
    """A reader's comment or reply: stored, moderated, then 303 back to it (or 4xx)."""
    article = _article_to_comment_on(slug)
    reader_id = reader_id_from_request(request)
    address_hashes = request_address_hashes(request)
    address_hash = address_hashes[0]
    if article.comments_closed:
        refusal = services.CommentRefused(services.CLOSED_MESSAGE, status=403)
        return _refused(request, article=article, refusal=refusal)

    form = CommentForm(request.POST, article=article)
    if not form.is_valid():
        # A banned reader hears that, whatever they typed (submit_comment checks valid ones).
        try:
            services.ensure_can_comment(
                article=article, reader_id=reader_id, address_hash=address_hash
            )
        except services.CommentRefused as refusal:
            return _refused(request, article=article, refusal=refusal)
        if wants_json(request):
            return JsonResponse(
                {"error": FORM_ERROR_MESSAGE, "errors": form.errors.get_json_data()}, status=400
            )
        return render_article(request, _shown(article), comment_form=form, status=400)

    new_reader = reader_id is None
    if new_reader:
        reader_id = new_reader_id()
    data = form.cleaned_data
    try:
        posted = services.submit_comment(
            article=article,
            reader_id=reader_id,
            address_hash=address_hash,
            name=data["name"],
            email=data["email"],
            body=data["body"],
            parent=data["parent"],
            honeypot=data["website"],
            address_hashes=address_hashes,
        )
    except services.CommentRefused as refusal:
        # Closed or banned: the reader cannot comment at all, the form goes.
        kept = form if refusal.status != 403 else None
        return _refused(request, article=article, refusal=refusal, form=kept)

    comment = posted.comment
    published = comment.status == Comment.Status.APPROVED
    message = COMMENT_PUBLISHED_MESSAGE if published else COMMENT_PENDING_MESSAGE
    message = posted.held_message or message
    url = _comment_url(article=article, comment=comment, reader_id=reader_id, page=posted.page)
    if wants_json(request):
        response = JsonResponse(
            {
                "id": comment.pk,
                "status": "published" if published else "awaiting moderation",
                "message": message,
                "url": url,
            },
            status=201,
        )
    else:
        # Shown at the comment, where the page opens (articles' comment.html).
        messages.success(request, message, extra_tags=f"comment-{comment.pk}")
        response = HttpResponseSeeOther(url)
    if new_reader:
        remember_reader(response, reader_id)
    return response


@cross_origin_protected
@require_http_methods(["GET", "HEAD", "POST"])
def report(request, pk):
    """A reader reports a comment, once; enough reports send it back to the queue. GET: the
    report form on a page of its own (the comment's Report link without JavaScript)."""
    comment = get_object_or_404(
        Comment.objects.filter(article__in=Article.objects.published()).select_related("article"),
        pk=pk,
    )
    article = comment.article
    reader_id = reader_id_from_request(request)
    reported = bool(reader_id) and comment.reports.filter(reader_id=reader_id).exists()
    if comment.status != Comment.Status.APPROVED and not reported:
        raise Http404("No comment to report here.")
    address_hashes = request_address_hashes(request)
    if services.ban_on(reader_id=reader_id, address_hash=address_hashes[0]) == services.Ban.READER:
        refusal = services.CommentRefused(
            services.banned_message(reader_id, REPORT_REFUSED_MESSAGE), status=403
        )
        return _refused(request, article=article, refusal=refusal)
    if request.method != "POST":
        return _report_page(request, comment=comment, reported=reported)

    form = ReportForm(request.POST)
    if not form.is_valid():
        message = form.errors["reason"][0]
        if wants_json(request):
            return JsonResponse({"error": message}, status=400)
        return render_article(request, _shown(article), comments_error=message, status=400)
    limits = settings.COMMENTS_REPORT_RATE_LIMITS
    exceeded = ratelimit.hit_each(
        [
            ("reports", f"reader:{reader_id}" if reader_id else "", limits),
            *ratelimit.address_checks("reports", request, limits),
        ]
    )
    if exceeded:
        message = REPORTS_RATE_LIMITED_MESSAGE.format(
            count=exceeded.count, window=exceeded.window, wait=exceeded.wait
        )
        refusal = services.CommentRefused(message, status=429, retry_after=exceeded.retry_after)
        return _refused(request, article=article, refusal=refusal)

    new_reader = reader_id is None
    if new_reader:
        reader_id = new_reader_id()
    result = services.report_comment(
        comment=comment,
        reader_id=reader_id,
        address_hash=address_hashes[0],
        network_hash=address_hashes[-1],
        reason=form.cleaned_data["reason"],
    )
    response = _reported(request, comment=comment, reader_id=reader_id, result=result)
    if new_reader:
        remember_reader(response, reader_id)
    return response


def _report_page(request, *, comment, reported):
    """The report form on a page of its own; what the comment says only while it is
    shown to everyone (a reporter does not get to read a comment taken down)."""
    context = {
        "article": comment.article,
        "comment": comment,
        "shown": comment.status == Comment.Status.APPROVED,
        "report_reasons": Report.Reason.choices,
        "already_reported": ALREADY_REPORTED_MESSAGE if reported else None,
    }
    response = render(request, "comments/report.html", context)
    add_never_cache_headers(response)
    return response


def _reported(request, *, comment, reader_id, result):
    """The answer to a report: JSON for scripts, else back to the comment (or where it
    was, when the report took it away)."""
    message = REPORTED_MESSAGE if result.created else ALREADY_REPORTED_MESSAGE
    if wants_json(request):
        return JsonResponse(
            {
                "reported": True,
                "created": result.created,
                "hidden": result.hidden,
                "message": message,
            }
        )
    messages.success(request, message)
    anchor = None
    if result.hidden:
        anchor = f"comment-{comment.parent_id}" if comment.parent_id else "comment-list"
    return HttpResponseSeeOther(
        _comment_url(article=comment.article, comment=comment, reader_id=reader_id, anchor=anchor)
    )
