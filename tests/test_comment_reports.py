"""Readers report comments; enough reports send a comment back to the moderators."""

import pytest
from django.test import Client
from django.utils import timezone

from comments import services
from comments.models import Comment, ReaderBan, Report
from tests.commenting import (
    APPROVED,
    PENDING,
    REJECTED,
    as_reader,
    established_reader,
    make_comment,
)
from tests.helpers import html, make_article

REPORTED = "Reported — thank you"
ALREADY = "You have already reported this comment: thank you."


def report_url(comment):
    return f"/comments/{comment.pk}/flag/"


def report(client, comment, reason="abuse", **headers):
    return client.post(report_url(comment), {"reason": reason}, headers=headers or None)


def messages_after(client, response):
    page = html(client.get(response["Location"]))
    return [p.get_text(strip=True) for p in page.select(".comment-messages .message")]


@pytest.fixture
def comment(article):
    return make_comment(article, name="Ann", body="Something contested.")


_networks = iter(range(10, 250))


def reporters(count):
    """`count` established readers, each on a network of their own."""
    return [established_reader(f"198.51.100.{next(_networks)}") for _ in range(count)]


def test_a_reader_reports_a_comment_and_is_thanked(client, comment):
    response = report(client, comment, reason="off-topic")
    assert response.status_code == 303
    assert response["Location"] == f"{comment.article.get_absolute_url()}#comment-{comment.pk}"
    assert messages_after(client, response) == [REPORTED]
    flag = Report.objects.get()
    assert (flag.comment, flag.reason) == (comment, "off-topic")
    comment.refresh_from_db()
    assert comment.status == APPROVED
    assert comment.report_count == 1


def test_the_reporter_sees_their_report_in_place_of_the_form(client, comment):
    report(client, comment)
    item = html(client.get(comment.article.get_absolute_url())).find(id=f"comment-{comment.pk}")
    assert item.find(class_="reported").get_text() == REPORTED
    assert not item.find("a", class_="report-link")
    # Others still have the form.
    other = html(Client().get(comment.article.get_absolute_url())).find(id=f"comment-{comment.pk}")
    assert other.find("a", class_="report-link")


def test_a_second_report_from_the_same_reader_changes_nothing(client, comment):
    assert messages_after(client, report(client, comment, reason="spam")) == [REPORTED]
    response = report(client, comment, reason="abuse")
    assert response.status_code == 303
    assert messages_after(client, response) == [ALREADY]
    assert Report.objects.get().reason == "spam"
    comment.refresh_from_db()
    assert comment.report_count == 1


def test_one_report_per_reader_is_a_database_rule(comment):
    from django.db import IntegrityError, transaction

    Report.objects.create(comment=comment, reader_id="r" * 48, reason="spam")
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(comment=comment, reader_id="r" * 48, reason="abuse")


def test_three_reports_send_the_comment_back_to_the_queue_as_reported(comment):
    readers = reporters(3)
    for reader, reason in zip(readers, ["abuse", "spam", "abuse"], strict=True):
        assert report(reader, comment, reason=reason).status_code == 303
    comment.refresh_from_db()
    assert comment.status == PENDING
    assert comment.reported_at is not None
    assert comment.report_count == 3
    assert comment.moderation_reason == (
        "reports: 3 people reported it (3 readers on 3 networks; abusive or hateful ×2, spam ×1)"
    )
    assert list(Comment.objects.reported()) == [comment]
    page = html(Client().get(comment.article.get_absolute_url()))
    assert not page.find(id=f"comment-{comment.pk}")
    assert page.find(id="comment-list").get_text(strip=True) == "No comments available."


def test_two_reports_leave_the_comment_up(comment):
    for reader in reporters(2):
        report(reader, comment)
    comment.refresh_from_db()
    assert comment.status == APPROVED
    assert comment.reported_at is None


def test_the_report_threshold_is_a_setting(comment, settings):
    settings.COMMENTS_REPORT_THRESHOLD = 4
    for reader in reporters(3):
        report(reader, comment)
    comment.refresh_from_db()
    assert comment.status == APPROVED
    report(reporters(1)[0], comment)
    comment.refresh_from_db()
    assert comment.status == PENDING


