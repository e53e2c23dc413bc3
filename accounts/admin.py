from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from audit.admin import AuditHistoryMixin
from organisation.models import Membership

from .models import Invitation, User


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "person"
    extra = 0
    autocomplete_fields = ["committee", "workplace", "centre"]


@admin.register(User)
class UserAdmin(AuditHistoryMixin, DjangoUserAdmin):
    ordering = ["full_name"]
    list_display = ["full_name", "email", "job_title", "is_active", "last_login"]
    list_filter = ["is_active", "is_staff", "memberships__role"]
    search_fields = ["full_name", "email"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "full_name", "job_title", "password")}),
        (_("Status"), {"fields": ("is_active", "is_staff", "is_superuser", "last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),)
    readonly_fields = ["last_login", "date_joined"]
    actions = ["erase_people"]

    @admin.action(description=_("Erase the selected people (cannot be undone)"))
    def erase_people(self, request, queryset):
        from django.contrib import messages
        from django.template.response import TemplateResponse

        from .privacy import person_erase

        if request.POST.get("confirm") != "yes":
            return TemplateResponse(
                request,
                "accounts/admin_erase_confirm.html",
                {
                    **self.admin_site.each_context(request),
                    "people": queryset,
                    "opts": self.opts,
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        for person in queryset:
            person_erase(person=person, erased_by=request.user)
        self.message_user(request, _("%(n)s people erased.") % {"n": queryset.count()}, messages.SUCCESS)
        return None


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["person", "created_at", "expires_at", "accepted_at", "revoked_at", "invited_by"]
    list_select_related = ["person", "invited_by"]
    search_fields = ["person__full_name", "person__email"]
    readonly_fields = ["person", "token_hash", "invited_by", "created_at", "expires_at", "accepted_at"]
