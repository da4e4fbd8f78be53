"""Fill the database with a realistic amount of news: articles, comments and reactions.

    python manage.py generate_data --articles 10000 --comments 1000000 --reactions 1000000

Rows go in by bulk: PostgreSQL's COPY (through psycopg), elsewhere multi-row inserts.
Activity is skewed the way a news site's is: article popularity follows a Zipf law (a few
hot articles hold most comments and reactions), so do readers' activity and the choice of
emoji. Comments come in threads (about a third are replies), mostly approved, some
pending, rejected or spam. Reaction counters (ReactionCount) are written from the same
rows, so they equal what a recount gives. Only the new articles receive activity.
"""

import itertools
import random
import secrets
import time
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from articles import pagecache
from articles.markdown import render_markdown
from articles.models import Article, Section
from comments.models import Comment
from reactions.models import Reaction, ReactionCount

SECTIONS = ["World", "Politics", "Business", "Science", "Culture", "Sport"]
WORDS = tuple(
    " ".join(
        [
            "the people city government minister said report week election market council",
            "court police school water health hospital energy price plan climate river road",
            "village team season match record museum festival film music border talks deal",
            "vote party leader protest officials workers union bank trade rates inflation",
            "storm flood fire rescue police station airport train strike research study",
            "scientists space mission data phone company jobs budget tax housing rent",
            "families children teachers doctors farmers drought harvest coast island bridge",
            "tonight yesterday morning evening early late new old first last major small",
            "big local national global public private open closed after before during",
            "against between across under over into from with without about around",
        ]
    ).split()
)
NAMES = tuple(
    " ".join(
        [
            "Amira Ben Chloé Dmitri Elena Farid Grace Hiro Ines Jonas Kemal Lena Malik",
            "Nora Olu Priya Quentin Rosa Sami Tariq Uma Viktor Wen Yara Zoé",
        ]
    ).split()
)
SURNAMES = tuple(f"{letter}." for letter in "ABCDEFGHKLMNOPRSTW")
# How often each kind of reaction is chosen, in the order of settings.REACTIONS.
KEY_WEIGHTS = [12, 20, 8, 18, 5, 6, 10, 4, 17]
COMMENT_STATUSES = [("approved", 88), ("pending", 6), ("rejected", 4), ("spam", 2)]
REPLY_SHARE = 0.3
BATCH = 5000


def zipf_weights(n, exponent):
    return list(itertools.accumulate(1 / (rank + 1) ** exponent for rank in range(n)))


