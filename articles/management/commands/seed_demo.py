from datetime import datetime
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.text import slugify

from articles.models import Article, Section
from pages.models import Page

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
PAGES_DIR = Path(__file__).resolve().parents[3] / "pages" / "demo"


def read_demo_article(path):
    """A demo file: 'Key: value' header lines, a blank line, then the Markdown body."""
    header, _, body = path.read_text(encoding="utf-8").partition("\n\n")
    fields = dict(line.split(": ", 1) for line in header.splitlines())
    return {
        "slug": fields["Slug"],
        "title": fields["Title"],
        "standfirst": fields["Standfirst"],
        "byline": fields["Byline"],
        "published_at": datetime.fromisoformat(fields["Published"]),
        "body": body.strip() + "\n",
        "section": fields.get("Section", ""),
    }


def _demo_section(name):
    """The section called `name`, created if missing (an editor may have changed its slug)."""
    section = Section.objects.filter(name=name).first()
    if section is None:
        section, _ = Section.objects.get_or_create(slug=slugify(name), defaults={"name": name})
    return section


class Command(BaseCommand):
    help = (
        "Load the demo articles (the seed page), their sections and the site's pages. Safe "
        "to run again: an article or a page already there is left as it is, except that an "
        "article without a section is put in its demo section."
    )

    def handle(self, *args, **options):
        for path in sorted(DEMO_DIR.glob("*.md")):
            data = read_demo_article(path)
            section_name = data.pop("section")
            with transaction.atomic():
                section = _demo_section(section_name) if section_name else None
                article, created = Article.objects.get_or_create(
                    slug=data.pop("slug"),
                    defaults={**data, "section": section, "status": Article.Status.PUBLISHED},
                )
                if not created and article.section_id is None and section is not None:
                    article.section = section
                    article.save(update_fields=["section", "updated_at"])
            verb = "Created" if created else "Already there:"
            self.stdout.write(f"{verb} {article.title!r} at {article.get_absolute_url()}")
        for path in sorted(PAGES_DIR.glob("*.md")):
            # The site's pages: made once; what editors write afterwards is left alone.
            header, _, body = path.read_text(encoding="utf-8").partition("\n\n")
            title = header.removeprefix("Title: ").strip()
            page, created = Page.objects.get_or_create(
                slug=path.stem, defaults={"title": title, "body": body.strip() + "\n"}
            )
            verb = "Created" if created else "Already there:"
            self.stdout.write(f"{verb} {page.title!r} at {page.get_absolute_url()}")
