"""The admin site: Django's, with the sign-in throttle and the editors' "Reactions" page
in its list of pages; the helpers the apps' admins share. (The moderation queue's numbers
on its index come from the comments app's template tag: templates/admin/newsroom_index.html.)"""

import json

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connections
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme

from newsroom import login_throttle

QUEUE_COUNT_CAP = 10_000


def capped_count(queryset, cap=QUEUE_COUNT_CAP):
    """The number of rows, counting no further than `cap` (shown as "10,000+")."""
    n = queryset[: cap + 1].count()
    return f"{cap:,}+" if n > cap else f"{n:,}"


class NewsroomAdminSite(admin.AdminSite):
    site_header = "Newsroom admin"
    site_title = "Newsroom admin"
    index_title = "The desk"
    index_template = "admin/newsroom_index.html"

    def login(self, request, extra_context=None):
        """Sign-in, refused while the username or the address is locked out."""
        if request.method == "POST":
            wait = login_throttle.seconds_to_wait(request, request.POST.get("username", ""))
            if wait:
                response = render(
                    request,
                    "admin/login_locked.html",
                    {"message": login_throttle.wait_message(wait)},
                    status=429,
                )
                response["Retry-After"] = str(wait)
                return response
        return super().login(request, extra_context)

    def get_app_list(self, request, app_label=None):
        app_list = super().get_app_list(request, app_label)
        if request.user.has_perm("articles.change_article"):
            for app in app_list:
                if app["app_label"] == "articles":
                    app["models"].append(
                        {
                            "name": "Reactions",
                            "object_name": "Reactions",
                            "admin_url": reverse("admin:articles_article_reactions"),
                            "add_url": None,
                            "view_only": True,
                            "perms": {"view": True},
                        }
                    )
                    app["models"].sort(key=lambda model: model["name"])
        return app_list


def stale_selection(request, queryset, acted_on):
    """Of the rows ticked on the list but not acted on: how many left the list's filter
    since it was shown (e.g. another moderator decided on them) and how many were deleted.
    Nothing to say when "select all" was used."""
    if request.POST.get("select_across") == "1":
        return 0, 0
    model = queryset.model
    ticked = set()
    for value in request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME):
        try:
            ticked.add(model._meta.pk.to_python(value))
        except ValidationError:
            continue
    missing = ticked - {obj.pk for obj in acted_on}
    if not missing:
        return 0, 0
    still_there = model._default_manager.filter(pk__in=missing).count()
    return still_there, len(missing) - still_there


def local_url(request, url, default):
    """`url` (a `next` the page sent) if it stays on this site, else `default`: what an
    admin page goes back to after a POST, never another site."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return default


def plural(n, noun):
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def action_report(*, noun, changed, unchanged, done, already, moved=0, deleted=0):
    """What a list action did, in a sentence or a few, and the level to show it at: e.g.
    "2 comments approved. 1 comment was already approved, left as it was.". Rows ticked on
    a stale page, changed or deleted since, are accounted for too."""
    parts = []
    if changed:
        parts.append(f"{plural(changed, noun)} {done}.")
    if unchanged:
        was, left = ("was", "it was") if unchanged == 1 else ("were", "they were")
        parts.append(f"{plural(unchanged, noun)} {was} already {already}, left as {left}.")
    if moved:
        was, left = ("was", "it was") if moved == 1 else ("were", "they were")
        parts.append(
            f"{plural(moved, noun)} {was} changed by someone else since the list was shown, "
            f"left as {left}: check the list again."
        )
    if deleted:
        was = "was" if deleted == 1 else "were"
        parts.append(f"{plural(deleted, noun)} {was} deleted since the list was shown.")
    level = messages.SUCCESS if changed else messages.WARNING
    return " ".join(parts) or "Nothing changed.", level


def planner_estimate(queryset):
    """PostgreSQL's estimate of the number of rows a query returns (EXPLAIN, not run)."""
    sql, params = queryset.order_by().query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatedCountPaginator(Paginator):
    """A paginator for lists that can hold millions of rows (the moderation queue).

    An exact COUNT(*) of a million rows costs more than the rest of the page. This one
    counts exactly only up to `exact_up_to` rows (a capped count: a LIMIT inside the
    count). Past that, on PostgreSQL, it takes the planner's estimate (EXPLAIN, from the
    table's statistics; for the whole table that is pg_class.reltuples) and says so:
    `estimated` is True and the list shows "about N". SQLite, the small embedded setup,
    then counts exactly.
    """

    exact_up_to = 10_000
    estimated = False

    @cached_property
    def count(self):
        queryset = self.object_list
        capped = queryset.order_by()[: self.exact_up_to + 1].count()
        if capped <= self.exact_up_to:
            return capped
        if connections[queryset.db].vendor != "postgresql":
            return queryset.count()
        self.estimated = True
        return max(planner_estimate(queryset), capped)


class SafeAdminMixin:
    """Lists that answer odd input with a message or a clean URL where Django's own code
    would fail with a server error: a tampered action selection (ids that are not ids),
    and NUL characters in the query string (PostgreSQL refuses them in any text). A list's
    URL may not filter on a field its user may not see (`private_fields`: only
    superusers see them), which would read the field back a character at a time, nor use
    a regular expression, which the database may refuse (a 400 either way)."""

    private_fields = ()

    def lookup_allowed(self, lookup, value, request):
        parts = lookup.split(LOOKUP_SEP)
        if parts[-1] in ("regex", "iregex"):
            return False
        if not request.user.is_superuser and set(parts) & set(self.private_fields):
            return False
        return super().lookup_allowed(lookup, value, request)

    def changelist_view(self, request, extra_context=None):
        if any("\x00" in key + "".join(values) for key, values in request.GET.lists()):
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(key.replace("\x00", ""), [v.replace("\x00", "") for v in values])
            return HttpResponseRedirect(f"{request.path}?{cleaned.urlencode()}")
        return super().changelist_view(request, extra_context)

    def response_action(self, request, queryset):
        pk = self.opts.pk
        for value in request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME):
            try:
                pk.to_python(value)
            except ValidationError:
                self.message_user(
                    request,
                    "The selection was not understood: no items have been changed.",
                    messages.WARNING,
                )
                return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)
