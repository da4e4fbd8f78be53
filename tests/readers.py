"""A reader's browser, reduced to what the load and fault tests need: cookies, the CSRF
token from the page, form posts."""

import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Reader:
    def __init__(self, base_url, address=None):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
            NoRedirect(),
        )
        self.headers = {"X-Forwarded-For": address} if address else {}
        self.token = None

    def request(self, path, data=None, *, accept_json=False, timeout=30):
        """(status, body text); status None when the connection failed."""
        headers = dict(self.headers)
        if accept_json:
            headers["Accept"] = "application/json"
        body = None
        if data is not None:
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.token}).encode()
        request = urllib.request.Request(  # noqa: S310 - the test's own http:// server
            self.base_url + path, data=body, headers=headers
        )
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()
        except OSError:
            return None, ""

    def open_page(self, path):
        status, body = self.request(path)
        match = CSRF_INPUT.search(body)
        if match:
            self.token = match.group(1)
        return status, body

    def post_json(self, path, data):
        status, body = self.request(path, data, accept_json=True)
        try:
            return status, json.loads(body)
        except ValueError:
            return status, None


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
