from django.contrib import admin

from .models import AgendaToken, Case, Hearing


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ("title", "committee", "meeting", "status")
    list_filter = ("status", "committee")
    search_fields = ("title", "esdh_number")
    raw_id_fields = ("meeting", "workplaces")
    # States move by the transition table (cases/workflows.py), not by editing here.
    readonly_fields = ("status", "override_reason", "override_at", "decision_text", "decided_at", "treated_at")


@admin.register(Hearing)
class HearingAdmin(admin.ModelAdmin):
    list_display = ("case", "workplace", "deadline", "status", "speaking")
    list_filter = ("status", "speaking")
    raw_id_fields = ("case", "workplace", "presenter")
    # A submitted answer is never edited by the administration.
    readonly_fields = ("status", "answer", "submitted_text", "sha256", "submitted_at", "submitted_by", "version")

    def has_add_permission(self, request):
        return False


@admin.register(AgendaToken)
class AgendaTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "created_at", "last_used_at", "revoked_at")
    fields = ("name", "revoked_at")

    def has_add_permission(self, request):
        # Tokens are made with `manage.py agenda_token`, which shows the token once.
        return False
