from django.contrib import admin

from audit.admin import AuditHistoryMixin

from .models import Centre, Committee, ElectoralTerm, ImportJob, Membership, Workplace, WorkplaceKind


@admin.register(ElectoralTerm)
class ElectoralTermAdmin(AuditHistoryMixin, admin.ModelAdmin):
    list_display = ["name", "starts_on", "ends_on", "election_date"]


@admin.register(Committee)
class CommitteeAdmin(AuditHistoryMixin, admin.ModelAdmin):
    list_display = ["name", "short_name", "is_active"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Centre)
class CentreAdmin(AuditHistoryMixin, admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(WorkplaceKind)
class WorkplaceKindAdmin(AuditHistoryMixin, admin.ModelAdmin):
    list_display = ["name", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Workplace)
class WorkplaceAdmin(AuditHistoryMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "centre", "city", "is_active"]
    list_filter = ["kind", "centre", "committees", "is_active"]
    list_select_related = ["kind", "centre"]
    search_fields = ["name", "address", "city"]
    filter_horizontal = ["committees"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Membership)
class MembershipAdmin(AuditHistoryMixin, admin.ModelAdmin):
    list_display = ["person", "role", "committee", "workplace", "centre", "starts_on", "ends_on"]
    list_filter = ["role", "committee", "centre"]
    list_select_related = ["person", "committee", "workplace", "centre"]
    search_fields = ["person__full_name", "person__email", "workplace__name"]
    autocomplete_fields = ["person", "committee", "workplace", "centre"]
    date_hierarchy = "starts_on"


@admin.register(ImportJob)
class ImportJobAdmin(AuditHistoryMixin, admin.ModelAdmin):
    list_display = ["original_name", "kind", "status", "created_by", "created_at", "finished_at"]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in ImportJob._meta.fields]
