"""Checks that a page holds nothing a reader or an editor typed as markup that could run."""

import json

from bs4 import BeautifulSoup

FORBIDDEN_TAGS = ["iframe", "object", "embed", "svg", "math", "style", "base", "video"]
# Pictures only from our own media (the lead picture, body pictures): never from elsewhere.
OWN_MEDIA = "/media/"
FORBIDDEN_SCHEMES = ("javascript:", "data:", "vbscript:")


def assert_inert(content):
    page = BeautifulSoup(content, "html.parser")
    for script in page.find_all("script"):
        if script.get("type") == "application/ld+json":
            json.loads(script.string)  # data, and it parses: nothing broke out of it
            continue
        assert script.get("src", "").startswith("/static/js/"), script
        assert not script.string, script
    for name in FORBIDDEN_TAGS:
        assert page.find(name) is None, page.find(name)
    for tag in page.find_all(True):
        for attribute, value in tag.attrs.items():
            assert not attribute.lower().startswith("on"), tag
            if attribute in ("href", "src", "action", "formaction", "xlink:href"):
                cleaned = "".join(str(value).split()).lower()
                assert not cleaned.startswith(FORBIDDEN_SCHEMES), tag
    assert_pictures_from_own_media(page)
    for meta in page.find_all("meta"):
        assert meta.get("http-equiv") is None, meta
    for link in page.find_all("link"):
        assert link["href"].startswith(("/", "http://testserver", "http://localhost")), link
    for form in page.find_all("form"):
        assert form.get("action", "").startswith("/") or not form.get("action"), form
    return page


def assert_pictures_from_own_media(page):
    for img in page.find_all("img"):
        sources = [img.get("src", "")]
        sources += [part.split()[0] for part in img.get("srcset", "").split(",") if part.strip()]
        assert all(source.startswith(OWN_MEDIA) for source in sources), img
