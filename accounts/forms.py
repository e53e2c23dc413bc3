from __future__ import annotations

from allauth.account.forms import ResetPasswordForm
from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _


class InvitePersonForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("Email address"))


class AcceptInvitationForm(forms.Form):
    password1 = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters, not only digits and not a common password."),
    )
    password2 = forms.CharField(
        label=_("Repeat the password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, person, **kwargs):
        self.person = person
        super().__init__(*args, **kwargs)

    def clean_password1(self) -> str:
        password = self.cleaned_data["password1"]
        password_validation.validate_password(password, self.person)
        return password

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("The two passwords are not the same."))
        return cleaned


class InvitedOnlyResetPasswordForm(ResetPasswordForm):
    """Password reset reaches only people who are in (issue 14, point 4), and matches only
    the address Samspil knows them by, never an address someone added and did not verify."""

    def clean_email(self) -> str:
        from .adapters import may_reset_password

        email = super().clean_email()
        self.users = [user for user in self.users if user.email == email.lower() and may_reset_password(user)]
        return email
