from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.account.utils import perform_login
from allauth.account.views import EmailView
from allauth.mfa.recovery_codes.views import ViewRecoveryCodesView
from allauth.mfa.totp.views import ActivateTOTPView
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required, permission_required
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samspil.errors import ServiceError

from .forms import AcceptInvitationForm, InvitationRoundForm, InvitePersonForm
from .models import Invitation, UserSession
from .services import (
    invitation_accept,
    invitation_round_create,
    invitation_send,
    known_address_verified,
    person_invite,
    sessions_alive,
    sessions_end,
)

User = get_user_model()


@login_not_required
def invitation_accept_view(request, token: str):
    invitation = Invitation.find_open(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = AcceptInvitationForm(request.POST or None, person=invitation.person)
    if request.method == "POST" and form.is_valid():
        person = invitation_accept(invitation=invitation, password=form.cleaned_data["password1"])
        if person is None:
            return render(request, "accounts/invitation_invalid.html", status=404)
        messages.success(request, _("Welcome to Samspil. Your password is set."))
        return perform_login(request, person, email_verification="none", redirect_url="/")
    return render(request, "accounts/invitation_accept.html", {"form": form, "invitation": invitation})


def my_data(request):
    from . import privacy

    sections = [(item, item.export(request.user)) for item in privacy._personal.values()]
    return render(request, "accounts/my_data.html", {"sections": sections})


def my_data_download(request):
    from . import privacy

    data = {"person": request.user.email, "exported_at": timezone.now(), **privacy.personal_data(request.user)}
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="samspil-mine-data.json"'
    return response


@login_not_required
def privacy_page(request):
    from . import privacy

    return render(
        request,
        "accounts/privacy.html",
        {"retention": privacy.retention_rules(), "contact": settings.PRIVACY_CONTACT},
    )


@permission_required("accounts.invite_people", raise_exception=True)
def invitations(request):
    form = InvitePersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        invitation = person_invite(
            email=form.cleaned_data["email"], full_name=form.cleaned_data["full_name"], invited_by=request.user
        )
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.person.email})
        return redirect("accounts:invitations")
    query = request.GET.get("q", "").strip()
    people = (
        User.objects.filter(is_active=True)
        .order_by("full_name")
        .prefetch_related(
            Prefetch("invitations", queryset=Invitation.objects.order_by("-created_at"), to_attr="invitation_list")
        )
    )
    if request.GET.get("show") != "all":
        people = people.filter(password__startswith=UNUSABLE_PASSWORD_PREFIX)
    if query:
        people = people.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    return _invitations_page(request, form=form, page=page, query=query)


def _invitations_page(request, *, form, page, query, round_form=None, status=200):
    from .models import InvitationRound

    return render(
        request,
        "accounts/invitations.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "round_form": round_form or InvitationRoundForm(initial={"scope": InvitationRound.Scope.WITHOUT_ACCOUNT}),
            "rounds": InvitationRound.objects.select_related("created_by")[:5],
        },
        status=status,
    )


@require_POST
@permission_required("accounts.invite_people", raise_exception=True)
def invitation_round_start(request):
    """Many invitations at once: a worker sends them, the round's page shows the progress."""
    round_form = InvitationRoundForm(request.POST)
    if round_form.is_valid():
        data = round_form.cleaned_data
        try:
            invitation_round = invitation_round_create(
                scope=data["scope"],
                committee=data["committee"],
                workplace=data["workplace"],
                person_ids=data["people"],
                invited_by=request.user,
            )
        except ServiceError as error:
            if error.field in round_form.fields:
                round_form.add_error(error.field, error.message)
            else:
                round_form.add_error(None, error.message)
        else:
            return redirect("accounts:invitation_round", pk=invitation_round.pk)
    people = User.objects.filter(is_active=True, password__startswith=UNUSABLE_PASSWORD_PREFIX).order_by("full_name")
    page = Paginator(people, 50).get_page(1)
    return _invitations_page(request, form=InvitePersonForm(), page=page, query="", round_form=round_form, status=400)


