from django import template
from django.utils import timezone
from django.utils.timesince import timesince

from comments.text import comment_html

register = template.Library()


@register.filter(name="comment_html")
def comment_html_filter(body):
    """A reader's text as escaped paragraphs, line breaks and nofollow links."""
    return comment_html(body)


@register.filter
def relative_time(value):
    """ "just now", "5 minutes ago", "3 hours ago", "2 days ago"…"""
    if value is None:
        return ""
    if (timezone.now() - value).total_seconds() < 60:
        return "just now"
    return f"{timesince(value, depth=1)} ago"


def _comment_tag(message):
    return next((tag for tag in message.extra_tags.split() if tag.startswith("comment-")), None)


@register.filter
def messages_at(messages, comment_id):
    """The messages about this comment (tagged comment-<id>: "your comment is awaiting
    moderation"), shown at it, where the page opens after posting."""
    return [message for message in messages if _comment_tag(message) == f"comment-{comment_id}"]


@register.filter
def general_messages(messages):
    """The messages about no comment in particular, shown above the list."""
    return [message for message in messages if _comment_tag(message) is None]


@register.filter
def reply_query(comments, comment_id):
    """The query string of a Reply link on this page of the list."""
    return comments.reply_query(comment_id)
