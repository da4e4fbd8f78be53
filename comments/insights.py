"""What readers felt: the numbers and small server-drawn charts the admin shows editors.

Everything here is read-only and costs a fixed number of queries: one per panel, whatever
the number of reactions and comments (the per-kind totals are the running counters of
`ReactionCount`; the timeline groups an index range by day).
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber, TruncDate
from django.utils import timezone

from articles.models import Article
from comments.models import Comment, with_response_counts
from reactions.models import Reaction, ReactionCount
from reactions.services import reaction_counts, reaction_keys

TIMELINE_DAYS = 14
RANKING_DAYS = 7
RANKING_SIZE = 10

# Chart geometry, in SVG user units (the SVG scales to its container).
BAR_AREA_HEIGHT = 64
PANEL_GAP = 36
LABEL_WIDTH = 96
DAY_WIDTH = 32
BAR_WIDTH = 22
KIND_ROW_HEIGHT = 26
KIND_BAR_MAX = 300


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Kind:
    key: str
    emoji: str
    label: str
    count: int
    bar: Bar
    y: float  # the row's text baseline
    value_x: float  # where the count is written, after the bar


@dataclass(frozen=True)
class Day:
    date: object
    reactions: int
    comments: int
    x: float  # the centre of the day's column
    reaction_bar: Bar
    comment_bar: Bar


def _scaled(value, maximum, length):
    return round(length * value / maximum, 1) if maximum else 0


def reactions_by_kind(article):
    """The article's reactions of each kind, in the bar's order, with a horizontal bar
    each (the longest is the most frequent). One query."""
    counts = reaction_counts(article)
    top = max(counts.values(), default=0)
    kinds = []
    for row, (key, emoji, label) in enumerate(settings.REACTIONS):
        y = row * KIND_ROW_HEIGHT
        width = _scaled(counts[key], top, KIND_BAR_MAX)
        kinds.append(
            Kind(
                key=key,
                emoji=emoji,
                label=label,
                count=counts[key],
                bar=Bar(x=LABEL_WIDTH, y=y + 4, width=width, height=KIND_ROW_HEIGHT - 8),
                y=y + KIND_ROW_HEIGHT - 8,
                value_x=LABEL_WIDTH + width + 6,
            )
        )
    return {
        "kinds": kinds,
        "total": sum(counts.values()),
        "width": LABEL_WIDTH + KIND_BAR_MAX + 64,
        "height": len(kinds) * KIND_ROW_HEIGHT,
    }


def _per_day(queryset, *, since):
    rows = (
        queryset.filter(created_at__gte=since)
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .order_by()
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    return dict(rows)


def timeline(article, *, days=TIMELINE_DAYS):
    """Reactions and comments per day over the last `days` days (today included), in the
    site's time zone, drawn as two rows of bars, each on its own scale. Two queries.

    Reactions are those still on, on the day they were made (a reaction taken back leaves
    no row); comments are all those received, whatever became of them."""
    today = timezone.localdate()
    first = today - timedelta(days=days - 1)
    since = timezone.make_aware(datetime.combine(first, time.min))
    reactions = _per_day(Reaction.objects.filter(article=article), since=since)
    comments = _per_day(Comment.objects.filter(article=article), since=since)
    dates = [first + timedelta(days=n) for n in range(days)]
    top_reactions = max((reactions.get(d, 0) for d in dates), default=0)
    top_comments = max((comments.get(d, 0) for d in dates), default=0)
    comments_top = BAR_AREA_HEIGHT + PANEL_GAP
    result = []
    for n, date in enumerate(dates):
        x = LABEL_WIDTH + n * DAY_WIDTH
        r, c = reactions.get(date, 0), comments.get(date, 0)
        rh = _scaled(r, top_reactions, BAR_AREA_HEIGHT)
        ch = _scaled(c, top_comments, BAR_AREA_HEIGHT)
        left = x + (DAY_WIDTH - BAR_WIDTH) / 2
        result.append(
            Day(
                date=date,
                reactions=r,
                comments=c,
                x=x + DAY_WIDTH / 2,
                reaction_bar=Bar(x=left, y=BAR_AREA_HEIGHT - rh, width=BAR_WIDTH, height=rh),
                comment_bar=Bar(
                    x=left, y=comments_top + BAR_AREA_HEIGHT - ch, width=BAR_WIDTH, height=ch
                ),
            )
        )
    return {
        "days": result,
        "first": first,
        "last": today,
        "total_reactions": sum(d.reactions for d in result),
        "total_comments": sum(d.comments for d in result),
        "top_reactions": top_reactions,
        "top_comments": top_comments,
        "width": LABEL_WIDTH + days * DAY_WIDTH + 8,
        "height": comments_top + BAR_AREA_HEIGHT + 20,
        "reactions_baseline": BAR_AREA_HEIGHT,
        "comments_baseline": comments_top + BAR_AREA_HEIGHT,
        "reactions_max_y": 16,
        "comments_max_y": comments_top + 16,
        "axis_start": LABEL_WIDTH,
        "axis_end": LABEL_WIDTH + days * DAY_WIDTH,
        "label_x": LABEL_WIDTH - 8,
    }


def what_readers_felt(article):
    """Both panels of the article's change view: three queries."""
    return {"by_kind": reactions_by_kind(article), "timeline": timeline(article)}


def recent_articles(*, days=RANKING_DAYS):
    """The articles published in the last `days` days (public ones only)."""
    return Article.objects.published().filter(
        published_at__gte=timezone.now() - timedelta(days=days)
    )


def ranking_by_kind(*, days=RANKING_DAYS, size=RANKING_SIZE):
    """For each kind of reaction, the last `days` days' articles that drew the most of it,
    best first (at most `size`, only articles that drew it at all). One query: a window
    function ranks the running counters within each kind."""
    keys = reaction_keys()
    rows = (
        ReactionCount.objects.filter(
            article__in=recent_articles(days=days), key__in=keys, count__gt=0
        )
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("key")],
                order_by=[F("count").desc(), F("article__published_at").desc()],
            )
        )
        .filter(rank__lte=size)
        .select_related("article")
        .only("key", "count", "article__title", "article__slug", "article__published_at")
        .order_by("key", "rank")
    )
    ranked = {key: [] for key in keys}
    for row in rows:
        ranked[row.key].append(row)
    return [
        {"key": key, "emoji": emoji, "label": label, "rows": ranked[key]}
        for key, emoji, label in settings.REACTIONS
    ]


def ranking_by_total(*, days=RANKING_DAYS, size=RANKING_SIZE):
    """The last `days` days' articles by their reaction total, best first. One query."""
    return list(
        with_response_counts(recent_articles(days=days))
        .filter(reaction_total__gt=0)
        .order_by("-reaction_total", "-published_at")
        .only("title", "slug", "published_at")[:size]
    )
