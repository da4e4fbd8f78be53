from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.cache import never_cache

from articles.models import Article
from comments import services
from comments.reactions import reaction_state
from comments.readers import new_reader_id, reader_id_from_request, remember_reader


def _wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


def _bad_request(request, message, article):
    if _wants_json(request):
        return JsonResponse({"error": message}, status=400)
    response = JsonResponse({"error": message}, status=400)
    return response


@never_cache
def reactions(request, slug):
    """GET: the reader's view of the bar as JSON. POST: toggle one reaction."""
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    article = get_object_or_404(Article.objects.published(), slug=slug)
    reader_id = reader_id_from_request(request)
    if request.method != "POST":
        return JsonResponse(reaction_state(article=article, reader_id=reader_id))

    keys = request.POST.getlist("emoji")
    if not keys:
        return _bad_request(
            request, "Choose a reaction: the form field 'emoji' is missing.", article
        )
    if len(keys) > 1:
        return _bad_request(request, "Send one reaction at a time: 'emoji' is repeated.", article)
    if keys[0] not in services.reaction_keys():
        return _bad_request(request, f"Unknown reaction {keys[0][:40]!r}.", article)

    new_reader = reader_id is None
    if new_reader:
        reader_id = new_reader_id()
    services.toggle_reaction(article=article, reader_id=reader_id, emoji=keys[0])
    if _wants_json(request):
        response = JsonResponse(reaction_state(article=article, reader_id=reader_id))
    else:
        response = redirect(article.get_absolute_url() + "#reactions", permanent=False)
        response.status_code = 303
    if new_reader:
        remember_reader(response, reader_id)
    return response
