import re
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.utils import timezone

from articles import images
from articles.markdown import is_own_media
from articles.models import Article

FOLDERS = ("images", "cards")
MEDIA_SOURCE = re.compile(r'src="([^"]+)"')


def pictures_in_use():
    """Every media name an article uses: its picture and sizes, the card its title,
    section and the site's name make now, and the pictures its body shows."""
    used = set()
    articles = Article.objects.select_related("section").only(
        "title", "body_html", "lead_image", "lead_image_renditions", "section__name"
    )
    for article in articles.iterator(chunk_size=500):
        if article.lead_image:
            used.add(article.lead_image.name)
        used |= images.names_of(article.lead_image_renditions)
        section = article.section.name if article.section else ""
        used.add(
            images.card_name(title=article.title, section=section, site_name=settings.SITE_NAME)
        )
        for src in MEDIA_SOURCE.findall(article.body_html):
            if is_own_media(src):
                used.add(src.removeprefix(settings.MEDIA_URL))
    return used


class Command(BaseCommand):
    help = (
        "Delete the pictures, sizes and share cards no article uses any more (a replaced "
        "picture, the card of an old headline), once older than --older-than hours."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=float,
            default=24,
            help="hours (default 24): a picture being uploaded now is not in use yet",
        )
        parser.add_argument("--dry-run", action="store_true", help="list, delete nothing")

    def handle(self, *args, older_than, dry_run, **options):
        used = pictures_in_use()
        before = timezone.now() - timedelta(hours=older_than)
        deleted = 0
        for folder in FOLDERS:
            if not default_storage.exists(folder):
                continue
            for filename in default_storage.listdir(folder)[1]:
                name = f"{folder}/{filename}"
                if name in used or default_storage.get_modified_time(name) > before:
                    continue
                deleted += 1
                if not dry_run:
                    default_storage.delete(name)
                self.stdout.write(f"{'Would delete' if dry_run else 'Deleted'} {name}")
        self.stdout.write(f"{deleted} unused file{'s' if deleted != 1 else ''}.")
