from django.contrib import admin

from .models import Email


@admin.register(Email)
class EmailAdmin(admin.ModelAdmin):
    """The outbox, read-only: what was sent to whom and when, what waits, what failed and why.
    Rows are written by the services only; an administrator reads them here."""

    list_display = ["key", "family", "recipient", "to_address", "due_at", "outcome", "attempts", "sent_at"]
    list_filter = ["outcome", "family"]
    search_fields = ["key", "to_address", "recipient__email", "recipient__full_name"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]
    show_full_result_count = False  # a count of a million rows is a slow page

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
