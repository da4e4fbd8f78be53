"""The benchmark's data and wrk scripts. Run by bench/run.py with the bench's settings:

    python bench/prepare.py load                 # the articles the targets use
    python bench/prepare.py scripts DIRECTORY    # the wrk Lua scripts, with readers

Readers: each request of the toggle and comment targets comes from its own reader (a
signed reader cookie) and its own client address (X-Forwarded-For, which the app trusts
with NUM_PROXIES=1, as behind one reverse proxy), cycling through enough of them that no
reader and no address passes the rate limits (60 toggles a minute; 5 comments in 10
minutes). Their posts say they come from the site's own pages (`Sec-Fetch-Site:
same-origin`), as a browser's do: the reader endpoints check that, not a token.
"""

import hashlib
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.utils import timezone  # noqa: E402

from articles.models import Article  # noqa: E402
from comments.models import Comment  # noqa: E402
from newsroom.readers import READER_COOKIE_SALT  # noqa: E402
from reactions.models import Reaction  # noqa: E402
from reactions.services import reaction_keys, recount_reactions  # noqa: E402

SEED_SLUG = "new-revelations-on-assads-final-24-hours-in-syria"
HEAVY_SLUG = "bench-500-comments"
TOGGLES_SLUG = "bench-reactions"
COMMENTS_SLUG = "bench-comments"
REACTED_READERS = 2000
HEAVY_COMMENTS = 500
HEAVY_REACTIONS = 20_000
# Enough that none passes a limit in a whole `make bench`: a reader toggles at most once
# every len(readers) requests, and comments at most once every len(readers) posts.
TOGGLE_READERS = 20_000
COMMENT_READERS = 50_000


def reader_id(kind, number):
    """The same reader ids every time: the scripts can be made again for the same data."""
    return hashlib.sha256(f"bench-{kind}-{number}".encode()).hexdigest()[:48]


def load():
    call_command("seed_demo", verbosity=0)
    now = timezone.now()
    keys = reaction_keys()
    with transaction.atomic():
        seed = Article.objects.get(slug=SEED_SLUG)
        for slug, title in (
            (HEAVY_SLUG, "An article with 500 comments and 20,000 reactions"),
            (TOGGLES_SLUG, "An article readers react to"),
            (COMMENTS_SLUG, "An article readers comment on"),
        ):
            Article.objects.update_or_create(
                slug=slug,
                defaults={
                    "title": title,
                    "standfirst": seed.standfirst,
                    "byline": seed.byline,
                    "body": seed.body,
                    "status": Article.Status.PUBLISHED,
                    "published_at": now,
                    "section": seed.section,
                },
            )
        heavy = Article.objects.get(slug=HEAVY_SLUG)
        # Readers who reacted to the seed article: one to three reactions each.
        Reaction.objects.bulk_create(
            (
                Reaction(article=seed, reader_id=reader, key=keys[(n + k * 4) % len(keys)])
                for n, reader in enumerate(readers("reacted", REACTED_READERS))
                for k in range(n % 3 + 1)
            ),
            ignore_conflicts=True,
        )
        recount_reactions(article=seed)
        # The heavy article: 500 approved comments, threads with replies as generate_data
        # makes them (about 30% replies, on random threads).
        heavy.comments.all().delete()
        heavy.reactions.all().delete()
        rng = random.Random(500)
        n_threads = int(HEAVY_COMMENTS * 0.7)
        threads = Comment.objects.bulk_create(
            Comment(
                article=heavy,
                name=f"Reader {n}",
                body=f"Comment number {n}: what I saw, what I think, and why it matters.",
                status=Comment.Status.APPROVED,
                reader_id=reader_id("commenter", n),
            )
            for n in range(n_threads)
        )
        replies = []
        for n in range(HEAVY_COMMENTS - n_threads):
            parent = rng.choice(threads)
            replies.append(
                Comment(
                    article=heavy,
                    parent=parent,
                    name=f"Replier {n}",
                    body=f"Reply number {n}: I agree with some of it.",
                    status=Comment.Status.APPROVED,
                    reader_id=reader_id("replier", n),
                )
            )
        Comment.objects.bulk_create(replies)
        Reaction.objects.bulk_create(
            (
                Reaction(
                    article=heavy,
                    reader_id=reader_id("fan", n // len(keys)),
                    key=keys[n % len(keys)],
                )
                for n in range(HEAVY_REACTIONS)
            ),
            batch_size=5000,
        )
        recount_reactions(article=heavy)
        # The moderator who times the admin's queue (bench/run.py picks the password).
        user, _ = get_user_model().objects.get_or_create(
            username=os.environ["BENCH_MODERATOR"],
            defaults={"is_staff": True, "is_superuser": True},
        )
        user.set_password(os.environ["BENCH_MODERATOR_PASSWORD"])
        user.save()


def readers(kind, count):
    return [reader_id(kind, n) for n in range(count)]


def lua_string(value):
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def reader_cookie(reader):
    """The reader cookie as the site sets it: `reader` signed with the reader salt."""
    response = HttpResponse()
    response.set_signed_cookie(settings.READER_COOKIE_NAME, reader, salt=READER_COOKIE_SALT)
    return f"{settings.READER_COOKIE_NAME}={response.cookies[settings.READER_COOKIE_NAME].value}"


def scripts(directory):
    """bench/*.lua with their data in front: the path, the reaction keys, and the readers
    ({cookie, address}) of the scripts that post or read as readers."""
    directory = Path(directory)
    run = os.urandom(4).hex()  # new readers for each `make bench`: fresh rate limits
    kinds = {
        "reader_page": (f"/articles/{SEED_SLUG}/", "reacted", REACTED_READERS),
        "toggle": (f"/articles/{TOGGLES_SLUG}/reactions/", f"toggler-{run}", TOGGLE_READERS),
        "comment": (
            f"/articles/{COMMENTS_SLUG}/comments/",
            f"commenter-bench-{run}",
            COMMENT_READERS,
        ),
        "write": ("/bench/durable-write", "", 0),
    }
    keys = "{" + ", ".join(lua_string(key) for key in reaction_keys()) + "}"
    for name, (path, kind, count) in kinds.items():
        lines = [f"path = {lua_string(path)}", f"keys = {keys}", "readers = {"]
        for n in range(count):
            cookie = reader_cookie(reader_id(kind, n))
            address = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
            lines.append(f"  {{{lua_string(cookie)}, {lua_string(address)}}},")
        lines.append("}")
        body = (ROOT / "bench" / f"{name}.lua").read_text()
        (directory / f"{name}.lua").write_text("\n".join(lines) + "\n\n" + body)


if __name__ == "__main__":
    if sys.argv[1:2] == ["load"]:
        load()
    elif sys.argv[1:2] == ["scripts"] and len(sys.argv) == 3:
        scripts(sys.argv[2])
    else:
        sys.exit(__doc__)
