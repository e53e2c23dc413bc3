from django.contrib import admin

from .models import DigestDelivery


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(admin.ModelAdmin):
    """The digest outbox, read-only: who got which month's digest, and when."""

    list_display = ["month", "recipient", "topic", "claimed_at", "sent_at", "missed_count"]
    list_filter = ["month", "topic"]
    search_fields = ["recipient__email", "recipient__full_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
