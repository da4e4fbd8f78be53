"""A reader's browser, reduced to what the load and fault tests need: cookies, form posts
from the site's own pages (Sec-Fetch-Site: same-origin, as browsers send it)."""

import http.cookiejar
import json
import urllib.error
import urllib.parse
import urllib.request

from tests.servers import NoRedirects


class Reader:
    def __init__(self, base_url, address=None):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
            NoRedirects(),
        )
        self.headers = {"X-Forwarded-For": address} if address else {}

    def request(self, path, data=None, *, accept_json=False, timeout=30):
        """(status, body text); status None when the connection failed."""
        headers = dict(self.headers)
        if accept_json:
            headers["Accept"] = "application/json"
        body = None
        if data is not None:
            headers["Sec-Fetch-Site"] = "same-origin"
            body = urllib.parse.urlencode(data).encode()
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
        return self.request(path)

    def post_json(self, path, data):
        status, body = self.request(path, data, accept_json=True)
        try:
            return status, json.loads(body)
        except ValueError:
            return status, None
