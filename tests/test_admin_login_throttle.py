"""The admin sign-in is throttled, and the admin is for staff only."""

import pytest
import time_machine
from django.test import Client

from tests.helpers import html

LOGIN = "/admin/login/"


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user(
        "editor", email="editor@example.org", password="correct-horse-battery", is_staff=True
    )


def sign_in(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"})


def fail_from_many_addresses(username, times, first=1):
    for n in range(first, first + times):
        response = sign_in(Client(REMOTE_ADDR=f"192.0.2.{n}"), username, "wrong")
        assert response.status_code == 200  # the form again, with Django's error


def test_five_failures_for_one_account_make_the_next_attempt_wait(editor):
    with time_machine.travel("2030-01-01 09:00:00", tick=False) as traveller:
        fail_from_many_addresses("editor", 5)
        response = sign_in(Client(REMOTE_ADDR="192.0.2.99"), "editor", "correct-horse-battery")
        assert response.status_code == 429
        assert response["Retry-After"] == "1"
        message = html(response).find(role="alert").get_text()
        assert "Please wait 1 second before trying again" in message
        assert "_auth_user_id" not in response.wsgi_request.session
        traveller.shift(1)
        response = sign_in(Client(REMOTE_ADDR="192.0.2.99"), "editor", "correct-horse-battery")
        assert response.status_code == 302


def test_the_wait_doubles_with_each_failure_up_to_the_longest_delay(editor, settings):
    settings.LOGIN_MAX_DELAY = 8
    with time_machine.travel("2030-01-01 09:00:00", tick=False) as traveller:
        fail_from_many_addresses("editor", 5)
        waits = []
        for n in range(6):
            refused = sign_in(Client(REMOTE_ADDR=f"192.0.2.{50 + n}"), "editor", "wrong")
            waits.append(int(refused["Retry-After"]))
            traveller.shift(waits[-1])
            fail_from_many_addresses("editor", 1, first=100 + n)
        assert waits == [1, 2, 4, 8, 8, 8]


def test_a_stranger_cannot_lock_the_owner_out_for_longer_than_the_longest_delay(editor, settings):
    with time_machine.travel("2030-01-01 09:00:00", tick=False) as traveller:
        for n in range(30):
            traveller.shift(settings.LOGIN_MAX_DELAY)
            fail_from_many_addresses("editor", 1, first=n + 1)
        owner = Client(REMOTE_ADDR="203.0.113.7")
        refused = sign_in(owner, "editor", "correct-horse-battery")
        assert refused.status_code == 429
        assert int(refused["Retry-After"]) <= settings.LOGIN_MAX_DELAY
        traveller.shift(settings.LOGIN_MAX_DELAY)
        assert sign_in(owner, "editor", "correct-horse-battery").status_code == 302


def test_an_attempt_that_must_wait_is_not_checked_nor_counted(editor):
    with time_machine.travel("2030-01-01 09:00:00", tick=False) as traveller:
        fail_from_many_addresses("editor", 5)
        for n in range(10):
            assert (
                sign_in(Client(REMOTE_ADDR=f"192.0.2.{60 + n}"), "editor", "x").status_code == 429
            )
        traveller.shift(1)  # the first delay, not one made longer by the refused attempts
        assert (
            sign_in(Client(REMOTE_ADDR="192.0.2.99"), "editor", "correct-horse-battery").status_code
            == 302
        )


@pytest.mark.parametrize("spelling", ["ｅｄｉｔｏｒ", "EDITOR", " editor "])
def test_another_spelling_of_the_username_counts_for_the_same_account(editor, spelling):
    fail_from_many_addresses(spelling, 5)
    response = sign_in(Client(REMOTE_ADDR="192.0.2.99"), "editor", "correct-horse-battery")
    assert response.status_code == 429
    response = sign_in(Client(REMOTE_ADDR="192.0.2.98"), spelling, "correct-horse-battery")
    assert response.status_code == 429


def test_a_sign_in_clears_the_accounts_failures(editor):
    fail_from_many_addresses("editor", 4)
    assert (
        sign_in(Client(REMOTE_ADDR="192.0.2.99"), "editor", "correct-horse-battery").status_code
        == 302
    )
    fail_from_many_addresses("editor", 4, first=20)
    assert (
        sign_in(Client(REMOTE_ADDR="192.0.2.98"), "editor", "correct-horse-battery").status_code
        == 302
    )


def test_five_failures_from_one_address_block_other_usernames(editor):
    client = Client(REMOTE_ADDR="198.51.100.9")
    for i in range(5):
        sign_in(client, f"guess{i}", "wrong")
    response = sign_in(client, "editor", "correct-horse-battery")
    assert response.status_code == 429
    assert "15 minutes" in html(response).find(role="alert").get_text()
    assert (
        sign_in(Client(REMOTE_ADDR="198.51.100.10"), "editor", "correct-horse-battery").status_code
        == 302
    )


def test_four_failures_still_let_the_right_password_in(editor):
    client = Client()
    for _ in range(4):
        sign_in(client, "editor", "wrong")
    response = sign_in(client, "editor", "correct-horse-battery")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_an_address_block_lifts_after_the_window(editor, settings):
    with time_machine.travel("2030-01-01 09:00:00", tick=False) as traveller:
        client = Client(REMOTE_ADDR="198.51.100.9")
        for i in range(5):
            sign_in(client, f"guess{i}", "wrong")
        assert sign_in(client, "editor", "correct-horse-battery").status_code == 429
        traveller.shift(settings.LOGIN_FAILURE_WINDOW + 1)
        assert sign_in(client, "editor", "correct-horse-battery").status_code == 302


def test_the_admin_is_not_reachable_without_staff_status(client, django_user_model):
    django_user_model.objects.create_user("reader", password="reader-password-1")
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    client.login(username="reader", password="reader-password-1")
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert client.get("/admin/comments/comment/").status_code == 302