def test_even_at_a_threshold_of_one_no_network_hides_a_comment_alone(comment, settings):
    settings.COMMENTS_REPORT_THRESHOLD = 1
    first, second = reporters(2)
    report(first, comment)
    comment.refresh_from_db()
    assert comment.status == APPROVED
    report(second, comment)
    comment.refresh_from_db()
    assert comment.status == PENDING


def test_the_reporter_who_hid_a_comment_is_sent_back_to_the_list(comment):
    first, second, third = reporters(3)
    report(first, comment)
    report(second, comment)
    response = report(third, comment)
    assert response["Location"] == f"{comment.article.get_absolute_url()}#comment-list"


def test_a_reader_may_report_again_a_comment_their_report_helped_hide(comment):
    first, *others = reporters(3)
    assert messages_after(first, report(first, comment)) == [REPORTED]
    for reader in others:
        report(reader, comment)
    response = report(first, comment)
    assert response.status_code == 303
    assert messages_after(first, response) == [ALREADY]


def test_a_moderator_approving_it_again_starts_the_count_afresh(comment, moderator):
    readers = reporters(6)
    for reader in readers[:3]:
        report(reader, comment)
    comment.refresh_from_db()
    services.approve(comment=comment, moderator=moderator)
    assert not Comment.objects.reported().exists()
    for reader in readers[3:5]:
        report(reader, comment)
    comment.refresh_from_db()
    assert comment.status == APPROVED
    assert comment.report_count == 5
    report(readers[5], comment)
    comment.refresh_from_db()
    assert comment.status == PENDING


def test_a_reply_that_is_hidden_leaves_its_thread(article):
    root = make_comment(article)
    reply = make_comment(article, parent=root)
    first, second, third = reporters(3)
    report(first, reply)
    report(second, reply)
    response = report(third, reply)
    assert response["Location"].endswith(f"#comment-{root.pk}")
    page = html(Client().get(article.get_absolute_url()))
    assert page.find(id=f"comment-{root.pk}")
    assert not page.find(id=f"comment-{reply.pk}")


def test_a_script_reporting_in_place_gets_json(client, comment):
    response = report(client, comment, accept="application/json")
    assert response.status_code == 200
    assert response.json() == {
        "reported": True,
        "created": True,
        "hidden": False,
        "message": REPORTED,
    }
    again = report(client, comment, accept="application/json")
    assert again.json()["message"] == ALREADY
    assert again.json()["created"] is False


def test_the_reporter_gets_the_reader_cookie(comment):
    response = report(Client(), comment)
    assert response.cookies["reader"]["httponly"]
    assert Report.objects.get().reader_id


@pytest.mark.parametrize("reason", ["", "rude", "SPAM", "spam\x00"])
def test_a_report_without_a_known_reason_is_refused(client, comment, reason):
    response = report(client, comment, reason=reason)
    assert response.status_code == 400
    message = html(response).find(class_="comment-messages").get_text(strip=True)
    assert message in {
        "Choose why you are reporting this comment.",
        "Choose a reason: spam, abuse, off-topic or other.",
    }
    assert Report.objects.count() == 0


def test_a_report_without_a_reason_field_is_refused_as_json(client, comment):
    response = client.post(report_url(comment), {}, headers={"accept": "application/json"})
    assert response.status_code == 400
    assert response.json() == {"error": "Choose why you are reporting this comment."}


@pytest.mark.parametrize("status", [PENDING, REJECTED, "spam"])
def test_a_comment_nobody_can_see_cannot_be_reported(client, article, status):
    hidden = make_comment(article, status=status)
    assert report(client, hidden).status_code == 404
    assert Report.objects.count() == 0


@pytest.mark.parametrize("fixture", ["draft", "scheduled"])
def test_a_comment_on_an_unpublished_article_cannot_be_reported(client, request, fixture):
    hidden = make_comment(request.getfixturevalue(fixture))
    assert report(client, hidden).status_code == 404


@pytest.mark.parametrize("pk", ["99999", "9" * 25])
def test_an_unknown_comment_cannot_be_reported(client, db, pk):
    assert client.post(f"/comments/{pk}/flag/", {"reason": "spam"}).status_code == 404


