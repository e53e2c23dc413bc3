from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Agreement, AgreementTemplate, CycleDeadline, SharedGoal, StatusChange


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


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["workplace", "template", "status", "updated_at"]
    list_filter = ["status", "template"]
    search_fields = ["workplace__name"]
    readonly_fields = ["workplace", "template", "status", "version", "revision_number", "agreed_at", "created_by"]
    inlines = [StatusChangeInline]
