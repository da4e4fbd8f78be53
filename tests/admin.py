"""Helpers for the admin's tests: its URLs, its lists and its messages."""

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from tests.helpers import html

ARTICLES = "/admin/articles/article/"
COMMENTS = "/admin/comments/comment/"
BANS = "/admin/comments/readerban/"
REACTIONS_PAGE = "/admin/articles/article/reactions/"


def change_url(obj):
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"


def preview_url(article):
    return f"{ARTICLES}{article.pk}/preview/"


def run_action(client, url, action, objects, **extra):
    """Post a list action on these objects, as the list's form does."""
    data = {
        "action": action,
        ACTION_CHECKBOX_NAME: [str(getattr(obj, "pk", obj)) for obj in objects],
        "index": 0,
        **extra,
    }
    return client.post(url, data)


def messages_after(response):
    """The messages this request added (not those still waiting from earlier ones)."""
    return [str(message) for message in response.wsgi_request._messages._queued_messages]


def rows(response):
    """The list's rows, each a dict of column (its CSS class: field-<name>) to text."""
    page = html(response)
    result = []
    for tr in page.select("#result_list tbody tr"):
        cells = {}
        for cell in tr.find_all(["th", "td"]):
            names = [
                c.removeprefix("field-") for c in cell.get("class", []) if c.startswith("field-")
            ]
            if names:
                cells[names[0]] = " ".join(cell.get_text(" ").split())
        result.append(cells)
    return result


def history(obj):
    """The admin's history entries of an object, oldest first."""
    return list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        ).order_by("action_time", "id")
    )
