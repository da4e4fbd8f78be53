"""The comment list as readers see it: approved threads, oldest first."""

from django.db.models import Prefetch

from comments.models import Comment


def comment_threads(*, article):
    """Approved top-level comments, each with its approved replies: two queries."""
    replies = Comment.objects.approved().only(
        "article_id", "parent_id", "name", "body", "created_at"
    )
    return list(
        Comment.objects.approved()
        .filter(article=article, parent__isnull=True)
        .only("article_id", "parent_id", "name", "body", "created_at")
        .prefetch_related(Prefetch("replies", queryset=replies, to_attr="approved_replies"))
    )
