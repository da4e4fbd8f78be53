"""Pages rendered once and served many times, dropped the moment what they show changes.

What is cached. An article page is split in two: the page without its reaction bar, as a
reader without cookies sees it (the article, its comment list; per comment page, reply
form and origin), and the reaction bar with its counts. Both live in the cache that every
process shares (Redis, or the cache on local disk without it). A reader without cookies
gets the two joined: the same bytes for every such reader, which shared caches (nginx, a
CDN) may keep (articles.views). A reader with a cookie gets the same page with their
pressed buttons, read together with exact counts in one query; a reader whose comments
await moderation, or who reported one, a signed-in user and a request with flash
messages get the page rendered for them. The front page and section pages are cached
whole (the same for everyone).

Generations. Each page part is stamped with the generations it was rendered from: a
random token per article (its page: the article and its comments), one per article for
its reaction bar, one for the whole site (sections) and one for the article lists (the
article page carries it too: it ends with the latest articles of its section). They
live in the cache beside the parts. A write that changes what a part shows replaces the
token (a *bump*) at once and again when its transaction commits, so the part is never
used again. A reader reads the generations before the database, in the same cache round
trip as the parts: what it renders from the database is at least as new as the
generation it stores it under, so a page rendered from a state older than a commit is
never kept under the generation that commit made.

Who bumps: the signal receivers of model saves and deletes (articles/signals.py,
comments/signals.py, connected in the apps' ready()), and the services that write
without a save: reaction toggles, recounts and deletions (the bar's generation); featuring
and un-featuring a comment, and rejecting a banned reader's queue (comments.services: the
page's generation). A queryset
update sends no signal: code that makes one on what readers see calls the function
below for it (a write made in SQL, or by a queryset update that does not, shows within
PAGE_CACHE_SECONDS).

The local copy. Each process keeps what it last read from the cache, and uses it for
PAGE_CACHE_LOCAL_SECONDS instead of asking again: a page served from it costs about what
the framework's floor costs. A bump or toggle made by the process itself updates its copy
at once; one made by another process or server reaches it within PAGE_CACHE_LOCAL_SECONDS.

Staleness, as a reader sees it (the bound the tests check):
- their own reactions, comments awaiting moderation and reports: none, on any server;
  so are the reaction counts shown to a reader with a cookie;
- anything else on an article page: at most PAGE_CACHE_LOCAL_SECONDS (1 s) behind a
  write made through the app (views, services, the admin, model saves, queryset updates,
  management commands), and at once in the process that made it; behind a shared cache,
  HTTP_SHARED_MAX_AGE + HTTP_STALE_WHILE_REVALIDATE (2 s) more: 3 s in all;
- the front page and section pages: publications and edits as above; comment and
  reaction counts at most LIST_CACHE_SECONDS (5 s) old, plus the shared cache's 2 s;
- whatever happens (a write made outside the app, in SQL; a process that died between a
  commit and its bump): no part older than PAGE_CACHE_SECONDS (60 s) is used, which also
  bounds how old the relative times of comments ("5 minutes ago") can be;
- while Redis cannot be reached (newsroom/cache.py), each process keeps what it renders
  in its local copy only, used for PAGE_CACHE_LOCAL_SECONDS, so others' writes show
  within that bound; back in touch with Redis, it bumps the site's generation first, so
  nothing kept there before the outage, when its own bumps could not reach Redis, is
  used again.

A new release never serves parts cached by the previous one: the cache keys carry a
digest of the templates, the code and the static files' manifest.
"""

import hashlib
import secrets
import threading
import time
from functools import cache as memoize
from functools import lru_cache
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.dispatch import receiver
from django.urls import get_script_prefix
from django.utils.crypto import salted_hmac
from django.utils.http import http_date
from django.utils.safestring import mark_safe

from articles.models import Article
from newsroom import site
from newsroom.cache import cache_reconnected

