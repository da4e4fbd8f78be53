from django.utils.cache import cc_delim_re, patch_cache_control

SHARED_ONLY = ("public", "s-maxage")


class SharedCachePolicyMiddleware:
    """A response that sets a cookie is one reader's: no shared cache (CDN, reverse proxy)
    may keep it, whatever the view said. Django re-sends the CSRF cookie with every page
    that holds a form, so such pages are all private."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.cookies and not _is_private(response.get("Cache-Control", "")):
            make_private(response)
        return response


def _is_private(cache_control):
    return "private" in cache_control and not any(word in cache_control for word in SHARED_ONLY)


def make_private(response):
    """Mark the response private, dropping what allowed shared caches to keep it."""
    if response.has_header("Cache-Control"):
        directives = [
            directive
            for directive in cc_delim_re.split(response["Cache-Control"].strip())
            if directive and directive.split("=")[0].strip().lower() not in SHARED_ONLY
        ]
        response["Cache-Control"] = ", ".join(directives)
    patch_cache_control(response, private=True)
