from datetime import datetime
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from articles.models import Article

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"


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
    }


class Command(BaseCommand):
    help = (
        "Load the demo articles (the seed page). Safe to run again: an article already "
        "there is left as it is."
    )

    def handle(self, *args, **options):
        for path in sorted(DEMO_DIR.glob("*.md")):
            data = read_demo_article(path)
            with transaction.atomic():
                article, created = Article.objects.get_or_create(
                    slug=data.pop("slug"),
                    defaults={**data, "status": Article.Status.PUBLISHED},
                )
            verb = "Created" if created else "Already there:"
            self.stdout.write(f"{verb} {article.title!r} at {article.get_absolute_url()}")