@pytest.mark.parametrize("method", ["put", "delete"])
def test_the_report_url_takes_no_other_method(client, comment, method):
    assert getattr(client, method)(report_url(comment)).status_code == 405


def test_a_report_from_another_site_is_forbidden(comment):
    response = Client(enforce_csrf_checks=True).post(
        report_url(comment), {"reason": "spam"}, headers={"Origin": "https://evil.example"}
    )
    assert response.status_code == 403
    assert Report.objects.count() == 0


def test_a_banned_reader_cannot_report(client, comment):
    ReaderBan.objects.create(reader_id=as_reader(client))
    response = report(client, comment)
    assert response.status_code == 403
    assert html(response).find(class_="comment-messages").get_text(strip=True) == (
        "You can no longer report comments on this site: a moderator has blocked you, "
        "until a moderator lifts the block."
    )
    assert Report.objects.count() == 0


def test_reports_on_a_closed_article_still_count(client, closed_article):
    comment = make_comment(closed_article)
    assert report(client, comment).status_code == 303


def test_reports_are_kept_per_comment(article):
    first, second = make_comment(article), make_comment(make_article(slug="other"))
    reader = Client()
    report(reader, first)
    report(reader, second)
    assert Report.objects.count() == 2
    assert timezone.now() >= Report.objects.first().created_at


