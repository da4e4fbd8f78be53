"""The moderation queue's views (pending, reported, held by a rule, all), their counts, and
what each of its rows says about why its comment waits (comments.admin.CommentAdmin).

Each view reads a named index in its order: comment_pending_queue_idx (pending, oldest
first), comment_most_reported_idx (reported, most reported first),
comment_held_by_rule_idx (held by a rule, oldest first), comment_created_idx (all, newest
first). Counts are capped (newsroom.admin.capped_count), so a flooded queue costs no more
than a busy one.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count

from articles.models import Article
from comments.models import Comment, Report
from comments.moderation import PRE_MODERATED
from newsroom.admin import capped_count

PENDING, REPORTED, HELD, ALL = "pending", "reported", "held", "all"

# What each view's link sets in the list's address, and the parameters it drops (the other
# views', the page and the sort); the article filter, the dates and the search are kept.
VIEW_PARAMETERS = {
    PENDING: {},
    REPORTED: {"reported": "yes"},
    HELD: {"held": "rule"},
    ALL: {"status": "all"},
}
VIEW_LABELS = {
    PENDING: "Pending",
    REPORTED: "Reported",
    HELD: "Held by a rule",
    ALL: "All",
}
DROPPED = ["status", "reported", "held", "p", "o"]


def held_by_a_rule(queryset):
    """Pending comments that a rule held: neither those waiting only because their article
    is pre-moderated, nor those readers' reports sent back."""
    return queryset.filter(status=Comment.Status.PENDING, reported_at__isnull=True).exclude(
        moderation_reason__in=["", PRE_MODERATED]
    )


def listed_view(params, status):
    """The view a list address shows (`status`: the status filter's value), or None for a
    status that has no view of its own (approved, rejected, spam: the status filter)."""
    if params.get("reported") == "yes":
        return REPORTED
    if params.get("held") == "rule":
        return HELD
    if status == "all":
        return ALL
    return PENDING if status == Comment.Status.PENDING else None


def counts():
    """Each view's number of comments, capped: four counts, each on its view's index."""
    comments = Comment.objects.order_by()
    return {
        PENDING: capped_count(comments.filter(status=Comment.Status.PENDING)),
        REPORTED: capped_count(comments.reported()),
        HELD: capped_count(held_by_a_rule(comments)),
        ALL: capped_count(comments),
    }


@dataclass(frozen=True)
class ViewLink:
    key: str
    label: str
    count: str
    url: str
    current: bool


def view_links(changelist, current):
    """The views' links for the top of the list, each keeping the list's other filters."""
    numbers = counts()
    return [
        ViewLink(
            key=key,
            label=VIEW_LABELS[key],
            count=numbers[key],
            url=changelist.get_query_string(VIEW_PARAMETERS[key], DROPPED),
            current=key == current,
        )
        for key in VIEW_PARAMETERS
    ]


def prepare_rows(comments, *, back):
    """Give each comment of a page what its row shows: why it waits (`queue_reasons`) and
    where its decision comes back to (`queue_back`: this page, at the row that will be
    next once this one has left). One query, for the reported comments' reports."""
    reported = [c.pk for c in comments if c.reported_at is not None]
    reasons = report_reasons(reported) if reported else {}
    for i, comment in enumerate(comments):
        comment.queue_reasons = why_held(comment, reasons.get(comment.pk, Counter()))
        after = comments[i + 1] if i + 1 < len(comments) else None
        if after is None and i > 0:
            after = comments[i - 1]
        comment.queue_back = f"{back}#comment-{after.pk}" if after else back


def report_reasons(comment_ids):
    """{comment id: Counter of its reports' reasons}, in one query."""
    found = defaultdict(Counter)
    rows = (
        Report.objects.filter(comment_id__in=comment_ids)
        .order_by()
        .values_list("comment_id", "reason")
        .annotate(n=Count("id"))
    )
    for comment_id, reason, n in rows:
        found[comment_id][reason] = n
    return found


def why_held(comment, reasons):
    """The lines of the "Why held" column: the reports, what the rules recorded, or, for a
    comment that no rule recorded anything for, that its article is pre-moderated."""
    lines = []
    if comment.reported_at is not None:
        lines.append(reported_line(comment.report_count, reasons))
    if comment.moderation_reason:
        lines.append(comment.moderation_reason)
    elif comment.status == Comment.Status.PENDING and comment.reported_at is None:
        if comment.article.comments_mode == Article.CommentsMode.PRE_MODERATED:
            lines.append(PRE_MODERATED)
        else:
            lines.append("no reason recorded: pre-moderated when it came, or the rules failed")
    return lines


def reported_line(total, reasons):
    """ "reported 3 times: abusive or hateful 2, spam 1"."""
    times = "once" if total == 1 else f"{total} times"
    kinds = ", ".join(
        f"{Report.Reason(reason).label.lower()} {n}" for reason, n in reasons.most_common()
    )
    return f"reported {times}: {kinds}" if kinds else f"reported {times}"
