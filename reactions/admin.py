from django.contrib import admin

from newsroom.admin import SafeAdminMixin
from reactions import services
from reactions.models import Reaction


@admin.register(Reaction)
class ReactionAdmin(SafeAdminMixin, admin.ModelAdmin):
    """Readers' reactions, read and deleted (superusers): each deletion goes through
    reactions.services, which takes it off its article's counter."""

    list_display = ["key", "article", "created_at"]
    list_filter = ["key"]
    list_select_related = ["article"]
    raw_id_fields = ["article"]
    readonly_fields = ["article", "reader_id", "key", "created_at"]

    def has_add_permission(self, request):
        return False  # reactions come from readers' taps

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        services.delete_reactions(reactions=Reaction.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        services.delete_reactions(reactions=queryset)