def test_reporting_costs_a_bounded_number_of_queries(
    client, comment, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        assert report(client, comment).status_code == 303
    with django_assert_max_num_queries(12):
        assert report(client, comment).status_code == 303


def test_a_reader_reporting_too_fast_gets_429_and_nothing_is_stored(client, article, settings):
    settings.COMMENTS_REPORT_RATE_LIMITS = [(2, 600)]
    comments = [make_comment(article, name=f"Writer {n}", body=f"Claim {n}.") for n in range(3)]
    assert [report(client, comment).status_code for comment in comments[:2]] == [303, 303]
    response = report(client, comments[2])
    assert response.status_code == 429
    assert response["Retry-After"].isdigit()
    assert html(response).select_one(".comment-messages .message-error").get_text() == (
        "You are reporting too fast: at most 2 reports in 10 minutes. "
        "Please try again in 10 minutes."
    )
    assert Report.objects.count() == 2
    assert not Report.objects.filter(comment=comments[2]).exists()
    json_response = report(client, comments[2], Accept="application/json")
    assert json_response.status_code == 429
    assert json_response.json()["error"].startswith("You are reporting too fast")


def test_new_readers_from_one_address_share_the_report_limit(article, settings):
    settings.COMMENTS_REPORT_RATE_LIMITS = [(2, 600)]
    comment = make_comment(article, name="Ann", body="Something contested.")
    statuses = [report(Client(REMOTE_ADDR="203.0.113.9"), comment).status_code for _ in range(3)]
    assert statuses == [303, 303, 429]
    assert Report.objects.count() == 2
    assert report(Client(REMOTE_ADDR="198.51.100.4"), comment).status_code == 303


def test_the_report_link_leads_to_a_page_with_the_report_form(client, comment):
    response = client.get(report_url(comment))
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    page = html(response)
    assert page.h1.get_text() == "Report a comment"
    assert "Something contested." in page.find("blockquote").get_text()
    form = page.find("form", class_="report-form")
    assert form["action"] == report_url(comment)
    assert not form.find(attrs={"name": "csrfmiddlewaretoken"})
    assert [radio["value"] for radio in form.find_all("input", type="radio")] == [
        "spam",
        "abuse",
        "off-topic",
        "other",
    ]
    back = page.find("a", string="Back to the article")
    assert back["href"] == f"{comment.article.get_absolute_url()}#comment-{comment.pk}"


def test_the_report_page_of_a_reported_comment_thanks_its_reporter(client, comment):
    report(client, comment)
    page = html(client.get(report_url(comment)))
    assert page.find(class_="reported").get_text() == ALREADY
    assert not page.find("form", class_="report-form")


@pytest.mark.parametrize("status", [PENDING, REJECTED])
def test_there_is_no_report_page_for_a_comment_not_shown(client, article, status):
    held = make_comment(article, status=status, body="Not shown.")
    assert client.get(report_url(held)).status_code == 404
    assert client.get("/comments/999999/flag/").status_code == 404


def test_a_banned_reader_gets_no_report_form(client, comment):
    ReaderBan.objects.create(reader_id=as_reader(client))
    response = client.get(report_url(comment))
    assert response.status_code == 403
    assert html(response).find(class_="comment-messages").get_text(strip=True) == (
        "You can no longer report comments on this site: a moderator has blocked you, "
        "until a moderator lifts the block."
    )


@pytest.mark.parametrize("taken_down", ["reports", "moderator"])
def test_a_reporter_cannot_read_a_comment_once_it_is_taken_down(
    client, comment, settings, moderator, taken_down
):
    """Hardening 10: the report page showed the comment to whoever reported it, whatever
    became of it."""
    settings.COMMENTS_REPORT_THRESHOLD = 1
    report(client, comment)
    report(reporters(1)[0], comment)
    if taken_down == "moderator":
        comment.refresh_from_db()
        services.reject(comment=comment, moderator=moderator)
    response = client.get(report_url(comment))
    assert response.status_code == 200
    assert "Something contested." not in response.content.decode()
    assert "no longer shown" in response.content.decode()
    assert "You have already reported this comment" in response.content.decode()


# Reports count people (hardening 1): a client without a cookie is a new reader each time.


def test_one_address_without_cookies_never_hides_a_comment(comment, moderator):
    for _ in range(10):
        assert report(Client(REMOTE_ADDR="203.0.113.9"), comment).status_code == 303
    comment.refresh_from_db()
    assert comment.status == APPROVED
    assert comment.report_count == 10
    assert html(Client().get(comment.article.get_absolute_url())).find(id=f"comment-{comment.pk}")


def test_established_readers_on_one_network_count_as_one_person(comment):
    for _ in range(3):
        report(established_reader("203.0.113.9"), comment)
    comment.refresh_from_db()
    assert comment.status == APPROVED


def test_an_ipv6_network_counts_once_across_its_64s(comment):
    for n in range(3):
        report(established_reader(f"2001:db8:aa:{n}::1"), comment)
    comment.refresh_from_db()
    assert comment.status == APPROVED
    report(established_reader("2001:db8:bb::1"), comment)
    report(established_reader("2001:db8:cc::1"), comment)
    comment.refresh_from_db()
    assert comment.status == PENDING


def test_a_new_reader_weighs_half_an_established_one(comment):
    for n in range(5):
        report(Client(REMOTE_ADDR=f"203.0.113.{n + 1}"), comment)
    comment.refresh_from_db()
    assert comment.status == APPROVED  # 5 new readers: 2.5 people
    report(Client(REMOTE_ADDR="203.0.113.6"), comment)
    comment.refresh_from_db()
    assert comment.status == PENDING
    assert comment.moderation_reason.startswith(
        "reports: 3 people reported it (6 readers on 6 networks;"
    )


def test_a_reader_whose_only_approved_comment_is_recent_is_still_new(comment):
    reporting = []
    for n in range(3):
        client = Client(REMOTE_ADDR=f"203.0.113.{n + 1}")
        make_comment(make_article(slug=f"today-{n}"), reader_id=as_reader(client))
        reporting.append(client)
    for client in reporting:
        report(client, comment)
    comment.refresh_from_db()
    assert comment.status == APPROVED
    assert list(Report.objects.values_list("weight", flat=True)) == [1, 1, 1]


def test_a_signed_in_user_is_established(comment, django_user_model):
    for n in range(3):
        user = django_user_model.objects.create_user(f"reader{n}", password="a long passphrase")
        client = Client(REMOTE_ADDR=f"203.0.113.{n + 1}")
        client.force_login(user)
        client.get(comment.article.get_absolute_url())  # the CSRF cookie a signed-in user has
        token = client.cookies["csrftoken"].value
        response = client.post(
            report_url(comment), {"reason": "abuse", "csrfmiddlewaretoken": token}
        )
        assert response.status_code == 303
    comment.refresh_from_db()
    assert comment.status == PENDING
