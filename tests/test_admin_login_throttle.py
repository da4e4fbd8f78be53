"""The admin sign-in is throttled, and the admin is for staff only."""

import pytest
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


def test_five_failures_for_one_username_block_even_the_right_password(editor):
    for address in ("192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4", "192.0.2.5"):
        response = sign_in(Client(REMOTE_ADDR=address), "editor", "wrong")
        assert response.status_code == 200  # the form again, with Django's error
    response = sign_in(Client(REMOTE_ADDR="192.0.2.6"), "editor", "correct-horse-battery")
    assert response.status_code == 429
    message = html(response).find(role="alert").get_text()
    assert "Too many failed sign-in attempts" in message
    assert "_auth_user_id" not in response.wsgi_request.session


def test_five_failures_from_one_address_block_other_usernames(editor):
    client = Client(REMOTE_ADDR="198.51.100.9")
    for i in range(5):
        sign_in(client, f"guess{i}", "wrong")
    assert sign_in(client, "editor", "correct-horse-battery").status_code == 429
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


def test_the_block_lifts_after_the_window(editor, settings):
    import time_machine

    with time_machine.travel("2030-01-01 09:00:00", tick=False) as traveller:
        client = Client()
        for _ in range(5):
            sign_in(client, "editor", "wrong")
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
