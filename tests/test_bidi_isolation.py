"""A right-to-left override (U+202E) in what a reader typed reverses only that text, never
the page around it: wherever a name, a comment or an email is shown, on the site or in the
admin, it sits in an isolate (a <bdi> element, or an element with a dir attribute), and
where no element can hold it (the page title, the breadcrumbs, messages, the admin's
history) the bidi controls are dropped."""

import pytest
from bs4 import BeautifulSoup, NavigableString
from django.test import Client

from comments.models import Comment, ReaderBan, Report
from tests.admin import BANS, COMMENTS, change_url, run_action
from tests.commenting import APPROVED, PENDING, make_comment, post_comment

RLO = "\u202e"
PDF = "\u202c"
BIDI_CONTROLS = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
NAME = f"Mallory{RLO}gpj.exe"
BODY = f"Read this{RLO} and weep"
EMAIL = f"m@exa{RLO}mple.org"


def _isolated(node):
    return any(parent.name == "bdi" or parent.get("dir") == "auto" for parent in node.parents)


def leaks(content):
    """The pieces of text that carry a bidi control outside any isolate."""
    page = BeautifulSoup(content, "html.parser")
    found = []
    for node in page.find_all(string=lambda s: BIDI_CONTROLS & set(s)):
        if not isinstance(node, NavigableString) or node.parent.name in ("script", "style"):
            continue
        if node.parent.name == "title" or not _isolated(node):
            found.append(f"<{node.parent.name}>: {node.strip()!r}")
    return found


def assert_isolated(response, *, expected=NAME):
    assert response.status_code == 200
    content = response.content.decode()
    assert leaks(content) == []
    if expected:
        assert expected in content  # shown as written, inside its isolate


@pytest.fixture
def hostile(article):
    """A comment whose name and text carry an override, as the public form takes them."""
    response = post_comment(Client(), article, name=NAME, body=BODY, email=EMAIL)
    assert response.status_code in (200, 303)
    comment = Comment.objects.get()
    assert comment.name == NAME  # the form does not refuse bidi controls in names
    return comment


@pytest.fixture
def shown(hostile):
    Comment.objects.filter(pk=hostile.pk).update(status=APPROVED)
    return hostile


# The site ---------------------------------------------------------------------------------


def test_the_comment_list_isolates_names_and_text(article, shown):
    make_comment(article, parent=shown, name="Bob", body="A reply.")
    assert_isolated(Client().get(article.get_absolute_url()))


def test_the_reply_banner_isolates_the_name_replied_to(article, shown):
    assert_isolated(Client().get(f"{article.get_absolute_url()}?reply_to={shown.pk}"))


def test_the_report_page_isolates_the_name_and_text(shown):
    assert_isolated(Client().get(f"/comments/{shown.pk}/flag/"))


# The moderators' desk ---------------------------------------------------------------------


def test_the_queue_isolates_names_and_excerpts(moderator_client, hostile):
    assert_isolated(moderator_client.get(COMMENTS))


def test_a_comments_page_isolates_it_and_its_title_has_no_controls(moderator_client, shown):
    reply = make_comment(shown.article, parent=shown, name=f"Eve{RLO}", body=f"Me{RLO} too")
    assert_isolated(moderator_client.get(change_url(shown)))
    assert_isolated(moderator_client.get(change_url(reply)), expected=f"Eve{RLO}")


def test_the_superusers_view_of_a_comment_isolates_its_email(superuser_client, hostile):
    response = superuser_client.get(change_url(hostile))
    assert_isolated(response)
    assert EMAIL in response.content.decode()


def test_the_ban_confirmation_isolates_the_commenter(moderator_client, hostile):
    assert_isolated(moderator_client.get(f"{COMMENTS}{hostile.pk}/ban/"))


def test_the_bulk_ban_confirmation_isolates_the_commenters(moderator_client, hostile):
    assert_isolated(run_action(moderator_client, COMMENTS, "ban_commenters", [hostile]))


def test_the_message_after_a_decision_isolates_the_name(moderator_client, hostile):
    response = moderator_client.post(
        f"{COMMENTS}{hostile.pk}/moderate/", {"decision": "approve"}, follow=True
    )
    assert "was approved" in response.content.decode()
    assert_isolated(response)


def test_the_admin_history_shows_decisions_without_controls(moderator_client, hostile):
    moderator_client.post(f"{COMMENTS}{hostile.pk}/moderate/", {"decision": "reject"})
    index = moderator_client.get("/admin/")
    assert "Mallorygpj.exe" in index.content.decode()  # the recent actions
    assert_isolated(index, expected=None)
    assert_isolated(moderator_client.get(f"{COMMENTS}{hostile.pk}/history/"), expected=None)


def test_the_reports_list_isolates_the_reported_comment(moderator_client, shown):
    Report.objects.create(comment=shown, reader_id="r" * 48, reason="spam")
    assert_isolated(moderator_client.get("/admin/comments/report/"))


def test_bans_made_from_a_comment_list_and_open_without_controls(moderator_client, hostile):
    moderator_client.post(f"{COMMENTS}{hostile.pk}/ban/", {"reason": f"Trolling{RLO} again"})
    ban = ReaderBan.objects.get()
    assert_isolated(moderator_client.get(BANS), expected=f"Trolling{RLO} again")
    assert_isolated(moderator_client.get(change_url(ban)), expected=None)


def test_a_ban_typed_in_with_an_override_keeps_none_in_its_target(moderator_client):
    response = moderator_client.post(
        f"{BANS}add/", {"reader_id": f"abc{RLO}def", "reason": f"Spam{RLO}mer"}
    )
    assert response.status_code == 302
    ban = ReaderBan.objects.get()
    assert ban.reader_id == "abcdef"
    assert_isolated(moderator_client.get(BANS), expected=f"Spam{RLO}mer")
    assert_isolated(moderator_client.get(change_url(ban)), expected=None)


def test_deleting_a_comment_asks_and_tells_without_controls(superuser_client, shown):
    assert_isolated(superuser_client.get(f"{COMMENTS}{shown.pk}/delete/"), expected=None)
    assert_isolated(
        run_action(superuser_client, f"{COMMENTS}?status=approved", "delete_selected", [shown]),
        expected=None,
    )
    response = superuser_client.post(f"{COMMENTS}{shown.pk}/delete/", {"post": "yes"}, follow=True)
    assert "was deleted successfully" in response.content.decode()
    assert_isolated(response, expected=None)


def test_names_in_the_admin_are_summaries_without_controls(article):
    comment = make_comment(article, status=PENDING, name=f"A{RLO}B{PDF}", body=f"x{RLO}y")
    assert str(comment) == f"AB on {article.title}: xy"
    ban = ReaderBan.objects.create(reader_id=f"{RLO}abcdefgh")  # made before the form's check
    assert str(ban) == "Ban on abcdefg… (active)"
