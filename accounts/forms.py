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


class InvitationRoundForm(forms.Form):
    """Whom a round of invitations reaches (issue 16.6); the people ticked in the list come as
    `people` from the same form."""

    scope = forms.ChoiceField(label=_("Invite"), widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    committee = forms.ModelChoiceField(label=_("Committee"), queryset=None, required=False)
    workplace = forms.ModelChoiceField(label=_("Workplace"), queryset=None, required=False)
    people = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())

    def __init__(self, *args, **kwargs):
        from organisation.models import Committee, Workplace

        from .models import InvitationRound

        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = InvitationRound.Scope.choices
        self.fields["committee"].queryset = Committee.objects.filter(is_active=True).order_by("name")
        self.fields["workplace"].queryset = Workplace.objects.filter(is_active=True).order_by("name")
        for name in ("committee", "workplace"):
            self.fields[name].widget.attrs["class"] = "form-select"

    def clean_people(self):
        # Any id is accepted here; the service keeps those that are people.
        return [int(v) for v in self.data.getlist("people") if str(v).isdigit()][:20000]

    def full_clean(self):
        # `people` choices are open: take the posted ids as they are.
        self.fields["people"].choices = [(v, v) for v in self.data.getlist("people")] if self.is_bound else []
        super().full_clean()
