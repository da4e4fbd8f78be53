import time

from django.conf import settings

from articles import pagecache
from articles.models import Section

SECTIONS_KEY = "nav:sections"


def header_sections():
    """The sections the header lists, [(name, url)], kept in the shared cache under the
    site's generation (a section's save or delete bumps it): one query per change."""
    key = f"page:{pagecache.release()}:{SECTIONS_KEY}"
    generation, entry = pagecache.read_with_generation(pagecache.SITE_KEY, key)
    if (
        entry is not None
        and entry["generation"] == generation
        and time.time() - entry["rendered_at"] < settings.PAGE_CACHE_SECONDS
    ):
        return entry["sections"]
    sections = [
        (section.name, section.get_absolute_url())
        for section in Section.objects.only("name", "slug")
    ]
    entry = {"generation": generation, "rendered_at": time.time(), "sections": sections}
    pagecache.write(key, entry, settings.PAGE_CACHE_SECONDS)
    return sections


def sections(request):
    # A callable: the template calls it only where the header is drawn.
    return {"header_sections": header_sections}
