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
        if response.cookies:
            make_private(response)
        return response


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
