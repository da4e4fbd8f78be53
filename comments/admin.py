"""The moderators' desk: the comment queue, readers' reports, word lists and bans.

Every decision (approve, reject, spam, ban, lift a ban) goes through comments.services,
the same functions the site's views use, and is written to the admin's history. What a
reader wrote is never editable here: moderators decide on it, they don't rewrite it.
Wherever it is shown, a reader's text sits in an isolate (<bdi>, or dir="auto" for a
block), so that right-to-left text and bidi overrides reorder nothing around it.
"""

import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from articles.models import Article
from comments import audit, dryrun, queue, readers, services, surges, words
from comments.models import BannedWord, Comment, ReaderBan, Report, Surge, SuspectWord
from comments.moderation import PRE_MODERATED
from newsroom.admin import (
    EstimatedCountPaginator,
    SafeAdminMixin,
    action_report,
    local_url,
    stale_selection,
)
from newsroom.responses import wants_json

Status = Comment.Status
EXCERPT_LENGTH = 90
FOLD_AFTER = 300  # characters of a comment shown in its row before "more"
THREAD_SHOWN = 50
REPORTS_SHOWN = 100
ARTICLES_IN_FILTER = 30
ARTICLE_TITLE_SHOWN = 80


@dataclass(frozen=True)
class Decision:
    service: Callable
    status: str
    done: str  # "3 comments <done>."
    already: str  # "1 comment was already <already>."
    log: str  # the history entry

    def needed(self, comment):
        """Whether the decision changes anything (a reported comment always needs one)."""
        return comment.status != self.status or comment.reported_at is not None


DECISIONS = {
    "approve": Decision(
        services.approve, Status.APPROVED, "approved, shown to readers now", "approved", "Approved"
    ),
    "reject": Decision(services.reject, Status.REJECTED, "rejected", "rejected", "Rejected"),
    "spam": Decision(
        services.mark_spam, Status.SPAM, "marked as spam", "marked as spam", "Marked as spam"
    ),
}


# A row's decisions: (decision, its key on the keyboard, its label, its button's text).
ROW_DECISIONS = [
    ("approve", "a", "Approve the comment by {}", "Approve"),
    ("reject", "r", "Reject the comment by {}", "Reject"),
    ("spam", "s", "Mark the comment by {} as spam", "Spam"),
]
QUEUE_TITLES = {
    queue.PENDING: "The moderation queue: pending comments",
    queue.REPORTED: "The moderation queue: reported comments",
    queue.HELD: "The moderation queue: comments held by a rule",
}


# The queue's filters ---------------------------------------------------------------------

STATUS_CHOICES = [*Status.choices, ("all", "All")]


def listed_status(request):
    """The status the list shows: ?status=, pending when absent or unknown."""
    value = request.GET.get("status")
    return value if value in dict(STATUS_CHOICES) else Status.PENDING


class QueueStatusFilter(admin.SimpleListFilter):
    """Pending by default: the list opens on the queue. "All" shows every status."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return STATUS_CHOICES

    def value(self):
        value = super().value()
        return value if value in dict(STATUS_CHOICES) else Status.PENDING

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "all":
            return queryset
        return queryset.filter(status=self.value())


class ReportedFilter(admin.SimpleListFilter):
    """Comments readers' reports sent back to the queue."""

    title = "readers' reports"
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("yes", "Reported")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.reported()
        return queryset


class HeldFilter(admin.SimpleListFilter):
    """Pending comments that a rule held (comments.queue.held_by_a_rule)."""

    title = "the rules"
    parameter_name = "held"

    def lookups(self, request, model_admin):
        return [("rule", "Held by a rule")]

    def queryset(self, request, queryset):
        if self.value() == "rule":
            return queue.held_by_a_rule(queryset)
        return queryset


class ArticleFilter(admin.SimpleListFilter):
    """The latest articles (the filter list stays short however many there are); any
    article's comments through ?article=<id>, as the article list's counts link."""

    title = "article"
    parameter_name = "article"

    def lookups(self, request, model_admin):
        articles = list(
            Article.objects.published()
            .order_by("-published_at", "-id")
            .only("title")[:ARTICLES_IN_FILTER]
        )
        selected = self.article_id()
        if selected and selected not in {a.pk for a in articles}:
            articles += list(Article.objects.filter(pk=selected).only("title"))
        return [(str(a.pk), Truncator(a.title).chars(60)) for a in articles]

    def article_id(self):
        try:
            return int(self.value())
        except (TypeError, ValueError):
            return None

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        return queryset.filter(article_id=self.article_id())


class BanStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", "Active"), ("ended", "Ended"), ("lifted", "Lifted")]

    def queryset(self, request, queryset):
        match self.value():
            case "active":
                return queryset.active()
            case "ended":
                return queryset.expired()
            case "lifted":
                return queryset.filter(lifted_at__isnull=False)
        return queryset


# Forms -----------------------------------------------------------------------------------


