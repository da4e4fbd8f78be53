from django.shortcuts import get_object_or_404, render
from django.utils.http import http_date
from django.views.decorators.http import condition, require_safe

from articles.views import public
from pages.models import Page


def _updated_at(request, slug):
    return Page.objects.filter(slug=slug).values_list("updated_at", flat=True).first()


@require_safe
@condition(last_modified_func=_updated_at)
def page_detail(request, slug):
    """The same for every reader: public, as the site's other pages (shared caches keep it
    HTTP_SHARED_MAX_AGE seconds, then ask again)."""
    page = get_object_or_404(Page, slug=slug)
    response = render(request, "pages/page.html", {"page": page})
    response["Last-Modified"] = http_date(page.updated_at.timestamp())
    return public(response)