# Generations outlive the parts by far; one that expires or is evicted starts afresh
# with a new random token, which no cached part carries.
GENERATION_TIMEOUT = 7 * 24 * 60 * 60
SITE_KEY = "gen:site"
LISTS_KEY = "gen:lists"
# Longest comment page number that is cached (longer ones are rendered each time).
MAX_PAGE_DIGITS = 6


def _digest(*parts):
    digest = hashlib.blake2b(digest_size=12)
    for part in parts:
        digest.update(part if isinstance(part, bytes) else str(part).encode())
        digest.update(b"\x1f")
    return digest.hexdigest()


def new_generation():
    return secrets.token_hex(8)


@memoize
def release():
    """A digest of what renders the pages: templates, code, the static files' manifest."""
    base = settings.BASE_DIR
    paths = sorted(
        path
        for pattern in (
            "templates/**/*.html",
            "articles/**/*.py",
            "comments/**/*.py",
            "reactions/**/*.py",
            "newsroom/**/*.py",
        )
        for path in base.glob(pattern)
        if "migrations" not in path.parts
    )
    manifest = settings.STATIC_ROOT / "staticfiles.json"
    if manifest.exists():
        paths.append(manifest)
    digest = hashlib.blake2b(digest_size=8)
    for path in paths:
        digest.update(str(path.relative_to(base) if path.is_relative_to(base) else path).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@memoize
def reaction_bar_placeholder():
    """The marker rendered into the cached page where the reaction bar goes. It is derived
    from SECRET_KEY, so no text a reader writes can contain it."""
    mark = salted_hmac("newsroom.pagecache", "placeholders").hexdigest()[:32]
    return mark_safe(f"<!--reaction-bar-{mark}-->")  # noqa: S308 (ours, no input)


def page_generation_key(slug):
    return f"gen:page:{_digest(slug)}"


def bar_generation_key(slug):
    return f"gen:bar:{_digest(slug)}"


# The local copy --------------------------------------------------------------------------


class LocalCopy:
    """What this process last read from the shared cache, key by key, with when."""

    def __init__(self):
        self._items = {}
        self._size = 0
        self._lock = threading.Lock()

    def get_many(self, keys, max_age):
        """The values of all `keys` read less than `max_age` seconds ago (None for keys
        the shared cache did not have), or None if any is older or unknown."""
        now = time.monotonic()
        values = {}
        for key in keys:
            item = self._items.get(key)
            if item is None or now - item[1] >= max_age:
                return None
            if item[0] is not None:
                values[key] = item[0]
        return values

    def set_many(self, values):
        now = time.monotonic()
        with self._lock:
            for key, value in values.items():
                self._size += _size_of(value)
                self._items[key] = (value, now)
            if self._size > settings.PAGE_CACHE_LOCAL_BYTES:
                # Crude but bounded: start again (a page is read from Redis again).
                self._items.clear()
                self._size = 0

    def clear(self):
        with self._lock:
            self._items.clear()
            self._size = 0

    def discard(self, key):
        with self._lock:
            self._items.pop(key, None)


def _size_of(value):
    if isinstance(value, dict):
        return sum(len(part) for part in value.values() if isinstance(part, bytes)) + 200
    return 100


local = LocalCopy()


def forget_local_copies():
    """Drop what this process keeps (tests, after emptying the cache)."""
    local.clear()


def _read(keys, *, local_ok):
    """The values of `keys`: from the local copy when allowed and fresh, else from the
    shared cache in one round trip (which refreshes the local copy)."""
    max_age = settings.PAGE_CACHE_LOCAL_SECONDS
    if local_ok and max_age > 0:
        values = local.get_many(keys, max_age)
        if values is not None:
            return values
    values = cache.get_many(keys)
    local.set_many({key: values.get(key) for key in keys})
    return values


def _write(key, value, timeout):
    if getattr(cache, "reachable", True):
        cache.set(key, value, timeout)
    # else: cut off from Redis, a process cannot see other processes' bumps: it keeps
    # what it renders in its local copy only, used for PAGE_CACHE_LOCAL_SECONDS.
    local.set_many({key: value})


def _current(values, key):
    """The generation under `key` in `values`, starting one if there is none."""
    generation = values.get(key)
    if generation is None:
        generation = new_generation()
        if not cache.add(key, generation, GENERATION_TIMEOUT):
            generation = cache.get(key) or generation
        local.set_many({key: generation})
    return generation


def _fresh(entry, generation, max_age):
    return (
        entry is not None
        and entry["generation"] == generation
        and time.time() - entry["rendered_at"] < max_age
    )


# Bumps ---------------------------------------------------------------------------------


def read_with_generation(generation_key, key):
    """The current generation under `generation_key` and the value under `key` (read them
    before the database): one round trip to the shared cache, or none while this
    process's copy of them is fresh (PAGE_CACHE_LOCAL_SECONDS)."""
    values = _read([generation_key, key], local_ok=True)
    return _current(values, generation_key), values.get(key)


def write(key, value, timeout):
    """Keep `value` in the shared cache and in this process's copy."""
    _write(key, value, timeout)


def bump(*keys):
    """New generations for `keys`: at once, and again when the current transaction
    commits (see _bump)."""
    _bump(keys)


def _bump(keys):
    """New generations for `keys` now and, inside a transaction, again when it commits.

    Both are needed. The first makes the write show at once to whoever reads inside the
    transaction (its own process, the tests, whose transactions never commit). A reader
    elsewhere may render the state from before the commit in between, and keep it under
    that first generation: the second, at the commit, retires it."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        return

    def bump():
        generations = {key: new_generation() for key in keys}
        cache.set_many(generations, GENERATION_TIMEOUT)
        local.set_many(generations)

    bump()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(bump)


@receiver(cache_reconnected)
def _bump_everything_after_an_outage(**kwargs):
    """Back in touch with Redis after carrying on without it: the bumps this process made
    meanwhile reached only its own memory, so no part kept in Redis before is used again."""
    generations = {SITE_KEY: new_generation(), LISTS_KEY: new_generation()}
    cache.set_many(generations, GENERATION_TIMEOUT)
    local.set_many(generations)


def article_changed(*slugs):
    """An article was saved, published, unpublished, renamed or deleted."""
    slugs = [slug for slug in slugs if slug]
    _bump([*(page_generation_key(slug) for slug in slugs), LISTS_KEY])


def comments_changed(*slugs):
    """A comment of these articles was written, moderated, reported or deleted."""
    _bump(page_generation_key(slug) for slug in slugs if slug)


def reactions_changed(slug):
    """A reaction count of this article changed: its bar is made again from the counts
    (readers with a cookie read their counts at once)."""
    _bump([bar_generation_key(slug)])


def site_changed():
    """Something every page may show changed (a section's name or address)."""
    _bump([SITE_KEY, LISTS_KEY])


def slugs_of(article_ids):
    ids = {pk for pk in article_ids if pk is not None}
    if not ids:
        return []
    return list(Article.objects.filter(pk__in=ids).values_list("slug", flat=True))


# Requests ------------------------------------------------------------------------------


def origin(request):
    """What absolute URLs in a page are built on, and so part of its cache key: one of the
    few origins the site is served at (newsroom.site.origin)."""
    return site.origin(request)


def canonical_query(request, *, allowed, choices=None):
    """The query parameters of this request that change the page, normalised
    ({name: value}), and whether the request's query string is already written so.

    `allowed`: the parameters the page knows, each a positive number (a page number
    below 2 or a value that is not a plain number of at most MAX_PAGE_DIGITS digits is
    dropped, as is every other parameter); `choices`: {parameter: its values but the
    default}, kept after them when one of those. A request that asks for the same page
    in another way is sent to this one instead of making a page, or a cache entry, of its
    own.
    """
    query_string = request.META.get("QUERY_STRING", "")
    if not query_string:
        return {}, True
    kept = {}
    for name in allowed:
        value = request.GET.get(name, "")
        if value.isascii() and value.isdigit() and len(value) <= MAX_PAGE_DIGITS:
            number = int(value)
            if number >= (2 if name == "page" else 1):
                kept[name] = number
    for name, values in (choices or {}).items():
        if request.GET.get(name) in values:
            kept[name] = request.GET[name]
    return kept, query_string == urlencode(kept)


def page_number(query):
    return query.get("page", 1)


def _etag(*parts):
    return f'W/"{_digest(*parts)}"'


# Article pages ---------------------------------------------------------------------------


def _bar_key(slug):
    return f"page:{release()}:bar:{_digest(slug)}"


@lru_cache(maxsize=1024)
def _article_page_keys(slug, page_number, reply_to, order, origin, script_prefix):
    """The keys of an article page's generation, of its page part and of its number of
    comment pages."""
    digest = _digest(slug, page_number, reply_to, order, origin, script_prefix)
    page_key = f"page:{release()}:article:{digest}"
    pages_key = f"page:{release()}:article-pages:{_digest(slug)}"
    return page_generation_key(slug), page_key, pages_key


class ArticlePageCache:
    """An article page's cached parts: the page without its reaction bar, as a reader
    without cookies sees it (per comment page, reply form, order of the comments and
    origin), and the reaction bar with its counts. Both are exact: writes drop them when
    they commit."""

    def __init__(self, *, slug, page_number, reply_to, origin, order=None):
        self.slug = slug
        self.page_number = page_number
        self.page_generation_key, self.page_key, self.pages_key = _article_page_keys(
            slug, page_number, reply_to, order, origin, get_script_prefix()
        )
        self.bar_generation_key = bar_generation_key(slug)
        self.bar_key = _bar_key(slug)
        self.page = None
        self.bar = None

    def fetch(self):
        """The page part and the bar, kept if still current: one round trip to the cache,
        or none while this process's copy of them is fresh."""
        keys = [
            SITE_KEY,
            LISTS_KEY,
            self.page_generation_key,
            self.bar_generation_key,
            self.page_key,
            self.bar_key,
        ]
        values = _read(keys, local_ok=True)
        # The lists' generation too: the page ends with the latest articles of its section.
        self.page_generation = (
            _current(values, SITE_KEY),
            _current(values, LISTS_KEY),
            _current(values, self.page_generation_key),
        )
        self.bar_generation = _current(values, self.bar_generation_key)
        page = values.get(self.page_key)
        if _fresh(page, self.page_generation, settings.PAGE_CACHE_SECONDS):
            self.page = page
        bar = values.get(self.bar_key)
        if _fresh(bar, self.bar_generation, settings.PAGE_CACHE_SECONDS):
            self.bar = bar
        return self

    @property
    def complete(self):
        return self.page is not None and self.bar is not None

    @property
    def missing(self):
        """Whether the page asked for is known not to exist (no such comment page, or no
        comment to reply to there)."""
        return self.page is not None and self.page.get("missing", False)

    def known_page_count(self):
        """How many comment pages the article has, if a current render said so."""
        entry = _read([self.pages_key], local_ok=True).get(self.pages_key)
        if _fresh(entry, self.page_generation, settings.PAGE_CACHE_SECONDS):
            return entry["count"]
        return None

    def store_page_count(self, count):
        entry = {"generation": self.page_generation, "rendered_at": time.time(), "count": count}
        _write(self.pages_key, entry, settings.PAGE_CACHE_SECONDS)

    def store_missing(self, *, redirect=None):
        """Keep that the page asked for does not exist, until the article changes; and
        where to send the reader instead, if anywhere."""
        self.page = {
            "generation": self.page_generation,
            "rendered_at": time.time(),
            "missing": True,
            "redirect": redirect,
        }
        _write(self.page_key, self.page, settings.PAGE_CACHE_SECONDS)

    def store_page(self, *, article_id, reactions_enabled, html):
        """Keep the page rendered for a reader without cookies, with the placeholder."""
        head, found, tail = html.partition(reaction_bar_placeholder())
        if not found:
            raise ValueError("The article page has no reaction bar placeholder.")
        now = time.time()
        self.page = {
            "generation": self.page_generation,
            "rendered_at": now,
            "last_modified": http_date(now),
            "digest": _digest(html),
            "article_id": article_id,
            "reactions_enabled": reactions_enabled,
            "head": head.encode(),
            "tail": tail.encode(),
        }
        _write(self.page_key, self.page, settings.PAGE_CACHE_SECONDS)

    def store_bar(self, *, counts, enabled, html, buttons):
        """Keep the counts, the bar as a reader without reactions sees it, and each button
        as it is in it and as it is pressed: {key: (html, pressed html)}."""
        now = time.time()
        self.bar = {
            "generation": self.bar_generation,
            "counts": counts,
            "enabled": enabled,
            "rendered_at": now,
            "digest": _digest(html),
            "html": html.encode(),
            "buttons": {
                key: (button.encode(), pressed.encode())
                for key, (button, pressed) in buttons.items()
            },
        }
        _write(self.bar_key, self.bar, settings.PAGE_CACHE_SECONDS)

    def etag(self, *, reader_state=None):
        """Changes with what the page shows; for a reader with a cookie, with what is
        theirs (`reader_state`)."""
        return _etag(self.page["digest"], self.bar["digest"], reader_state)

    @property
    def rendered_at(self):
        """When the newer of the two parts was made, as a timestamp."""
        return max(self.page["rendered_at"], self.bar["rendered_at"])

    @property
    def last_modified(self):
        return http_date(self.rendered_at)

    @property
    def modified_at(self):
        """Last-Modified as a timestamp, for django.utils.cache.get_conditional_response."""
        return int(self.rendered_at)

    def body(self, *, mine=()):
        """The page for this request: the buttons the reader has pressed (`mine`) shown
        pressed."""
        bar = self.bar["html"]
        for key in mine:
            if key in self.bar["buttons"]:
                button, pressed = self.bar["buttons"][key]
                bar = bar.replace(button, pressed, 1)
        return b"".join((self.page["head"], bar, self.page["tail"]))


def published_article(slug):
    """What writes need of the published article at `slug` ({"id", "comments_mode",
    "reactions_enabled"}), or
    None: from the cache while its page generation holds (publishing, unpublishing,
    renaming, closing or deleting it bumps that), else from the database, then kept."""
    key = f"page:{release()}:article-ref:{_digest(slug)}"
    generation_key = page_generation_key(slug)
    values = _read([SITE_KEY, generation_key, key], local_ok=True)
    generation = (_current(values, SITE_KEY), _current(values, generation_key))
    entry = values.get(key)
    if _fresh(entry, generation, settings.PAGE_CACHE_SECONDS):
        return entry["article"]
    article = (
        Article.objects.published()
        .filter(slug=slug)
        .values("id", "comments_mode", "reactions_enabled")
        .first()
    )
    if article is not None:
        entry = {"generation": generation, "rendered_at": time.time(), "article": article}
        _write(key, entry, settings.PAGE_CACHE_SECONDS)
    return article


# Lists -----------------------------------------------------------------------------------


class ListPageCache:
    """A page of an article list (the front page, a section), the same for every reader."""

    def __init__(self, *, path, page_number, origin):
        self.key = (
            f"page:{release()}:list:{_digest(path, page_number, origin, get_script_prefix())}"
        )
        self.entry = None

    def fetch(self):
        values = _read([SITE_KEY, LISTS_KEY, self.key], local_ok=True)
        self.generation = (_current(values, SITE_KEY), _current(values, LISTS_KEY))
        entry = values.get(self.key)
        if _fresh(entry, self.generation, settings.LIST_CACHE_SECONDS):
            self.entry = entry
        return self

    def store(self, *, content, content_type):
        now = time.time()
        self.entry = {
            "generation": self.generation,
            "rendered_at": now,
            "last_modified": http_date(now),
            "digest": _digest(content),
            "content": content,
            "content_type": content_type,
        }
        _write(self.key, self.entry, settings.LIST_CACHE_SECONDS)

    @property
    def etag(self):
        return _etag(self.entry["digest"])

    @property
    def last_modified(self):
        return self.entry["last_modified"]

    @property
    def modified_at(self):
        return int(self.entry["rendered_at"])
