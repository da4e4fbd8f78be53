from django.conf import settings
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from articles.models import Article
from comments import ratelimit, services
from comments.reactions import reaction_state
from comments.readers import new_reader_id, reader_id_from_request, remember_reader

FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class HttpResponseSeeOther(HttpResponseRedirect):
    status_code = 303


def wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


def refuse(request, *, article, message, status):
    """A refusal the reader can read: JSON for scripts, a page for forms."""
    if wants_json(request):
        response = JsonResponse({"error": message}, status=status)
    else:
        response = render(
            request,
            "comments/refused.html",
            {"article": article, "message": message},
            status=status,
        )
    if status == 429:
        response["Retry-After"] = str(settings.REACTION_RATE_WINDOW)
    return response


def reaction_problem(request):
    """What is wrong with a toggle request, or None when it names one known reaction."""
    if request.content_type not in FORM_CONTENT_TYPES:
        return "Send the reaction as a form, with the field 'emoji'."
    keys = request.POST.getlist("emoji")
    if not keys:
        return "Choose a reaction: the form field 'emoji' is missing."
    if len(keys) > 1:
        return "Send one reaction at a time: the field 'emoji' is repeated."
    if keys[0] not in services.reaction_keys():
        return f"There is no reaction called {keys[0][:40]!r}."
    return None


def within_reaction_limits(request, reader_id):
    window = settings.REACTION_RATE_WINDOW
    by_address = ratelimit.hit(
        scope="reaction-address",
        identity=ratelimit.client_address_hash(request),
        limit=settings.REACTION_RATE_LIMIT_PER_ADDRESS,
        window=window,
    )
    by_reader = ratelimit.hit(
        scope="reaction-reader",
        identity=reader_id,
        limit=settings.REACTION_RATE_LIMIT_PER_READER,
        window=window,
    )
    return by_address and by_reader


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def reactions(request, slug):
    """GET: the bar's counts and the reader's own reactions, as JSON. POST: toggle one."""
    article = get_object_or_404(Article.objects.published(), slug=slug)
    reader_id = reader_id_from_request(request)
    if request.method != "POST":
        return JsonResponse(reaction_state(article=article, reader_id=reader_id))

    problem = reaction_problem(request)
    if problem:
        return refuse(request, article=article, message=problem, status=400)
    new_reader = reader_id is None
    if new_reader:
        reader_id = new_reader_id()
    if not within_reaction_limits(request, reader_id):
        message = "Too many reactions at once: please wait a minute and try again."
        return refuse(request, article=article, message=message, status=429)
    services.toggle_reaction(article=article, reader_id=reader_id, emoji=request.POST["emoji"])
    if wants_json(request):
        response = JsonResponse(reaction_state(article=article, reader_id=reader_id))
    else:
        response = HttpResponseSeeOther(f"{article.get_absolute_url()}#reactions")
    if new_reader:
        remember_reader(response, reader_id)
    return response