@permission_required("accounts.invite_people", raise_exception=True)
def invitation_round(request, pk: int):
    from .models import InvitationRound

    invitation_round = get_object_or_404(InvitationRound.objects.select_related("created_by"), pk=pk)
    template = "accounts/_invitation_round.html" if request.htmx else "accounts/invitation_round.html"
    return render(request, template, {"round": invitation_round})


@require_POST
@permission_required("accounts.invite_people", raise_exception=True)
def invitation_resend(request, person_id: int):
    person = User.objects.filter(pk=person_id, is_active=True).first()
    if person is None:
        messages.error(request, _("That person no longer exists."))
    else:
        invitation_send(person=person, invited_by=request.user)
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": person.email})
    return redirect("accounts:invitations")


class VerifiedOnlyEmailView(EmailView):
    """allauth's email page, except that no address becomes the one Samspil knows a person
    by before it is verified (issue 14, point 1).

    allauth lets an unverified address be made primary while the account has no verified
    one, and the primary address is what imports, invitations and single sign-on match on.
    With ACCOUNT_CHANGE_EMAIL a new address replaces the old once its link is followed.
    """

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            known_address_verified(request.user)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if "action_primary" in request.POST:
            address = EmailAddress.objects.filter(user=request.user, email=request.POST.get("email", "")).first()
            if address is None or not address.verified:
                messages.error(
                    request, _("Only a verified address can be your address. Follow the link we sent to it.")
                )
                return render(request, self.template_name, self.get_context_data(), status=400)
        return super().post(request, *args, **kwargs)


def my_sessions(request):
    """The person's signed-in sessions, and a button to end each (issue 14, point 4)."""
    sessions = sessions_alive(user=request.user)
    return render(request, "accounts/sessions.html", {"sessions": sessions, "current": request.session.session_key})


@require_POST
def my_session_end(request, pk: int):
    session = UserSession.objects.filter(user=request.user, pk=pk).first()
    if session is None:
        raise Http404
    if session.session_key == request.session.session_key:
        messages.error(request, _("This is the session you are using. Log out to end it."))
    else:
        sessions_end(user=request.user, only=session.pk)
        messages.success(request, _("The session has ended."))
    return redirect("accounts:sessions")


@require_POST
def my_sessions_end_others(request):
    ended = sessions_end(user=request.user, keep=request.session.session_key)
    messages.success(request, _("%(n)s other sessions ended.") % {"n": ended})
    return redirect("accounts:sessions")


# --- Two-factor set-up on the way somewhere (issue 16.6) ---------------------------------------
# RequireTwoFactorMiddleware sends a person whose role needs two-factor to set it up with
# `?next=` the page they asked for. allauth's set-up ends on the recovery codes and forgets
# where the person was going; these two views keep `next` through both steps.


def _safe_next(request) -> str | None:
    from allauth.account.utils import get_next_redirect_url

    return get_next_redirect_url(request)


class ActivateTOTPKeepingNextView(ActivateTOTPView):
    def form_valid(self, form):
        from allauth.account.internal.flows.login import record_authentication

        response = super().form_valid(form)
        # The code just typed proves the new authenticator in this session: the login with the
        # password and this code are the two factors, so the person goes on to where they were
        # heading instead of logging in once more (passed_second_factor reads this record).
        record_authentication(self.request, self.request.user, method="mfa", type="totp")
        return response

    def get_success_url(self) -> str:
        url = super().get_success_url()
        next_url = _safe_next(self.request)
        if next_url and url == reverse("mfa_view_recovery_codes"):
            return f"{url}?{urlencode({'next': next_url})}"
        return next_url or url


class RecoveryCodesWithNextView(ViewRecoveryCodesView):
    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["next_url"] = _safe_next(self.request)
        return context
