"""The write targets' ceilings: a toggle and a comment with no database write in the
request, each acknowledged once Redis has queued it (a write-behind design that was NOT
built: nothing reads the queues). Only bench/ceilings.py serves these views, through
bench/ceilings_site.py; the site never routes them.
"""

import secrets
import time

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from comments.clients import request_address_hash
from comments.forms import CommentForm
from comments.readers import reader_id_from_request
from comments.views import (
    COMMENT_PENDING_MESSAGE,
    HttpResponseSeeOther,
    _article_to_comment_on,
    _published,
    reaction_problem,
)

# The toggle's rate limits (as comments.views.reaction_limit_exceeded), the reader's own
# set of reactions, the counts and the queue: one script, one round trip.
TOGGLE = """
local now, window, allowed = tonumber(ARGV[1]), tonumber(ARGV[5]), tonumber(ARGV[6])
for i = 1, 2 do
  if redis.call('ZCOUNT', KEYS[i], now - window, '+inf') >= allowed then return -1 end
end
for i = 1, 2 do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
  redis.call('ZADD', KEYS[i], now, ARGV[4])
  redis.call('EXPIRE', KEYS[i], window)
end
local on = 1
if redis.call('SREM', KEYS[3], ARGV[2]) == 1 then
  on = 0
  redis.call('HINCRBY', KEYS[4], ARGV[2], -1)
else
  redis.call('SADD', KEYS[3], ARGV[2])
  redis.call('HINCRBY', KEYS[4], ARGV[2], 1)
end
redis.call('XADD', KEYS[5], '*', 'reader', ARGV[3], 'emoji', ARGV[2], 'on', on)
return {redis.call('HGETALL', KEYS[4]), redis.call('SMEMBERS', KEYS[3])}
"""

# A comment's rate limits (the reader's, the address's) and the queue: one round trip.
COMMENT = """
local now = tonumber(ARGV[1])
for i = 1, 2 do
  if redis.call('ZCOUNT', KEYS[i], now - 600, '+inf') >= 5 then return -1 end
end
for i = 1, 2 do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - 600)
  redis.call('ZADD', KEYS[i], now, ARGV[2])
  redis.call('EXPIRE', KEYS[i], 600)
end
return redis.call('XADD', KEYS[3], '*', 'article', ARGV[3], 'reader', ARGV[4],
  'name', ARGV[5], 'body', ARGV[6])
"""


def run_script(script, *, keys, args):
    """By its digest, as the project's own scripts (redis-py loads it again if needed)."""
    client = cache._cache.get_client(write=True)
    return client.register_script(script)(keys=keys, args=args)


def queue_comment(request, *, article_id, reader_id, name, body):
    """The COMMENT script: False if a rate limit is reached (nothing queued)."""
    queued = run_script(
        COMMENT,
        keys=[
            key("comment-reader", reader_id),
            key("comment-address", request_address_hash(request)),
            key("queue", "comments", article_id),
        ],
        args=[repr(time.time()), secrets.token_hex(4), article_id, reader_id, name, body],
    )
    return queued != -1


def key(*parts):
    """Under the cache's prefix, which bench/run.py removes from Redis at the end."""
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    return ":".join((prefix, "ceilings", *map(str, parts)))


@require_POST
def post_floor(request):
    """The floor, as a POST: the same middleware, the CSRF check, the form read."""
    return HttpResponse(b"floor\n", content_type="text/plain")


@never_cache
@require_POST
def toggle_write_behind(request, slug):
    """As comments.views.reactions (JSON), the database replaced by one Redis script."""
    article_id = _published(slug)["id"]
    reader_id = reader_id_from_request(request)
    problem = reaction_problem(request)
    if problem or reader_id is None:
        return JsonResponse({"error": problem or "No reader cookie."}, status=400)
    result = run_script(
        TOGGLE,
        keys=[
            key("reaction-reader", reader_id),
            key("reaction-address", request_address_hash(request)),
            key("mine", article_id, reader_id),
            key("counts", article_id),
            key("queue", "reactions", article_id),
        ],
        args=[
            repr(time.time()),
            request.POST["emoji"],
            reader_id,
            secrets.token_hex(4),
            settings.REACTION_RATE_WINDOW,
            settings.REACTION_RATE_LIMIT_PER_READER,
        ],
    )
    if result == -1:
        return JsonResponse({"error": "Too many reactions at once."}, status=429)
    flat, mine = result
    counts = {k.decode(): int(v) for k, v in zip(flat[::2], flat[1::2], strict=True)}
    return JsonResponse({"counts": counts, "mine": sorted(m.decode() for m in mine)})


@require_POST
def comment_write_behind(request, slug):
    """As comments.views.post_comment without JavaScript (the form, its checks, the rate
    limits, the message, the 303), the database replaced by the COMMENT script."""
    article = _article_to_comment_on(slug)
    reader_id = reader_id_from_request(request)
    form = CommentForm(request.POST, article=article)
    if reader_id is None or not form.is_valid():
        return JsonResponse({"error": form.errors.get_json_data()}, status=400)
    data = form.cleaned_data
    if not queue_comment(
        request, article_id=article.pk, reader_id=reader_id, name=data["name"], body=data["body"]
    ):
        return JsonResponse({"error": "Too many comments."}, status=429)
    messages.success(request, COMMENT_PENDING_MESSAGE)
    return HttpResponseSeeOther(f"{article.get_absolute_url()}#comments")


@require_POST
def comment_minimal(request, slug):
    """The least a comment can do: the CSRF check, the reader, two fields checked by hand,
    one Redis script (rate limits and queue), a 303 with no message."""
    article_id = _published(slug)["id"]
    reader_id = reader_id_from_request(request)
    name = request.POST.get("name", "").strip()
    body = request.POST.get("body", "").strip()
    if reader_id is None or not name or not body or len(name) > 80 or len(body) > 5000:
        return JsonResponse({"error": "Name and comment, please."}, status=400)
    if not queue_comment(request, article_id=article_id, reader_id=reader_id, name=name, body=body):
        return JsonResponse({"error": "Too many comments."}, status=429)
    return HttpResponseSeeOther(f"/articles/{slug}/#comments")