class BanForm(forms.Form):
    duration = forms.ChoiceField(
        choices=ReaderBan.Duration.choices,
        initial=ReaderBan.Duration.DAY,
        widget=forms.RadioSelect,
        required=False,  # a post without it (made before bans had an end) is permanent
        help_text="The reader is told when it ends. A ban can be lifted sooner.",
    )
    reason = forms.CharField(
        max_length=ReaderBan._meta.get_field("reason").max_length,
        required=False,
        help_text="Kept with the ban, for the moderators who read it later.",
    )
    reject_queued = forms.BooleanField(
        label="Also reject their comments waiting in the queue",
        required=False,
        initial=True,
    )

    def clean_duration(self):
        return self.cleaned_data["duration"] or ReaderBan.Duration.PERMANENT


class RejectForm(forms.Form):
    """A rejection's reason (optional: without one the comment disappears for its author
    too) and note, shown to the commenter on their own view."""

    rejection_reason = forms.ChoiceField(
        choices=[("", "No reason given"), *Comment.RejectionReason.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    rejection_note = forms.CharField(
        max_length=Comment._meta.get_field("rejection_note").max_length, required=False
    )

    def clean(self):
        cleaned = super().clean()
        reason, note = cleaned.get("rejection_reason"), cleaned.get("rejection_note")
        if reason == Comment.RejectionReason.OTHER and not note:
            raise forms.ValidationError("Write a note to the commenter when the reason is “Other”.")
        if note and not reason:
            raise forms.ValidationError("Choose a reason for the note to go with.")
        return cleaned


class ModerationWordForm(forms.ModelForm):
    def clean_word(self):
        """The word without invisible characters; refused if it would match nothing, or
        the same text as a word already on the list (comments.words.key)."""
        word = " ".join(_without_invisible_characters(self.cleaned_data["word"]).split())
        key = words.key(word)
        if not any(key):
            raise forms.ValidationError("Write a word or a phrase.")
        others = type(self.instance).objects.exclude(pk=self.instance.pk)
        for other in others.values_list("word", flat=True):
            if words.key(other) == key:
                raise forms.ValidationError(
                    "This word is already on the list: “%(other)s” matches the same text.",
                    params={"other": other},
                )
        return word


def _without_invisible_characters(text):
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf")).strip()


class ReaderBanForm(forms.ModelForm):
    duration = forms.ChoiceField(
        choices=ReaderBan.Duration.choices,
        initial=ReaderBan.Duration.DAY,
        widget=forms.RadioSelect,
        required=False,  # only on the add form
    )

    # Ids and hashes hold no invisible characters: one pasted with them (a bidi mark
    # copied from a right-to-left page) would match nobody.
    def clean_reader_id(self):
        return _without_invisible_characters(self.cleaned_data["reader_id"])

    def clean_address_hash(self):
        return _without_invisible_characters(self.cleaned_data["address_hash"])

    def clean(self):
        cleaned = super().clean()
        if (
            not self.instance.pk
            and not cleaned.get("reader_id")
            and not cleaned.get("address_hash")
            and not self.errors
        ):
            raise forms.ValidationError("Give the reader id, the address hash, or both.")
        return cleaned


# The queue -------------------------------------------------------------------------------


@admin.register(Comment)
class CommentAdmin(SafeAdminMixin, admin.ModelAdmin):
    private_fields = ("email", "reader_id", "address_hash")
    list_display = [
        "comment_text",
        "commenter",
        "article_title",
        "why_held",
        "reports",
        "received",
        "status",
        "decisions",
    ]
    list_display_links = None  # each row links to its comment's page among its decisions
    list_filter = [
        QueueStatusFilter,
        ReportedFilter,
        HeldFilter,
        ArticleFilter,
        ("created_at", admin.DateFieldListFilter),
    ]
    list_select_related = ["article"]
    list_per_page = 50
    sortable_by = ["received", "reports"]
    search_help_text = "Search the comments' text and the commenters' names."
    actions = ["approve_comments", "reject_comments", "mark_spam", "ban_commenters"]
    # At a million comments: no exact counts of the whole table, no per-filter counts.
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator
    change_form_template = "admin/comments/comment/change_form.html"
    readonly_fields = [
        "article_link",
        "parent_link",
        "commenter",
        "commenter_email",
        "body_text",
        "status",
        "created_at",
        "rules",
        "report_count",
        "reported_at",
        "moderated_by",
        "moderated_at",
        "reader_id",
        "address_hash",
    ]

    # Who may do what ---------------------------------------------------------------------

    def has_moderate_permission(self, request, obj=None):
        return request.user.has_perm("comments.moderate_comment")

    def has_add_permission(self, request):
        return False  # comments come from readers

    def has_change_permission(self, request, obj=None):
        return False  # what a reader wrote is never rewritten; decisions are actions

    def get_search_fields(self, request):
        if request.user.is_superuser:
            return ["body", "name", "email"]
        return ["body", "name"]

    def get_fields(self, request, obj=None):
        fields = [
            "article_link",
            "parent_link",
            "commenter",
            "body_text",
            "status",
            "created_at",
            "rules",
            "report_count",
            "reported_at",
            "moderated_by",
            "moderated_at",
        ]
        if request.user.is_superuser:
            fields[3:3] = ["commenter_email"]
            fields += ["reader_id", "address_hash"]
        return fields

    # The list ----------------------------------------------------------------------------

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("article")
            .defer("article__body", "article__body_html", "article__standfirst")
        )

    @admin.display(description="Comment")
    def comment_text(self, comment):
        """The whole comment; a long one folded after its beginning, with "more" (a
        <details> element: no script needed). The id is the anchor a decision returns to."""
        # linebreaks() escapes the text before it adds the paragraphs.
        paragraphs = mark_safe(linebreaks(comment.body, autoescape=True))  # noqa: S308
        if len(comment.body) <= FOLD_AFTER:
            return format_html(
                '<div class="queue-comment" id="comment-{}" dir="auto">{}</div>',
                comment.pk,
                paragraphs,
            )
        beginning = Truncator(" ".join(comment.body.split())).chars(FOLD_AFTER // 2)
        return format_html(
            '<details class="queue-comment" id="comment-{}"><summary>'
            '<span class="fold-beginning" dir="auto">{}</span> '
            '<span class="fold-more">more</span><span class="fold-less">less</span>'
            '</summary><div dir="auto">{}</div></details>',
            comment.pk,
            beginning,
            paragraphs,
        )

    @admin.display(description="Name")
    def commenter(self, comment):
        return isolated(comment.name)

    @admin.display(description="Email")
    def commenter_email(self, comment):
        return isolated(comment.email) if comment.email else "—"

    @admin.display(description="Article")
    def article_title(self, comment):
        article = comment.article
        if article.is_public:
            url = article.get_absolute_url()
        else:
            url = reverse("admin:articles_article_preview", args=[article.pk])
        title = Truncator(article.title).chars(ARTICLE_TITLE_SHOWN)
        return format_html('<a href="{}"><bdi>{}</bdi></a>', url, title)

    @admin.display(description="Why held")
    def why_held(self, comment):
        # comments.queue.prepare_rows() gives the rows of a page their reasons.
        lines = getattr(comment, "queue_reasons", None)
        if lines is None:
            lines = queue.why_held(comment, Counter())
        if not lines:
            return "—"
        return format_html_join(mark_safe("<br>"), "<bdi>{}</bdi>", ((line,) for line in lines))

    @admin.display(description="Decide")
    def decisions(self, comment):
        """Approve, Reject, Spam: each submits the list's form (its CSRF token) to the
        row's decision view, which comes back to this page at the next row."""
        back = getattr(comment, "queue_back", "")
        url = reverse("admin:comments_comment_decide", args=[comment.pk])
        action = f"{url}?{urlencode({'next': back})}" if back else url
        buttons = format_html_join(
            "",
            '<button type="submit" class="button row-decision decision-{0}" name="decision" '
            'value="{0}" formaction="{1}" data-key="{2}" aria-label="{3}">{4}</button>',
            (
                (value, action, key, label.format(comment.name), text)
                for value, key, label, text in ROW_DECISIONS
            ),
        )
        change = reverse("admin:comments_comment_change", args=[comment.pk])
        return format_html(
            '<div class="row-decisions">{}<a href="{}" aria-label="{}">Details</a></div>',
            buttons,
            change,
            f"Details of the comment by {comment.name}",
        )

    @admin.display(description="Received", ordering="created_at")
    def received(self, comment):
        when = timezone.localtime(comment.created_at)
        return format_html(
            '<time datetime="{}">{}</time>', when.isoformat(), date_format(when, "j M H:i")
        )

    @admin.display(description="Reports", ordering="report_count")
    def reports(self, comment):
        if comment.reported_at:
            return f"{comment.report_count} (back in the queue)"
        return comment.report_count

    def get_list_display(self, request):
        hidden = set()
        # The queue is all pending: its status column would only repeat it.
        if listed_status(request) == Status.PENDING:
            hidden.add("status")
        if not self.has_moderate_permission(request):
            hidden.add("decisions")
        return [name for name in self.list_display if name not in hidden]

    def get_ordering(self, request):
        # The queue is first come, first served, and the reported the most reported first;
        # any other list reads newest first. Each order is an index scan (comments.queue).
        view = queue.listed_view(request.GET, listed_status(request))
        if view == queue.REPORTED:
            return ["-report_count", "reported_at", "id"]
        if view in (queue.PENDING, queue.HELD):
            return ["created_at", "id"]
        return ["-created_at", "-id"]

    def changelist_view(self, request, extra_context=None):
        status = listed_status(request)
        view = queue.listed_view(request.GET, status)
        if view in QUEUE_TITLES:
            title = QUEUE_TITLES[view]
        else:
            title = "Comments" if status == "all" else f"Comments: {Status(status).label.lower()}"
        # The queue takes the page's width: the list of models stays in the breadcrumbs.
        context = {"title": title, "is_nav_sidebar_enabled": False, **(extra_context or {})}
        response = super().changelist_view(request, context)
        if _page_gone(request, response):
            # A decision emptied the last page: the page before it, with the same filters.
            params = request.GET.copy()
            params["p"] = int(params["p"]) - 1
            return HttpResponseRedirect(f"{request.path}?{params.urlencode()}")
        context = getattr(response, "context_data", None) or {}
        if "cl" in context:
            changelist = context["cl"]
            queue.prepare_rows(list(changelist.result_list), back=request.get_full_path())
            context["queue_views"] = queue.view_links(changelist, view)
            context["can_moderate"] = self.has_moderate_permission(request)
        return response

    # A row's decisions: without JavaScript a POST that comes back to the same place in
    # the queue; with it (Accept: application/json) an answer the queue's script reads.

    def decide_view(self, request, object_id):
        """POST decision=approve|reject|spam from a row of the queue (?next=: where to come
        back to). 405, 403, 400 or 404 on anything else, as a page or as JSON."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        decision = DECISIONS.get(request.POST.get("decision", ""))
        if decision is None:
            return self._refused(request, "Choose approve, reject or spam.", status=400)
        comment = self.get_object(request, unquote(object_id))
        if comment is None:
            return self._refused(
                request, f"There is no comment with the id “{object_id}”.", status=404
            )
        done = decision.needed(comment)
        if done:
            decision.service(comment=comment, moderator=request.user)
            self.log_change(request, comment, f"{decision.log} (from the queue).")
        said = f"was {decision.done}" if done else f"was already {decision.already}"
        if wants_json(request):
            message = f"The comment by {comment.name} {said}."
            return JsonResponse({"message": message, "status": comment.status, "changed": done})
        message = format_html("The comment by <bdi>{}</bdi> {}.", comment.name, said)
        self.message_user(request, message, messages.SUCCESS if done else messages.WARNING)
        return HttpResponseRedirect(_queue_url(request))

    def _refused(self, request, message, *, status):
        if wants_json(request):
            return JsonResponse({"message": message}, status=status)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Nothing was decided",
            "message": message,
            "back": _queue_url(request),
        }
        return TemplateResponse(
            request, "admin/comments/comment/change_list_refused.html", context, status=status
        )

    # Bulk decisions: each through the services, one history entry per comment --------

    def _decide(self, request, queryset, decision):
        decision = DECISIONS[decision]
        changed, kept = [], []
        for comment in queryset:
            if not decision.needed(comment):
                kept.append(comment)
                continue
            decision.service(comment=comment, moderator=request.user)
            changed.append(comment)
        if changed:
            LogEntry.objects.log_actions(
                user_id=request.user.pk,
                queryset=changed,
                action_flag=CHANGE,
                change_message=f"{decision.log} (from the queue).",
            )
        moved, deleted = stale_selection(request, queryset, [*changed, *kept])
        message, level = action_report(
            noun="comment",
            changed=len(changed),
            unchanged=len(kept),
            moved=moved,
            deleted=deleted,
            done=decision.done,
            already=decision.already,
        )
        self.message_user(request, message, level)

    @admin.action(description="Approve the selected comments", permissions=["moderate"])
    def approve_comments(self, request, queryset):
        self._decide(request, queryset, "approve")

    @admin.action(description="Reject the selected comments", permissions=["moderate"])
    def reject_comments(self, request, queryset):
        self._decide(request, queryset, "reject")

    @admin.action(description="Mark the selected comments as spam", permissions=["moderate"])
    def mark_spam(self, request, queryset):
        self._decide(request, queryset, "spam")

    @admin.action(
        description="Ban the commenters of the selected comments", permissions=["moderate"]
    )
    def ban_commenters(self, request, queryset):
        """Asks first (with a reason), then bans each commenter once."""
        form = BanForm(request.POST if request.POST.get("post") == "yes" else None)
        if form.is_bound and form.is_valid():
            self._ban(request, list(queryset), form=form)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Ban these commenters?",
            "opts": self.opts,
            "comments": list(queryset),
            "queued": services.queued_count(queryset),
            "form": form,
            "action": "ban_commenters",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "form_url": "",
            "cancel_url": request.get_full_path(),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/comments/comment/ban_confirmation.html", context)

    def _ban(self, request, comments, *, form):
        """Ban through comments.services, write the history, and say what was done."""
        data = form.cleaned_data
        result = services.ban_commenters(
            comments=comments,
            moderator=request.user,
            reason=data["reason"],
            duration=data["duration"],
            reject_queued=data["reject_queued"],
        )
        if result.made:
            LogEntry.objects.log_actions(
                user_id=request.user.pk,
                queryset=result.made,
                action_flag=ADDITION,
                change_message=f"Banned ({ReaderBan.Duration(data['duration']).label}).",
            )
        if result.rejected:
            LogEntry.objects.log_actions(
                user_id=request.user.pk,
                queryset=result.rejected,
                action_flag=CHANGE,
                change_message="Rejected with the ban of its commenter.",
            )
        self.message_user(
            request, _ban_report(result), messages.SUCCESS if result.made else messages.WARNING
        )

    # One comment: its page, and the decisions on it ------------------------------------

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/moderate/",
                self.admin_site.admin_view(self.moderate_view),
                name=f"{prefix}_moderate",
            ),
            path(
                "<path:object_id>/ban/",
                self.admin_site.admin_view(self.ban_view),
                name=f"{prefix}_ban",
            ),
            path(
                "<path:object_id>/feature/",
                self.admin_site.admin_view(self.feature_view),
                name=f"{prefix}_feature",
            ),
            path(
                "<path:object_id>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name=f"{prefix}_decide",
            ),
            *super().get_urls(),
        ]

    def _missing(self, request, object_id):
        """Back to the list, saying so: a comment deleted meanwhile, or a made-up id."""
        self.message_user(
            request,
            f"The comment with the id “{object_id}” doesn’t exist: perhaps it was deleted.",
            messages.WARNING,
        )
        return HttpResponseRedirect(reverse("admin:comments_comment_changelist"))

    def history_view(self, request, object_id, extra_context=None):
        """The comment's audit trail: its posting, the rules' verdict, readers' reports,
        staff's decisions and the bans made from it, in one list (comments.audit)."""
        comment = self.get_object(request, unquote(object_id))
        if comment is None:
            return self._missing(request, object_id)
        if not self.has_view_or_change_permission(request, comment):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": comment,
            "title": "Audit trail",
            "subtitle": str(comment),
            "events": audit.comment_trail(comment),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/comments/comment/audit_trail.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        comment = self.get_object(request, unquote(object_id))
        if comment is not None:
            root = comment.parent or comment
            extra_context = {
                **(extra_context or {}),
                "comment": comment,
                "thread_root": root,
                "thread_replies": list(
                    Comment.objects.filter(parent=root)
                    .order_by("created_at", "id")
                    .only("name", "body", "status", "created_at", "parent_id")[:THREAD_SHOWN]
                ),
                "reports": list(
                    Report.objects.filter(comment=comment).order_by("created_at", "id")[
                        :REPORTS_SHOWN
                    ]
                ),
                "active_ban": ReaderBan.objects.matching(
                    reader_id=comment.reader_id, address_hash=comment.address_hash
                ).first(),
                "can_moderate": self.has_moderate_permission(request),
                "decisions": [
                    ("approve", "Approve"),
                    ("reject", "Reject"),
                    ("spam", "Mark as spam"),
                ],
                "reject_form": RejectForm(
                    initial={
                        "rejection_reason": comment.rejection_reason,
                        "rejection_note": comment.rejection_note,
                    }
                ),
                "history": readers.commenter_history(comment),
                "can_feature": request.user.has_perm("comments.feature_comment"),
                "feature_url": reverse("admin:comments_comment_feature", args=[comment.pk]),
                "moderate_url": reverse("admin:comments_comment_moderate", args=[comment.pk]),
                "ban_url": reverse("admin:comments_comment_ban", args=[comment.pk]),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def _comment_or_redirect(self, request, object_id):
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        comment = self.get_object(request, unquote(object_id))
        if comment is None:
            return None, self._missing(request, object_id)
        return comment, None

    def moderate_view(self, request, object_id):
        """POST decision=approve|reject|spam: the buttons on a comment's page; a rejection
        with its reason and note (RejectForm). 400 on a reason or note that don't fit."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        comment, redirect = self._comment_or_redirect(request, object_id)
        if redirect:
            return redirect
        change_url = reverse("admin:comments_comment_change", args=[comment.pk])
        decision = request.POST.get("decision")
        if decision not in DECISIONS:
            self.message_user(request, "Choose approve, reject or spam.", messages.ERROR)
            return HttpResponseRedirect(change_url)
        extra, reason = {}, ""
        if decision == "reject":
            form = RejectForm(request.POST)
            if not form.is_valid():
                return self._refused(
                    request, " ".join(form.non_field_errors() or _errors(form)), status=400
                )
            reason = form.cleaned_data["rejection_reason"]
            extra = {"reason": reason, "note": form.cleaned_data["rejection_note"]}
        decision = DECISIONS[decision]
        if decision.needed(comment) or (reason and reason != comment.rejection_reason):
            decision.service(comment=comment, moderator=request.user, **extra)
            said = _with_reason(decision.log, comment)
            self.log_change(request, comment, f"{said}.")
            self.message_user(
                request,
                format_html(
                    "The comment by <bdi>{}</bdi> was {}.",
                    comment.name,
                    _with_reason(decision.done, comment),
                ),
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request, f"This comment was already {decision.already}.", messages.WARNING
            )
        return HttpResponseRedirect(_next_url(request))

    def feature_view(self, request, object_id):
        """POST featured=yes|no: make an approved comment an editors' pick, or no longer."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm("comments.feature_comment"):
            raise PermissionDenied
        comment = self.get_object(request, unquote(object_id))
        if comment is None:
            return self._missing(request, object_id)
        change_url = reverse("admin:comments_comment_change", args=[comment.pk])
        wanted = request.POST.get("featured")
        if wanted not in ("yes", "no"):
            return self._refused(request, "Choose to feature the comment or not.", status=400)
        if wanted == "yes" and comment.status != Status.APPROVED:
            return self._refused(
                request, "Only an approved comment can be an editors’ pick.", status=400
            )
        if wanted == "yes" and services.feature(comment=comment, editor=request.user):
            self.log_change(request, comment, "Featured as an editors’ pick.")
            self.message_user(
                request, "The comment is an editors’ pick: first on its article’s page."
            )
        elif wanted == "no" and services.unfeature(comment=comment):
            self.log_change(request, comment, "No longer an editors’ pick.")
            self.message_user(request, "The comment is no longer an editors’ pick.")
        else:
            self.message_user(request, "Nothing changed.", messages.WARNING)
        return HttpResponseRedirect(change_url)

    def ban_view(self, request, object_id):
        """ "Ban this commenter": a page that asks for a reason, then bans."""
        comment, redirect = self._comment_or_redirect(request, object_id)
        if redirect:
            return redirect
        change_url = reverse("admin:comments_comment_change", args=[comment.pk])
        form = BanForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            self._ban(request, [comment], form=form)
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": "Ban this commenter?",
            "opts": self.opts,
            "comments": [comment],
            "queued": services.queued_count([comment]),
            "form": form,
            "action": None,
            "form_url": reverse("admin:comments_comment_ban", args=[comment.pk]),
            "cancel_url": change_url,
            "original": comment,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request,
            "admin/comments/comment/ban_confirmation.html",
            context,
            status=400 if form.is_bound else 200,
        )

    # Read-only fields of a comment's page ----------------------------------------------

    @admin.display(description="Article")
    def article_link(self, comment):
        article = comment.article
        if article.is_public:
            url, label = article.get_absolute_url(), "on the site"
        else:
            url = reverse("admin:articles_article_preview", args=[article.pk])
            label = f"preview: {article.state_label.lower()}"
        return format_html('<a href="{}"><bdi>{}</bdi></a> ({})', url, article.title, label)

    @admin.display(description="In reply to")
    def parent_link(self, comment):
        if comment.parent_id is None:
            return "— (starts a thread)"
        url = reverse("admin:comments_comment_change", args=[comment.parent_id])
        return format_html('<a href="{}"><bdi>{}</bdi></a>', url, comment.parent.name)

    @admin.display(description="Comment")
    def body_text(self, comment):
        # linebreaks() escapes the text before it adds the paragraphs.
        paragraphs = mark_safe(linebreaks(comment.body, autoescape=True))  # noqa: S308
        return format_html('<div dir="auto">{}</div>', paragraphs)

    @admin.display(description="Why the rules held it")
    def rules(self, comment):
        found = reasons(comment.moderation_reason)
        if not found or comment.moderation_reason == PRE_MODERATED:
            return "No rule spoke: it waits because comments are moderated first."
        return format_html(
            '<ul class="moderation-reasons">{}</ul>',
            format_html_join(
                "", "<li><strong>{}</strong>: {}</li>", ((rule, text) for rule, text in found)
            ),
        )


def isolated(text):
    """Text of unknown direction, as a list column or a field shows it."""
    return format_html("<bdi>{}</bdi>", text)


def reasons(moderation_reason):
    """ "banned words: “x”; too many links: 3 links" -> [("banned words", "“x”"), …]."""
    found = []
    for part in moderation_reason.split("; "):
        rule, colon, text = part.partition(": ")
        if part.strip():
            found.append((rule, text) if colon else ("rule", part))
    return found


def _queue_url(request):
    """Where a row's decision comes back to: ?next= (a local address only), or the queue."""
    return local_url(
        request, request.GET.get("next", ""), reverse("admin:comments_comment_changelist")
    )


def _page_gone(request, response):
    """The list answered that its page ?p= does not exist (a redirect to ?e=1)."""
    page = request.GET.get("p", "")
    return (
        page.isdigit()
        and int(page) > 1
        and isinstance(response, HttpResponseRedirect)
        and response.url.endswith("?e=1")
    )


def _commenters(n):
    return "1 commenter was" if n == 1 else f"{n} commenters were"


def _errors(form):
    return [error for errors in form.errors.values() for error in errors]


def _with_reason(said, comment):
    """ "rejected" -> "rejected (off-topic: shown to the commenter)"."""
    if comment.status != Status.REJECTED or not comment.rejection_reason:
        return said
    return f"{said} ({comment.get_rejection_reason_display().lower()}: shown to the commenter)"


def _ban_report(result):
    parts = []
    if result.made:
        ends_at = result.made[0].ends_at
        ends = f" {services.until(ends_at)}" if ends_at else ""
        parts.append(f"{_commenters(len(result.made))} banned: they can no longer comment{ends}.")
    if result.rejected:
        n = len(result.rejected)
        parts.append(f"{n} comment{'s' * (n != 1)} of theirs waiting in the queue rejected.")
    if result.already:
        parts.append(f"{_commenters(result.already)} already banned, left as before.")
    if result.impossible:
        parts.append(
            f"{_commenters(result.impossible)} could not be banned: no reader id or address "
            "was kept for their comments."
        )
    return " ".join(parts)


def _next_url(request):
    """Where to go after a decision: back to the queue as it was filtered (a local URL
    only), or the queue."""
    return local_url(
        request, request.POST.get("next", ""), reverse("admin:comments_comment_changelist")
    )


# Reports, words, bans ---------------------------------------------------------


@admin.register(Report)
class ReportAdmin(SafeAdminMixin, admin.ModelAdmin):
    private_fields = ("email", "reader_id", "address_hash")
    list_display = ["comment_link", "reason", "created_at"]
    list_display_links = None  # a report is read, never edited: the link goes to its comment
    list_filter = ["reason", ("created_at", admin.DateFieldListFilter)]
    list_select_related = ["comment__article"]
    show_full_result_count = False
    fields = ["comment_link", "reason", "created_at"]
    readonly_fields = ["comment_link", "reason", "created_at"]

    def has_add_permission(self, request):
        return False  # reports come from readers

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="Comment")
    def comment_link(self, report):
        url = reverse("admin:comments_comment_change", args=[report.comment_id])
        excerpt = Truncator(report.comment.body).chars(EXCERPT_LENGTH)
        return format_html(
            '<a href="{}"><bdi>{}</bdi></a> by <bdi>{}</bdi>', url, excerpt, report.comment.name
        )


class TryRuleForm(forms.Form):
    word = forms.CharField(
        label="Word or phrase",
        required=False,
        max_length=100,
        help_text="Matched as the rule will match it: whole words, whatever the case, "
        "invisible characters, look-alike letters and accents.",
    )
    link_limit = forms.IntegerField(
        label="Or a link limit",
        required=False,
        min_value=0,
        max_value=50,
        help_text="Comments with more links than this would be held.",
    )

    def clean_word(self):
        return " ".join(self.cleaned_data["word"].split())

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("word") and cleaned.get("link_limit") is None and not self.errors:
            raise forms.ValidationError("Write a word or a phrase, or a link limit, to try.")
        return cleaned


@admin.register(BannedWord, SuspectWord)
class ModerationWordAdmin(SafeAdminMixin, admin.ModelAdmin):
    """The rules read these lists from the database on every comment: a word added here
    counts from the next comment on, on every app server, without a restart. Before that,
    "Try a rule" shows what a word or a link limit would have caught (comments.dryrun)."""

    form = ModerationWordForm
    list_display = ["word", "note", "created_at"]
    search_fields = ["word", "note"]
    fields = ["word", "note"]
    change_list_template = "admin/comments/moderation_word_change_list.html"

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("try/", self.admin_site.admin_view(self.try_view), name=f"{prefix}_try"),
            *super().get_urls(),
        ]

    def try_view(self, request):
        """GET only: trying a rule changes nothing."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        form = TryRuleForm(request.GET or None)
        result = None
        if form.is_valid():
            word, limit = form.cleaned_data["word"], form.cleaned_data["link_limit"]
            result = dryrun.try_word(word) if word else dryrun.try_link_limit(limit)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Try a rule before adding it to the {self.opts.verbose_name_plural}",
            "form": form,
            "result": result,
            "tried_word": form.cleaned_data.get("word") if result else "",
            "sample_size": dryrun.SAMPLE_SIZE,
            "can_add": self.has_add_permission(request),
            "add_url": reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_add"),
        }
        return TemplateResponse(
            request,
            "admin/comments/try_rule.html",
            context,
            status=400 if form.is_bound and not form.is_valid() else 200,
        )


@admin.register(ReaderBan)
class ReaderBanAdmin(SafeAdminMixin, admin.ModelAdmin):
    form = ReaderBanForm
    list_display = [
        "__str__",
        "reason_text",
        "created_at",
        "created_by",
        "ends_at",
        "state",
        "lifted_at",
    ]
    list_filter = [BanStateFilter]
    list_select_related = ["created_by", "lifted_by"]
    raw_id_fields = ["comment"]
    actions = ["lift_bans"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["reader_id", "address_hash", "duration", "reason"]
        return [
            "reader_id",
            "address_hash",
            "reason",
            "comment_link",
            "created_at",
            "created_by",
            "ends_at",
            "state",
            "lifted_at",
            "lifted_by",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # Who and what a ban targets never changes: lift it and make another.
        return [
            "reader_id",
            "address_hash",
            "comment_link",
            "created_at",
            "created_by",
            "ends_at",
            "state",
            "lifted_at",
            "lifted_by",
        ]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            length = ReaderBan.LENGTHS.get(form.cleaned_data.get("duration"))
            obj.ends_at = timezone.now() + length if length else None
        super().save_model(request, obj, form, change)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/lift/",
                self.admin_site.admin_view(self.lift_view),
                name="comments_readerban_lift",
            ),
            *super().get_urls(),
        ]

    def lift_view(self, request, object_id):
        """POST: lift one ban (the button on its page and on its comment's), then back."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        ban = ReaderBan.objects.filter(pk=object_id).first() if object_id.isdigit() else None
        if ban is None:
            self.message_user(request, "There is no such ban.", messages.WARNING)
        elif ban.is_active:
            services.lift_ban(ban=ban, moderator=request.user)
            self.log_change(request, ban, "Lifted the ban.")
            self.message_user(request, "The ban is lifted: that reader may comment again.")
        else:
            self.message_user(request, "That ban no longer applied.", messages.WARNING)
        return HttpResponseRedirect(
            local_url(
                request,
                request.POST.get("next", ""),
                reverse("admin:comments_readerban_changelist"),
            )
        )

    @admin.display(description="Reason")
    def reason_text(self, ban):
        return isolated(ban.reason)

    @admin.display(description="State", boolean=False)
    def state(self, ban):
        return ban.state

    @admin.display(description="Made from the comment")
    def comment_link(self, ban):
        if ban.comment_id is None:
            return "—"
        url = reverse("admin:comments_comment_change", args=[ban.comment_id])
        return format_html('<a href="{}">comment {}</a>', url, ban.comment_id)

    @admin.action(description="Lift the selected bans", permissions=["change"])
    def lift_bans(self, request, queryset):
        lifted, kept = [], []
        for ban in queryset:
            if ban.is_active:
                lifted.append(services.lift_ban(ban=ban, moderator=request.user))
            else:
                kept.append(ban)
        if lifted:
            LogEntry.objects.log_actions(
                user_id=request.user.pk,
                queryset=lifted,
                action_flag=CHANGE,
                change_message="Lifted the ban.",
            )
        moved, deleted = stale_selection(request, queryset, [*lifted, *kept])
        message, level = action_report(
            noun="ban",
            changed=len(lifted),
            unchanged=len(kept),
            moved=moved,
            deleted=deleted,
            done="lifted: those readers may comment again",
            already="lifted",
        )
        self.message_user(request, message, level)


@admin.register(LogEntry)
class ModerationLogAdmin(admin.ModelAdmin):
    """The moderators' audit trail: every decision and edit made in the admin on comments,
    reports, word lists and bans, who made it and when; filtered by moderator. Read only."""

    list_display = ["action_time", "user", "what", "object_link"]
    list_filter = [("user", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user", "content_type"]
    date_hierarchy = "action_time"
    ordering = ["-action_time", "-id"]

    def get_queryset(self, request):
        return audit.moderation_entries().select_related("user", "content_type")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("comments.moderate_comment")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="What")
    def what(self, entry):
        return isolated(entry.get_change_message() or entry.get_action_flag_display())

    @admin.display(description="On")
    def object_link(self, entry):
        if entry.content_type is None or not entry.object_id:
            return isolated(entry.object_repr)
        model = entry.content_type.model_class()
        if model is None:
            return isolated(entry.object_repr)
        url = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_change",
            args=[entry.object_id],
        )
        return format_html('<a href="{}"><bdi>{}</bdi></a>', url, entry.object_repr)


@admin.register(Surge)
class SurgeAdmin(admin.ModelAdmin):
    """When and why articles switched themselves to pre-moderation (comments.surges), and
    when they returned. Read only; a moderator may end an open surge."""

    list_display = ["article", "started_at", "reason", "previous_mode", "ended_at", "ended_by"]
    list_filter = ["ended_at"]
    list_select_related = ["article", "ended_by"]
    fields = ["article", "started_at", "reason", "previous_mode", "ended_at", "ended_by"]
    readonly_fields = fields
    actions = ["end_surges"]

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("comments.moderate_comment")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_moderate_permission(self, request):
        return request.user.has_perm("comments.moderate_comment")

    def get_urls(self):
        return [
            path(
                "<path:object_id>/end/",
                self.admin_site.admin_view(self.end_view),
                name="comments_surge_end",
            ),
            *super().get_urls(),
        ]

    def end_view(self, request, object_id):
        """POST: end one surge (the banner's button), then back where the moderator was."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        surge = Surge.objects.filter(pk=object_id).first() if object_id.isdigit() else None
        if surge is None:
            self.message_user(request, "There is no such surge.", messages.WARNING)
        elif surges.end(surge=surge, moderator=request.user):
            self.log_change(request, surge, "Ended the surge by hand.")
            self.message_user(
                request,
                format_html("The surge on “<bdi>{}</bdi>” is over.", surge.article.title),
                messages.SUCCESS,
            )
        else:
            self.message_user(request, "That surge had ended already.", messages.INFO)
        return HttpResponseRedirect(
            local_url(request, request.POST.get("next", ""), reverse("admin:index"))
        )

    @admin.action(description="End the selected surges", permissions=["moderate"])
    def end_surges(self, request, queryset):
        ended = [surge for surge in queryset if surges.end(surge=surge, moderator=request.user)]
        if ended:
            LogEntry.objects.log_actions(
                user_id=request.user.pk,
                queryset=ended,
                action_flag=CHANGE,
                change_message="Ended the surge by hand.",
            )
        self.message_user(request, f"{len(ended)} surge{'s' * (len(ended) != 1)} ended.")