class Command(BaseCommand):
    help = "Bulk-load realistic articles, comments and reactions (for benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=100)
        parser.add_argument("--comments", type=int, default=1000)
        parser.add_argument("--reactions", type=int, default=1000)
        parser.add_argument(
            "--readers",
            type=int,
            default=None,
            help="distinct readers (default: a fifth of the rows)",
        )
        parser.add_argument(
            "--seed", type=int, default=None, help="random seed, for repeatable data"
        )

    def handle(self, *args, **options):
        n_articles, n_comments, n_reactions = (
            options["articles"],
            options["comments"],
            options["reactions"],
        )
        if min(n_articles, n_comments, n_reactions) < 0:
            raise CommandError("Counts cannot be negative.")
        if (n_comments or n_reactions) and n_articles < 10:
            raise CommandError("Comments and reactions need at least 10 --articles.")
        self.random = random.Random(options["seed"])  # noqa: S311 (made-up data)
        n_readers = options["readers"] or max(100, (n_comments + n_reactions) // 5)
        self.readers = [f"{self.random.getrandbits(192):048x}" for _ in range(n_readers)]
        self.reader_weights = zipf_weights(n_readers, 0.8)
        # Each reader writes from an address of their own (kept, as the app does, as a
        # keyed hash: here a random one of the same shape).
        self.addresses = {reader: f"{self.random.getrandbits(256):064x}" for reader in self.readers}
        self.keys = [key for key, _emoji, _label in settings.REACTIONS]
        started = time.monotonic()

        with transaction.atomic():
            articles = self.create_articles(n_articles)
            self.say(f"{len(articles):,} articles", started)
            # Popularity: a random order of the new published articles, Zipf weights along it.
            hot = [article for article in articles if article.status == Article.Status.PUBLISHED]
            self.random.shuffle(hot)
            self.article_weights = zipf_weights(len(hot), 1.1)
            self.hot = hot
            comments = self.create_comments(n_comments)
            self.say(f"{comments:,} comments", started)
            reactions = self.create_reactions(n_reactions)
            self.say(f"{reactions:,} reactions and their counters", started)
        if connection.vendor == "postgresql":
            # As after any bulk load: statistics for the planner, and (outside a
            # transaction) the visibility map that index-only scans rely on, as autovacuum
            # keeps it on a live database.
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            with connection.cursor() as cursor:
                for model in (Article, Comment, Reaction, ReactionCount):
                    cursor.execute(f"{command} {model._meta.db_table}")
        pagecache.site_changed()  # the lists show the new articles at once
        self.say("done", started)

    def say(self, what, started):
        self.stdout.write(f"{time.monotonic() - started:7.1f} s  {what}")

    # Articles ----------------------------------------------------------------------------

    def create_articles(self, count):
        sections = [
            Section.objects.get_or_create(slug=name.lower(), defaults={"name": name})[0]
            for name in SECTIONS
        ]
        # A few bodies rendered once, shared: rendering 10,000 would take longer than the rest.
        bodies = []
        for _ in range(20):
            source = self.markdown_body()
            bodies.append((source, render_markdown(source)))
        tag = secrets.token_hex(3)
        now = timezone.now()
        articles = []
        for i in range(count):
            source, html = self.random.choice(bodies)
            published_at = now - timedelta(seconds=self.random.uniform(600, 365 * 86400))
            status = (
                Article.Status.PUBLISHED if self.random.random() < 0.98 else Article.Status.DRAFT
            )
            mode = self.random.choices(["pre", "post", "closed"], weights=[85, 10, 5])[0]
            title = self.sentence(6, 12).rstrip(".")
            articles.append(
                Article(
                    title=title[:200],
                    slug=f"generated-{tag}-{i}",
                    standfirst=self.sentence(12, 24)[:300],
                    byline=f"By {self.random.choice(NAMES)} {self.random.choice(SURNAMES)}",
                    body=source,
                    body_html=html,
                    status=status,
                    published_at=published_at,
                    comments_mode=mode,
                    section=self.random.choice(sections),
                )
            )
        return Article.objects.bulk_create(articles, batch_size=1000)

    def markdown_body(self):
        blocks = []
        for i in range(self.random.randint(4, 9)):
            if i and i % 3 == 0:
                blocks.append("## " + self.sentence(3, 6).rstrip(".").title())
            blocks.append(" ".join(self.sentence(8, 25) for _ in range(self.random.randint(2, 5))))
        return "\n\n".join(blocks) + "\n"

    def sentence(self, low, high):
        words = self.random.choices(WORDS, k=self.random.randint(low, high))
        return " ".join(words).capitalize() + "."

    # Comments ----------------------------------------------------------------------------

    def pick_articles(self, count):
        return self.random.choices(self.hot, cum_weights=self.article_weights, k=count)

    def pick_readers(self, count):
        return self.random.choices(self.readers, cum_weights=self.reader_weights, k=count)

    def create_comments(self, count):
        if not count:
            return 0
        per_article = Counter(article.pk for article in self.pick_articles(count))
        by_pk = {article.pk: article for article in self.hot}
        ids = iter(reserve_ids(Comment, count))
        # Texts and names drawn from pools: making each one costs more than the insert.
        bodies = [
            " ".join(self.sentence(5, 20) for _ in range(self.random.randint(1, 4)))
            for _ in range(min(count, 20_000))
        ]
        names = [f"{name} {surname}" for name in NAMES for surname in SURNAMES]
        statuses = [status for status, _weight in COMMENT_STATUSES]
        status_weights = list(itertools.accumulate(weight for _s, weight in COMMENT_STATUSES))
        now = timezone.now()
        db_datetime = datetime_adapter()
        columns = [
            "id",
            "article_id",
            "parent_id",
            "name",
            "email",
            "body",
            "status",
            "reader_id",
            "address_hash",
            "created_at",
            "moderated_at",
            "moderation_reason",
            "report_count",
        ]
        rows = []
        for article_pk, n in per_article.items():
            start = by_pk[article_pk].published_at
            span = max(60.0, (now - start).total_seconds() - 60)
            # Most comments come in the first hours after publication.
            mean = min(span / 4, 6 * 3600)
            offsets = sorted(min(span, self.random.expovariate(1 / mean)) for _ in range(n))
            threads = []
            for offset, reader, status, body, name in zip(
                offsets,
                self.pick_readers(n),
                self.random.choices(statuses, cum_weights=status_weights, k=n),
                self.random.choices(bodies, k=n),
                self.random.choices(names, k=n),
                strict=True,
            ):
                pk = next(ids)
                parent = None
                if threads and self.random.random() < REPLY_SHARE:
                    parent = self.random.choice(threads)
                else:
                    threads.append(pk)
                created = start + timedelta(seconds=offset)
                moderated = None
                if status != "pending":
                    moderated = created + timedelta(seconds=self.random.randint(60, 5400))
                rows.append(
                    (
                        pk,
                        article_pk,
                        parent,
                        name,
                        "",
                        body,
                        status,
                        reader,
                        self.addresses[reader],
                        db_datetime(created),
                        db_datetime(moderated),
                        "",
                        0,
                    )
                )
                if len(rows) >= BATCH * 10:
                    insert_rows(Comment, columns, rows)
                    rows = []
        insert_rows(Comment, columns, rows)
        return count

    # Reactions ---------------------------------------------------------------------------

    def create_reactions(self, count):
        if not count:
            return 0
        # Each reaction as one number: (article, reader, key) must be unique.
        n_keys = len(self.keys)
        n_readers = len(self.readers)
        key_weights = list(itertools.accumulate((KEY_WEIGHTS + [1] * n_keys)[:n_keys]))
        index = {article.pk: i for i, article in enumerate(self.hot)}
        chosen = set()
        while len(chosen) < count:
            need = count - len(chosen)
            articles = self.pick_articles(need)
            readers = self.random.choices(range(n_readers), cum_weights=self.reader_weights, k=need)
            keys = self.random.choices(range(n_keys), cum_weights=key_weights, k=need)
            for article, reader, key in zip(articles, readers, keys, strict=True):
                chosen.add((index[article.pk] * n_readers + reader) * n_keys + key)
        now = datetime_adapter()(timezone.now())
        counts = Counter()
        columns = ["article_id", "reader_id", "key", "created_at"]
        rows = []
        for number in chosen:
            rest, key_index = divmod(number, n_keys)
            article, reader = divmod(rest, n_readers)
            article_pk = self.hot[article].pk
            key = self.keys[key_index]
            counts[article_pk, key] += 1
            rows.append((article_pk, self.readers[reader], key, now))
            if len(rows) >= BATCH * 10:
                insert_rows(Reaction, columns, rows)
                rows = []
        insert_rows(Reaction, columns, rows)
        ReactionCount.objects.bulk_create(
            (ReactionCount(article_id=pk, key=key, count=n) for (pk, key), n in counts.items()),
            batch_size=BATCH,
        )
        return count


def datetime_adapter():
    """How the database driver takes a datetime (SQLite's needs Django's adapting)."""
    if connection.vendor == "postgresql":
        return lambda value: value
    adapt = connection.ops.adapt_datetimefield_value
    return lambda value: None if value is None else adapt(value)


def reserve_ids(model, count):
    """`count` primary keys no other row will take (replies need their parents' ids)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [pk for (pk,) in cursor.fetchall()]
        # SQLite: the transaction holds the write lock (transaction_mode IMMEDIATE).
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 (a model's table)
        start = cursor.fetchone()[0] + 1
        return list(range(start, start + count))


def insert_rows(model, columns, rows):
    if not rows:
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])
