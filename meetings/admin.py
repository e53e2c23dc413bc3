"""Meeting kinds are master data: administrators add their own (a "Temamøde" for the
report's theme days) and take kinds out of use in the admin, as they do workplace kinds."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from audit.admin import AuditHistoryMixin

from .kinds import BUILT_IN_KINDS
from .models import MeetingKind

BUILT_IN_SLUGS = frozenset(slug for slug, *_rest in BUILT_IN_KINDS)


@admin.register(MeetingKind)
class MeetingKindAdmin(AuditHistoryMixin, admin.ModelAdmin):
    list_display = ["name", "name_en", "order", "is_active", "meeting_count"]
    list_filter = ["is_active"]
    list_editable = ["order", "is_active"]
    fields = ["name", "name_en", "slug", "description", "order", "is_active"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(meeting_total=Count("meetings"))

    @admin.display(description=_("meetings"), ordering="meeting_total")
    def meeting_count(self, obj: MeetingKind) -> int:
        return obj.meeting_total

    def get_readonly_fields(self, request, obj=None):
        # The built-in kinds' slugs carry rules (who plans them, what they count as): their
        # names may change, their slugs may not. A kind's slug is fixed once it has meetings.
        if obj is not None and (obj.slug in BUILT_IN_SLUGS or obj.meetings.exists()):
            return ["slug"]
        return []

    def get_prepopulated_fields(self, request, obj=None):
        return {} if "slug" in self.get_readonly_fields(request, obj) else self.prepopulated_fields

    def has_delete_permission(self, request, obj=None) -> bool:
        # A kind in use, or a built-in one, is taken out of use instead of deleted.
        if obj is not None and (obj.slug in BUILT_IN_SLUGS or obj.meetings.exists()):
            return False
        return super().has_delete_permission(request, obj)
