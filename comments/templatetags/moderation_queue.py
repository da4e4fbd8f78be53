"""The moderation queue's numbers, for the admin's index (templates/admin/newsroom_index.html)."""

from django import template
from django.conf import settings
from django.urls import reverse

from comments import surges
from comments.models import Comment
from newsroom.admin import capped_count

register = template.Library()


@register.inclusion_tag("admin/comments/includes/queue_summary.html", takes_context=True)
def moderation_queue(context):
    """For those who may see comments: two counts on partial indexes, capped so that a
    flooded queue costs no more than a busy one."""
    request = context["request"]
    if not request.user.has_perm("comments.view_comment"):
        return {"queue": None}
    url = reverse("admin:comments_comment_changelist")
    return {
        "queue": {
            "pending": capped_count(Comment.objects.filter(status=Comment.Status.PENDING)),
            "reported": capped_count(Comment.objects.reported()),
            "pending_url": url,
            "reported_url": f"{url}?reported=yes",
        }
    }


@register.inclusion_tag("admin/comments/includes/surge_banner.html", takes_context=True)
def surge_banner(context, article=None):
    """The open surges (of one article, or all), for staff who see articles or comments;
    those whose calm period has passed are ended first (comments.surges)."""
    request = context["request"]
    user = request.user
    if not (user.has_perm("articles.view_article") or user.has_perm("comments.view_comment")):
        return {"surges": []}
    found = [s for s in surges.current_surges() if article is None or s.article_id == article.pk]
    return {
        "surges": found,
        "calm_minutes": settings.COMMENTS_SURGE_CALM_MINUTES,
        "can_end": user.has_perm("comments.moderate_comment"),
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
