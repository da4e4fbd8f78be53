from dataclasses import dataclass

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from articles import pagecache
from articles.models import Article
from newsroom import ratelimit
from newsroom.crossorigin import cross_origin_protected
from newsroom.readers import (
    new_reader_checks,
    new_reader_id,
    new_readers_message,
    reader_id_from_request,
    remember_reader,
)
from newsroom.responses import HttpResponseSeeOther, wants_json
from reactions import services

FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# The form field that names the reaction: "emoji" in the public contract, holding a key.
FIELD = "emoji"
RATE_LIMITED_MESSAGE = "Too many reactions at once: please try again {wait}."
SWITCHED_OFF_MESSAGE = "Reactions are switched off for this article."


@dataclass(frozen=True)
class ArticleRef:
    """What a toggle needs of an article: its id and its address."""

    pk: int
    slug: str

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})


def reaction_problem(request):
    """What is wrong with a toggle request, or None when it names one known reaction."""
    if request.content_type not in FORM_CONTENT_TYPES:
        return f"Send the reaction as a form, with the field '{FIELD}'."
    keys = request.POST.getlist(FIELD)
    if not keys:
        return f"Choose a reaction: the form field '{FIELD}' is missing."
    if len(keys) > 1:
        return f"Send one reaction at a time: the field '{FIELD}' is repeated."
    if keys[0] not in services.reaction_keys():
        return f"There is no reaction called {keys[0][:40]!r}."
    return None


def reaction_limit_exceeded(request, reader_id, *, new_reader):
    """None, or the limit reached (nothing counted): the reader's or the address's on
    toggles, or, for a reader this toggle makes, the address's on new readers."""
    window = settings.REACTION_RATE_WINDOW
    return ratelimit.hit_each(
        [
            ("reaction-reader", reader_id, [(settings.REACTION_RATE_LIMIT_PER_READER, window)]),
            *ratelimit.address_checks(
                "reaction-address", request, [(settings.REACTION_RATE_LIMIT_PER_ADDRESS, window)]
            ),
            *(new_reader_checks(request) if new_reader else []),
        ]
    )


def refuse(request, *, slug, message, status, retry_after=None):
    """A refusal the reader can read: JSON for scripts, a page for forms."""
    if wants_json(request):
        response = JsonResponse({"error": message}, status=status)
    else:
        article = get_object_or_404(Article.objects.published(), slug=slug)
        context = {"article": article, "message": message}
        response = render(request, "reactions/refused.html", context, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@never_cache
@cross_origin_protected
@require_http_methods(["GET", "HEAD", "POST"])
def toggle(request, slug):
    """GET: the bar's counts and the reader's own reactions, as JSON. POST: toggle one."""
    found = pagecache.published_article(slug)
    if found is None:
        raise Http404("No such article.")
    article = ArticleRef(pk=found["id"], slug=slug)
    reader_id = reader_id_from_request(request)
    if request.method != "POST":
        state = services.reaction_state(article=article, reader_id=reader_id)
        return JsonResponse(state.as_json())

    if not found["reactions_enabled"]:
        return refuse(request, slug=slug, message=SWITCHED_OFF_MESSAGE, status=403)
    problem = reaction_problem(request)
    if problem:
        return refuse(request, slug=slug, message=problem, status=400)
    new_reader = reader_id is None
    if new_reader:
        reader_id = new_reader_id()
    exceeded = reaction_limit_exceeded(request, reader_id, new_reader=new_reader)
    if exceeded:
        message = new_readers_message(exceeded) or RATE_LIMITED_MESSAGE.format(wait=exceeded.wait)
        return refuse(
            request, slug=slug, message=message, status=429, retry_after=exceeded.retry_after
        )
    state = services.toggle_reaction(article=article, reader_id=reader_id, key=request.POST[FIELD])
    if wants_json(request):
        response = JsonResponse(state.as_json())
    else:
        response = HttpResponseSeeOther(f"{article.get_absolute_url()}#reactions")
    if new_reader:
        remember_reader(response, reader_id)
    return response
