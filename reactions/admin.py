from django.contrib import admin

from newsroom.admin import SafeAdminMixin
from reactions.models import Reaction


@admin.register(Reaction)
class ReactionAdmin(SafeAdminMixin, admin.ModelAdmin):
    list_display = ["key", "article", "created_at"]
    list_filter = ["key"]
    list_select_related = ["article"]
    raw_id_fields = ["article"]
    readonly_fields = ["article", "reader_id", "key", "created_at"]
