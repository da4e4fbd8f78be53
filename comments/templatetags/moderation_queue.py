"""The moderation queue's numbers, for the admin's index (templates/admin/newsroom_index.html)."""

from django import template
from django.urls import reverse

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
