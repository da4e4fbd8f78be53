"""The editors' desk: articles and sections.

Editors write in Markdown, preview, schedule or publish, and close comments; each list
action goes through `articles.services` and is written to the admin's history. The
article's change view also shows what readers felt (comments.insights).
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import IntegrityError
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles import images, services
from articles.markdown import removed_markup
from articles.models import Article, Section
from articles.views import render_article
from comments import insights
from comments.models import Comment, with_response_counts
from newsroom.admin import SafeAdminMixin, action_report, stale_selection

MARKDOWN_HELP = mark_safe(  # noqa: S308 (a constant written here, nothing from a user)
    """<strong>Markdown</strong>, rendered and cleaned when you save:
<ul class="markdown-help">
  <li>A blank line starts a new paragraph.</li>
  <li><code>## Subhead</code>, <code>### Smaller subhead</code></li>
  <li><code>*italic*</code>, <code>**bold**</code></li>
  <li><code>[link text](https://example.org)</code></li>
  <li><code>&gt; a quotation</code></li>
  <li><code>- item</code> or <code>1. item</code> for lists</li>
  <li><code>---</code> for a rule</li>
</ul>
Other HTML, scripts and <code>javascript:</code> links are removed."""
)

STALE_MESSAGE = (
    "Someone else saved this article at {time}, after you opened it. Your changes were not "
    "saved, so as not to overwrite theirs: open the article again in another tab, then "
    "copy your changes into it."
)
SLUG_TAKEN_MESSAGE = "Another article already has this slug (“{title}”): choose another one."
CONFLICT_MESSAGE = (
    "The article was not saved: another change reached the database at the same moment "
    "(for example an article with the same slug). Check the article and save again."
)


class ArticleChangeList(ChangeList):
    """The list reads no article bodies: a hundred of them would weigh megabytes."""

    def get_queryset(self, request, exclude_parameters=None):
        return super().get_queryset(request, exclude_parameters).defer("body", "body_html")


class ArticleStatusFilter(admin.SimpleListFilter):
    """What readers get: draft, scheduled (published for a time to come) or published."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("draft", "Draft"), ("scheduled", "Scheduled"), ("published", "Published")]

    def queryset(self, request, queryset):
        match self.value():
            case "draft":
                return queryset.drafts()
            case "scheduled":
                return queryset.scheduled()
            case "published":
                return queryset.published()
        return queryset


class LeadImageInput(forms.ClearableFileInput):
    """The file input, with the article's current picture above it (its smallest size)."""

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        article = getattr(value, "instance", None)
        sizes = (getattr(article, "lead_image_renditions", None) or {}).get("webp")
        if not sizes:
            return html
        smallest = sizes[0]
        preview = format_html(
            '<img src="{}" width="240" height="{}" alt="{}" class="lead-image-preview">',
            default_storage.url(smallest["name"]),
            round(240 * smallest["height"] / smallest["width"]),
            article.lead_image_alt,
        )
        return format_html("<p>{}</p>{}", preview, html)


class LeadImageField(forms.FileField):
    """An upload that articles.images can read: the file, with its upright pixels as
    `.image`. Anything else (not a picture, SVG, too big, a decompression bomb) is a
    form error that says why."""

    widget = LeadImageInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"})

    def to_python(self, data):
        uploaded = super().to_python(data)
        if uploaded is None:
            return None
        try:
            uploaded.image = images.read_upload(uploaded)
        except images.ImageRejected as error:
            raise forms.ValidationError(str(error), code="invalid_image") from error
        return uploaded


class ArticleAdminForm(forms.ModelForm):
    lead_image_upload = LeadImageField(
        label="Lead picture",
        required=False,
        help_text=f"A {images.ACCEPTED_TYPES} file, up to "
        f"{settings.IMAGE_MAX_UPLOAD_BYTES // (1024 * 1024)} MB, ideally 1,600 pixels wide or "
        "more. Its location data and other metadata are removed.",
    )
    # The article's updated_at when the form was opened: saving over a newer version is
    # refused (a stale form), so that two editors never silently overwrite each other.
    version = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Article
        fields = [
            "title",
            "slug",
            "section",
            "standfirst",
            "byline",
            "body",
            "status",
            "published_at",
            "comments_mode",
            "reactions_enabled",
            "lead_image_alt",
            "lead_image_caption",
            "lead_image_credit",
        ]
        help_texts = {
            "body": MARKDOWN_HELP,
            "slug": "The end of the article's address (/articles/…/), filled in from the title.",
            "status": "Published with a time to come means scheduled: the article becomes "
            "public by itself at that time.",
            "published_at": "Empty when publishing: now. A time to come schedules the article.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.updated_at.isoformat()
            if self.instance.lead_image:
                self.fields["lead_image_upload"].initial = self.instance.lead_image

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        other = Article.objects.filter(slug=slug).exclude(pk=self.instance.pk).first()
        if other is not None:
            raise forms.ValidationError(
                SLUG_TAKEN_MESSAGE.format(title=other.title), code="slug_taken"
            )
        return slug

    def clean(self):
        cleaned = super().clean()
        version = cleaned.get("version")
        if self.instance.pk and version and version != self.instance.updated_at.isoformat():
            raise forms.ValidationError(
                STALE_MESSAGE.format(
                    time=date_format(timezone.localtime(self.instance.updated_at), "j F Y, H:i:s T")
                ),
                code="stale",
            )
        if cleaned.get("status") == Article.Status.PUBLISHED and not cleaned.get("published_at"):
            cleaned["published_at"] = timezone.now()
        if self.has_lead_image() and not cleaned.get("lead_image_alt", "").strip():
            self.add_error(
                "lead_image_alt",
                forms.ValidationError(
                    "Describe the picture for readers who cannot see it: alt text is "
                    "required with a picture.",
                    code="alt_required",
                ),
            )
        return cleaned

    def has_lead_image(self):
        """Whether the article will have a picture once saved (a valid one)."""
        if "lead_image_upload" not in self.fields or "lead_image_upload" in self.errors:
            return False
        upload = self.cleaned_data.get("lead_image_upload")
        if upload is False:  # "Clear" ticked
            return False
        return hasattr(upload, "image") or bool(self.instance.lead_image)

    def apply_lead_image(self, article):
        """A new picture stored (with its sizes), or the old one removed."""
        upload = self.cleaned_data.get("lead_image_upload")
        if upload is False:
            article.set_lead_image(None)
        elif hasattr(upload, "image"):
            article.set_lead_image(upload.image)


@admin.register(Section)
class SectionAdmin(SafeAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "article_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "description"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description="Articles", ordering="article_count")
    def article_count(self, section):
        return section.article_count


@admin.register(Article)
class ArticleAdmin(SafeAdminMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = [
        "title",
        "state",
        "published_at",
        "pending_comments",
        "approved_comments",
        "reaction_total",
        "section",
        "preview_link",
    ]
    list_filter = [ArticleStatusFilter, "comments_mode", "section"]
    list_select_related = ["section"]
    search_fields = ["title", "standfirst"]
    search_help_text = "Search titles and standfirsts."
    date_hierarchy = "published_at"
    # Newest first; drafts (no publication time yet) at the top, where work in progress is.
    ordering = [F("published_at").desc(nulls_first=True), "-id"]
    prepopulated_fields = {"slug": ["title"]}
    fields = [
        "title",
        "slug",
        "section",
        "standfirst",
        "byline",
        "body",
        "status",
        "published_at",
        "comments_mode",
        "reactions_enabled",
        "lead_image_upload",
        "lead_image_alt",
        "lead_image_caption",
        "lead_image_credit",
        "version",
    ]
    actions = ["publish_now", "unpublish", "close_comments", "open_comments"]
    view_on_site = False  # the change view links to the preview, and to the page once public
    change_form_template = "admin/articles/article/change_form.html"

    # Permissions -------------------------------------------------------------------------

    def has_publish_permission(self, request, obj=None):
        return request.user.has_perm("articles.publish_article")

    def get_readonly_fields(self, request, obj=None):
        if self.has_publish_permission(request):
            return []
        # Without the right to publish, an article stays as it is (a new one: a draft).
        return ["status", "published_at"]

    def get_list_display_links(self, request, list_display):
        # Who may only look (moderators) reads the preview; the form is for editors.
        if self.has_change_permission(request):
            return super().get_list_display_links(request, list_display)
        return None

    # The list ----------------------------------------------------------------------------

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    def get_queryset(self, request):
        pending = (
            Comment.objects.filter(article=OuterRef("pk"), status=Comment.Status.PENDING)
            .order_by()
            .values("article")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return with_response_counts(super().get_queryset(request)).annotate(
            pending_count=Coalesce(Subquery(pending), 0)
        )

    @admin.display(description="Status", ordering="status")
    def state(self, article):
        return article.state_label

    @admin.display(description="Pending", ordering="pending_count")
    def pending_comments(self, article):
        if not article.pending_count:
            return 0
        url = reverse("admin:comments_comment_changelist")
        return format_html('<a href="{}?article={}">{}</a>', url, article.pk, article.pending_count)

    @admin.display(description="Approved", ordering="comment_count")
    def approved_comments(self, article):
        return article.comment_count

    @admin.display(description="Reactions", ordering="reaction_total")
    def reaction_total(self, article):
        return article.reaction_total

    @admin.display(description="Preview")
    def preview_link(self, article):
        url = reverse("admin:articles_article_preview", args=[article.pk])
        return format_html('<a href="{}" aria-label="Preview “{}”">Preview</a>', url, article.title)

    # Actions: each through articles.services, each written to the history -------------

    def _apply(self, request, queryset, *, service, done, already, log):
        changed, kept = [], []
        for article in queryset.defer(None):  # saving renders the body: read it with the row
            (changed if service(article=article) else kept).append(article)
        if changed:
            LogEntry.objects.log_actions(
                user_id=request.user.pk, queryset=changed, action_flag=CHANGE, change_message=log
            )
        moved, deleted = stale_selection(request, queryset, [*changed, *kept])
        message, level = action_report(
            noun="article",
            moved=moved,
            deleted=deleted,
            changed=len(changed),
            unchanged=len(kept),
            done=done,
            already=already,
        )
        self.message_user(request, message, level)

    @admin.action(description="Publish now", permissions=["publish"])
    def publish_now(self, request, queryset):
        self._apply(
            request,
            queryset,
            service=services.publish_now,
            done="published now",
            already="public",
            log="Published now (list action).",
        )

    @admin.action(description="Unpublish (back to draft)", permissions=["publish"])
    def unpublish(self, request, queryset):
        self._apply(
            request,
            queryset,
            service=services.unpublish,
            done="unpublished, back to draft",
            already="unpublished",
            log="Unpublished: back to draft (list action).",
        )

    @admin.action(description="Close comments", permissions=["change"])
    def close_comments(self, request, queryset):
        self._apply(
            request,
            queryset,
            service=services.close_comments,
            done="closed to new comments",
            already="closed to comments",
            log="Closed comments (list action).",
        )

    @admin.action(description="Open comments (pre-moderated)", permissions=["change"])
    def open_comments(self, request, queryset):
        self._apply(
            request,
            queryset,
            service=services.open_comments,
            done="opened to comments again, pre-moderated",
            already="open to comments",
            log="Opened comments, pre-moderated (list action).",
        )

    # The form ----------------------------------------------------------------------------

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "reactions/",
                self.admin_site.admin_view(self.reactions_view),
                name=f"{prefix}_reactions",
            ),
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name=f"{prefix}_preview",
            ),
            *super().get_urls(),
        ]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except IntegrityError:
            # The form's checks passed but the database refused (a race on the slug):
            # say so, never a server error.
            self.message_user(request, CONFLICT_MESSAGE, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Those who may only view articles (moderators) read them as readers do, in the
        # preview; the form, with its numbers, is the editors'.
        if not self.has_change_permission(request):
            raise PermissionDenied
        article = self.get_object(request, unquote(object_id))
        if article is not None:
            extra_context = {
                **(extra_context or {}),
                "preview_url": reverse("admin:articles_article_preview", args=[article.pk]),
                "public_url": article.get_absolute_url() if article.is_public else None,
                "felt": insights.what_readers_felt(article),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        form.apply_lead_image(obj)
        super().save_model(request, obj, form, change)
        removed = removed_markup(obj.body)
        if removed:
            self.message_user(
                request,
                "Some markup in the body was removed when it was saved, and will never reach "
                f"readers: {', '.join(removed)}. Use Markdown (see the help beside the body).",
                messages.WARNING,
            )
        if obj.is_scheduled:
            when = date_format(timezone.localtime(obj.published_at), "j F Y, H:i T")
            self.message_user(
                request,
                f"“{obj.title}” is scheduled: it becomes public by itself on {when}.",
                messages.INFO,
            )

    def _preview_redirect(self, request, obj):
        if "_preview" in request.POST:
            return HttpResponseRedirect(reverse("admin:articles_article_preview", args=[obj.pk]))
        return None

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        return self._preview_redirect(request, obj) or response

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        return self._preview_redirect(request, obj) or response

    # Staff pages -------------------------------------------------------------------------

    def preview_view(self, request, object_id):
        """The article as readers will see it, whatever its status, for staff only.
        admin_view() makes it private and uncacheable (Cache-Control: private, no-store)."""
        article = self.get_object(request, unquote(object_id))
        if article is None:
            self.message_user(
                request,
                f"The article with the id “{object_id}” doesn’t exist: perhaps it was deleted.",
                messages.WARNING,
            )
            return HttpResponseRedirect(reverse("admin:articles_article_changelist"))
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        edit_url = None
        if self.has_change_permission(request, article):
            edit_url = reverse("admin:articles_article_change", args=[article.pk])
        response = render_article(
            request,
            article,
            preview={
                "state": article.state_label,
                "public": article.is_public,
                "edit_url": edit_url,
                "list_url": reverse("admin:articles_article_changelist"),
            },
        )
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def reactions_view(self, request):
        """The last 7 days' articles ranked by each kind of reaction (editors)."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": "Reactions",
            "subtitle": None,
            "opts": self.opts,
            "days": insights.RANKING_DAYS,
            "by_total": insights.ranking_by_total(),
            "by_kind": insights.ranking_by_kind(),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/articles/reactions.html", context)
