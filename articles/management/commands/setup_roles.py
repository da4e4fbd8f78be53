from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

# Each staff role and exactly the permissions it holds ("app_label.codename").
# Superusers hold every permission without a group.
ROLES = {
    "Editors": [
        # Articles: write, publish, delete. Sections are part of the articles desk.
        "articles.view_article",
        "articles.add_article",
        "articles.change_article",
        "articles.delete_article",
        "articles.publish_article",
        "articles.view_section",
        "articles.add_section",
        "articles.change_section",
        "articles.delete_section",
        # The site's pages (community guidelines, privacy): write and keep up to date.
        "pages.view_page",
        "pages.add_page",
        "pages.change_page",
        # Comments: read only, and pick the best as editors' picks.
        "comments.view_comment",
        "comments.feature_comment",
    ],
    "Moderators": [
        # Comments and readers' reports: view and moderate (never edit what was written).
        "comments.view_comment",
        "comments.moderate_comment",
        "comments.feature_comment",
        "comments.view_report",
        # The word lists the rules use.
        "comments.view_bannedword",
        "comments.add_bannedword",
        "comments.change_bannedword",
        "comments.delete_bannedword",
        "comments.view_suspectword",
        "comments.add_suspectword",
        "comments.change_suspectword",
        "comments.delete_suspectword",
        # Reader bans: make and lift them (lifting is a change; a ban is never deleted).
        "comments.view_readerban",
        "comments.add_readerban",
        "comments.change_readerban",
        # Articles: view only.
        "articles.view_article",
    ],
}


def permissions_for(names):
    """The Permission rows for "app_label.codename" names; every one must exist."""
    wanted = {tuple(name.split(".", 1)) for name in names}
    found = {
        (perm.content_type.app_label, perm.codename): perm
        for perm in Permission.objects.select_related("content_type").filter(
            content_type__app_label__in={app for app, _ in wanted},
            codename__in={codename for _, codename in wanted},
        )
    }
    missing = sorted(".".join(key) for key in wanted - found.keys())
    if missing:
        raise CommandError(f"Unknown permissions (run migrate first?): {', '.join(missing)}")
    return [found[key] for key in sorted(wanted)]


class Command(BaseCommand):
    help = (
        "Create or update the staff groups Editors and Moderators with exactly their "
        "permissions. Safe to run again: each group ends with the listed permissions only."
    )

    def handle(self, *args, **options):
        for app_label in ("articles", "comments", "pages"):
            create_permissions(apps.get_app_config(app_label), verbosity=0)
        with transaction.atomic():
            for name, perm_names in ROLES.items():
                group, created = Group.objects.get_or_create(name=name)
                group.permissions.set(permissions_for(perm_names))
                state = "created" if created else "updated"
                self.stdout.write(f"{name}: {state}, {len(perm_names)} permissions")
