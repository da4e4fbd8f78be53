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
