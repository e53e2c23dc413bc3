from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from audit.admin import AuditHistoryMixin
from organisation.models import Membership

from .models import Invitation, User


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "person"
    extra = 0
    autocomplete_fields = ["committee", "workplace", "centre"]


class PersonAddForm(forms.ModelForm):
    """A new person gets no password from the admin: they set their own through an
    invitation (issue 14, point 2)."""

    class Meta:
        model = User
        fields = ["email", "full_name", "job_title"]

    def save(self, commit: bool = True):
        person = super().save(commit=False)
        person.set_unusable_password()
        if commit:
            person.save()
        return person


@admin.register(User)
class UserAdmin(AuditHistoryMixin, DjangoUserAdmin):
    """People in the admin, without the powers over accounts (issue 14, point 2).

    Nobody edits is_superuser, is_staff, groups, permissions or passwords here, not even a
    superuser for themselves: superusers come from `manage.py createsuperuser`, passwords
    from the person (invitation, reset). Two-factor authenticators are not in the admin of
    a portal administrator at all (accounts.backends grants Samspil's own models only).
    """

    ordering = ["full_name"]
    list_display = ["full_name", "email", "job_title", "is_active", "last_login"]
    list_filter = ["is_active", "is_staff", "memberships__role"]
    search_fields = ["full_name", "email"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "full_name", "job_title")}),
        (_("Status"), {"fields": ("is_active", "is_staff", "is_superuser", "last_login", "date_joined")}),
    )
    add_form = PersonAddForm
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "job_title")}),)
    readonly_fields = ["is_staff", "is_superuser", "last_login", "date_joined"]

    def user_change_password(self, request, id, form_url=""):
        raise PermissionDenied

    def has_change_permission(self, request, obj=None) -> bool:
        # Technical staff and superusers are out of a portal administrator's reach: changing
        # their email would be a way into their account.
        if obj is not None and (obj.is_staff or obj.is_superuser) and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and (obj.is_staff or obj.is_superuser) and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

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
