from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Agreement, AgreementTemplate, Approval, CycleDeadline, Revision, SharedGoal, StatusChange


class SharedGoalInline(admin.StackedInline):
    model = SharedGoal
    extra = 1


class CycleDeadlineInline(admin.TabularInline):
    model = CycleDeadline
    extra = 1


@admin.register(AgreementTemplate)
class AgreementTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "period_start", "period_end", "is_published", "own_goal_limit"]
    list_filter = ["is_published"]
    filter_horizontal = ["committees", "workplace_kinds"]
    inlines = [SharedGoalInline, CycleDeadlineInline]
    actions = ["publish"]
    readonly_fields = ["published_at"]

    @admin.action(description=_("Publish the selected templates"))
    def publish(self, request, queryset):
        queryset.filter(is_published=False).update(is_published=True, published_at=timezone.now())


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["by", "from_status", "to_status", "at"]

    def has_add_permission(self, request, obj=None):
        return False


class ApprovalInline(admin.TabularInline):
    """Approvals and signatures are facts about a moment and a text: shown, never edited."""

    model = Approval
    extra = 0
    can_delete = False
    fields = readonly_fields = ["kind", "person", "capacity", "signed_at", "round", "text_sha256"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RevisionInline(admin.TabularInline):
    """Revisions (revision 1 is the signed text) are shown, never edited or deleted here."""

    model = Revision
    extra = 0
    can_delete = False
    fields = readonly_fields = ["number", "note", "created_by", "created_at", "text_sha256"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["workplace", "template", "status", "updated_at"]
    list_filter = ["status", "template"]
    search_fields = ["workplace__name"]
    # The text changes only in the editor, which keeps versions, refuses changes after the
    # chair's approval and makes a new revision after agreement; a change here would put new
    # words under old signatures without any of that.
    readonly_fields = [
        "workplace",
        "template",
        "status",
        "introduction",
        "version",
        "revision_number",
        "agreed_at",
        "created_by",
        "created_at",
        "updated_at",
    ]
    inlines = [ApprovalInline, RevisionInline, StatusChangeInline]

    def get_actions(self, request):
        # Bulk delete would take signed agreements and their revisions with it.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (obj.revision_number or obj.approvals.exists()):
            return False  # approved or signed: the record stays
        return super().has_delete_permission(request, obj)
