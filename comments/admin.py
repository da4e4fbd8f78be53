from django.contrib import admin

from comments.models import Comment, Reaction


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["name", "article", "status", "created_at", "moderation_reason"]
    list_filter = ["status"]
    list_select_related = ["article"]
    search_fields = ["body", "name"]
    raw_id_fields = ["article", "parent"]
    readonly_fields = ["reader_id", "ip_hash", "created_at", "moderated_by", "moderated_at"]


@admin.register(Reaction)
class ReactionAdmin(admin.ModelAdmin):
    list_display = ["emoji", "article", "created_at"]
    list_filter = ["emoji"]
    list_select_related = ["article"]
    raw_id_fields = ["article"]
    readonly_fields = ["article", "reader_id", "emoji", "created_at"]
