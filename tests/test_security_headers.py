"""Deploy-grade settings: the headers on every response, cookies, and check --deploy."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from tests.helpers import SEED_SLUG

EXPECTED_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)

PAGES = [
    "/",
    f"/articles/{SEED_SLUG}/",
    f"/articles/{SEED_SLUG}/reactions/",
    "/search/?q=assad",
    "/feed/",
    "/sitemap.xml",
    "/robots.txt",
    "/healthz",
    "/admin/login/",
    "/no-such-page/",
]


@pytest.mark.parametrize("url", PAGES)
def test_every_response_carries_the_security_headers(client, seed_article, url):
    response = client.get(url)
    assert response.status_code in (200, 404)
    assert response["Content-Security-Policy"] == EXPECTED_CSP
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in policy
    assert "clipboard-write=(self)" in policy
    assert response["X-Request-ID"]


def test_the_policy_allows_nothing_inline_or_from_elsewhere():
    policy = settings.CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "http" not in policy and "*" not in policy and "data:" not in policy


def test_no_template_of_ours_holds_inline_script_or_style():
    for path in (settings.BASE_DIR / "templates").rglob("*.html"):
        text = path.read_text()
        assert "style=" not in text, path
        assert "<style" not in text, path
        for tag in text.split("<script")[1:]:
            opening = tag.split(">", 1)[0]
            assert "src=" in opening or 'type="application/ld+json"' in opening, path


def test_hsts_is_sent_in_production(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = client.get("/healthz", secure=True)
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")


def test_csrf_and_session_cookies_are_httponly_and_lax(client, seed_article, admin_user):
    assert not client.get(f"/articles/{SEED_SLUG}/").cookies  # reader pages set none
    response = client.get("/admin/login/")
    csrf = response.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["httponly"] and csrf["samesite"] == "Lax"
    client.post("/admin/login/", {"username": "admin", "password": "password"})
    session = client.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"] and session["samesite"] == "Lax"


def production_environment(**extra):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DEBUG", "DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        DEBUG="off",
        HTTPS="on",
        SECRET_KEY="k" * 10 + "a-long-production-secret-of-more-than-fifty-chars-0123456789",
        ALLOWED_HOSTS="news.example.org",
        **extra,
    )
    return env


def test_check_deploy_reports_no_warning_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=production_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_cookies_are_secure_and_https_is_enforced():
    script = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.SECURE_HSTS_SECONDS, s.DEBUG)"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        cwd=settings.BASE_DIR,
        env=production_environment(),
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["True", "True", "True", "31536000", "False"]


def test_without_a_secret_key_production_refuses_to_start():
    env = production_environment()
    del env["SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize("value", ["", "   "])
def test_an_empty_secret_key_refuses_to_start_and_names_the_variable(value):
    env = {**production_environment(), "SECRET_KEY": value}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "empty" in result.stderr


def test_hsts_preload_is_a_choice_not_a_default():
    script = "from django.conf import settings as s; print(s.SECURE_HSTS_PRELOAD)"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        cwd=settings.BASE_DIR,
        env=production_environment(),
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["False"]
