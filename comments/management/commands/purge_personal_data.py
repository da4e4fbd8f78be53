from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from comments.models import Comment, Report


class Command(BaseCommand):
    help = (
        "Remove the email addresses and address hashes of comments and reports older than "
        "the retention period (PERSONAL_DATA_RETENTION_DAYS, or --older-than DAYS). The "
        "comments themselves stay; bans keep their address hash until they are deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            metavar="DAYS",
            default=settings.PERSONAL_DATA_RETENTION_DAYS,
            help="Purge data older than this many days (default: %(default)s).",
        )

    def handle(self, *args, older_than, **options):
        if older_than < 0:
            raise CommandError("--older-than must be a number of days, 0 or more.")
        cutoff = timezone.now() - timedelta(days=older_than)
        with transaction.atomic():
            comments = (
                Comment.objects.filter(created_at__lt=cutoff)
                .filter(~Q(email="") | ~Q(address_hash=""))
                .update(email="", address_hash="")
            )
            reports = (
                Report.objects.filter(created_at__lt=cutoff)
                .exclude(address_hash="")
                .update(address_hash="")
            )
        self.stdout.write(
            f"Removed emails and address hashes from {comments} comment(s) and {reports} "
            f"report(s) older than {older_than} day(s)."
        )
