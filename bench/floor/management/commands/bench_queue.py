"""`make bench-queue`: time the moderation queue's changelist on a large PostgreSQL table.
A command of the bench's own app, so only with the bench's settings:

    export DJANGO_SETTINGS_MODULE=bench.settings
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_admin_scale \\
        python manage.py migrate
    DATABASE_URL=… python manage.py bench_queue --scratch --comments 1000000

Fills a scratch database (only with --scratch: it writes a million rows) up to the number
of comments asked for, with a realistic mix of statuses spread over a year and a thousand
articles, then requests the queue's pages as a logged-in moderator through Django's test
client and prints the median time and the queries of each.
"""

import statistics
import time
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.models import Comment

QUEUE = "/admin/comments/comment/"
PAGES = [
    ("the default queue (pending, oldest first)", QUEUE),
    ("all statuses (newest first)", f"{QUEUE}?status=all"),
    ("reported (most reported first)", f"{QUEUE}?reported=yes"),
    ("held by a rule (oldest first)", f"{QUEUE}?held=rule"),
    ("one article's pending comments", f"{QUEUE}?article={{article}}"),
    ("page 50 of the queue", f"{QUEUE}?p=50"),
    ("approved, past 7 days (newest first)", f"{QUEUE}?status=approved&{{past_week}}"),
]

# 4% pending (of which a tenth were reported), 86% approved, 7% rejected, 3% spam.
COMMENTS_SQL = """
WITH a AS (SELECT array_agg(id ORDER BY id) AS ids FROM articles_article)
INSERT INTO comments_comment
    (article_id, name, email, body, status, reader_id, address_hash, created_at,
     moderation_reason, report_count, reported_at, moderated_at)
SELECT a.ids[1 + (g %% array_length(a.ids, 1))],
       'Reader ' || (g %% 50000),
       '',
       'Comment number ' || g || ': what I think about this story, at some length.',
       CASE WHEN g %% 100 < 4 THEN 'pending'
            WHEN g %% 100 < 90 THEN 'approved'
            WHEN g %% 100 < 97 THEN 'rejected'
            ELSE 'spam' END,
       md5('reader' || (g %% 50000)),
       md5('address' || (g %% 20000)),
       now() - (g::float / %s) * interval '365 days',
       CASE WHEN g %% 100 < 4 THEN 'suspect words: “example”' ELSE '' END,
       CASE WHEN g %% 1000 < 4 THEN 3 ELSE 0 END,
       CASE WHEN g %% 1000 < 4 THEN now() ELSE NULL END,
       CASE WHEN g %% 100 >= 4 THEN now() ELSE NULL END
FROM generate_series(%s::bigint, %s::bigint) AS g, a
"""


class Command(BaseCommand):
    help = "Fill a scratch PostgreSQL database with comments and time the moderation queue."

    def add_arguments(self, parser):
        parser.add_argument("--comments", type=int, default=1_000_000)
        parser.add_argument("--articles", type=int, default=1_000)
        parser.add_argument("--requests", type=int, default=20)
        parser.add_argument(
            "--scratch",
            action="store_true",
            help="Confirm that the database is a scratch one the benchmark may fill.",
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark runs on PostgreSQL: set DATABASE_URL.")
        if not options["scratch"]:
            raise CommandError(
                f"This writes up to {options['comments']:,} comments into the database "
                f"{connection.settings_dict['NAME']!r}: pass --scratch to confirm."
            )
        self.fill(articles=options["articles"], comments=options["comments"])
        client = self.moderator_client()
        article = Comment.objects.filter(status="pending").values_list("article", flat=True)[0]
        # As the "Past 7 days" link of the date filter writes it.
        today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        past_week = urlencode(
            {
                "created_at__gte": str(today - timedelta(days=7)),
                "created_at__lt": str(today + timedelta(days=1)),
            }
        )
        if settings.DEBUG:
            self.stderr.write("DEBUG is on: times include its overhead; production runs it off.")
        for label, url in PAGES:
            url = url.format(article=article, past_week=past_week)
            self.bench(client, label, url, options["requests"])

    def fill(self, *, articles, comments):
        from articles.models import Article

        with connection.cursor() as cursor:
            have = Article.objects.filter(slug__startswith="scale-article-").count()
            # Through the ORM, so that every field has its default, whatever fields come.
            now = timezone.now()
            Article.objects.bulk_create(
                Article(
                    title=f"Scale article {n}",
                    slug=f"scale-article-{n}",
                    standfirst="A story for the benchmark.",
                    body="Body.",
                    body_html="<p>Body.</p>",
                    status=Article.Status.PUBLISHED,
                    published_at=now - timedelta(hours=3 * n),
                    comments_mode=Article.CommentsMode.PRE_MODERATED,
                )
                for n in range(have + 1, articles + 1)
            )
            have = Comment.objects.count()
            start = time.perf_counter()
            batch = 200_000
            for first in range(have + 1, comments + 1, batch):
                last = min(first + batch - 1, comments)
                cursor.execute(COMMENTS_SQL, [comments, first, last])
                self.stdout.write(f"inserted comments {first:,}–{last:,}")
            if have < comments:
                cursor.execute("ANALYZE comments_comment")
                cursor.execute("ANALYZE articles_article")
                self.stdout.write(f"filled in {time.perf_counter() - start:.1f} s")
        self.stdout.write(f"{Comment.objects.count():,} comments in the database")

    def moderator_client(self):
        call_command("setup_roles", verbosity=0)
        user, _ = get_user_model().objects.get_or_create(
            username="bench-moderator", defaults={"is_staff": True}
        )
        user.groups.add(Group.objects.get(name="Moderators"))
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        return client

    def bench(self, client, label, url, requests):
        client.get(url)  # warm up the connection and the caches
        timings = []
        for _ in range(requests):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                raise CommandError(f"{url} answered {response.status_code}")
        self.stdout.write(
            f"\n{label}: {url}\n"
            f"  {requests} requests: median {statistics.median(timings):.1f} ms, "
            f"min {min(timings):.1f} ms, max {max(timings):.1f} ms, "
            f"{len(queries.captured_queries)} queries"
        )
        for query in queries.captured_queries:
            self.stdout.write(f"    {float(query['time']) * 1000:7.1f} ms  {query['sql'][:150]}")
        page_query = next(
            q["sql"]
            for q in queries.captured_queries
            if q["sql"].startswith("SELECT")
            and 'FROM "comments_comment" INNER JOIN "articles_article"' in q["sql"]
        )
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF) {page_query}")
            plan = [row[0] for row in cursor.fetchall()]
        self.stdout.write("  the page's plan:\n" + "\n".join(f"    {line}" for line in plan))
