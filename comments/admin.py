from django.contrib import admin

from comments.models import BannedWord, Comment, Flag, Reaction, ReaderBan, SuspectWord


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "article",
        "status",
        "created_at",
        "moderation_reason",
        "flag_count",
    ]
    list_filter = ["status"]
    list_select_related = ["article"]
    search_fields = ["body", "name"]
    raw_id_fields = ["article", "parent"]
    readonly_fields = [
        "reader_id",
        "ip_hash",
        "created_at",
        "moderated_by",
        "moderated_at",
        "flag_count",
        "reported_at",
    ]


@admin.register(Reaction)
class ReactionAdmin(admin.ModelAdmin):
    list_display = ["emoji", "article", "created_at"]
    list_filter = ["emoji"]
    list_select_related = ["article"]
    raw_id_fields = ["article"]
    readonly_fields = ["article", "reader_id", "emoji", "created_at"]


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ["comment", "reason", "created_at"]
    list_filter = ["reason"]
    list_select_related = ["comment__article"]
    readonly_fields = ["comment", "reader_id", "ip_hash", "reason", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(BannedWord, SuspectWord)
class ModerationWordAdmin(admin.ModelAdmin):
    list_display = ["word", "note", "created_at"]
    search_fields = ["word", "note"]


@admin.register(ReaderBan)
class ReaderBanAdmin(admin.ModelAdmin):
    list_display = ["__str__", "reason", "created_at", "created_by", "lifted_at"]
    list_filter = [("lifted_at", admin.EmptyFieldListFilter)]
    raw_id_fields = ["comment"]
    readonly_fields = ["created_at", "created_by", "lifted_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
