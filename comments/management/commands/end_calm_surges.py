from django.core.management.base import BaseCommand

from comments import surges


class Command(BaseCommand):
    help = (
        "End the surges whose calm period (COMMENTS_SURGE_CALM_MINUTES) has passed: their "
        "articles get back the comments mode they had. Cron may run it every minute; the "
        "admin's index does the same when staff open it."
    )

    def handle(self, *args, **options):
        ended = surges.end_calm_surges()
        self.stdout.write(f"{ended} surge{'s' * (ended != 1)} ended.")
