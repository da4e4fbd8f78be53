"""What the reader endpoints of every app answer with."""

from django.http import HttpResponseRedirect


class HttpResponseSeeOther(HttpResponseRedirect):
    """303: after a form's POST, the browser GETs the page it names."""

    status_code = 303


def wants_json(request):
    """Whether the caller is the page's script (it asks for JSON), not a plain form."""
    return "application/json" in request.headers.get("accept", "")
