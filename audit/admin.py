from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.template.response import TemplateResponse

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "content_type", "object_repr", "source"]
    list_filter = ["action", "content_type"]
    list_select_related = ["actor", "content_type"]
    search_fields = ["object_repr", "object_id", "request_id", "actor__email"]
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class AuditHistoryMixin:
    """The admin's "History" button shows the object's audit trail."""

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_or_change_permission(request, obj):
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        entries = AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        ).select_related("actor")[:500]
        context = {
            **self.admin_site.each_context(request),
            "title": obj,
            "object": obj,
            "opts": self.opts,
            "entries": entries,
        }
        return TemplateResponse(request, "audit/object_history.html", context)
