from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samspil.errors import ServiceError

from . import selectors, services
from .forms import PreferencesForm
from .kinds import KINDS


def preferences(request):
    """The person's own choice per kind: at once, a daily summary, or only the start page."""
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            services.preferences_save(person=request.user, choices=form.cleaned_data)
            messages.success(request, _("Your choices are saved."))
            return redirect("notifications:settings")
    else:
        form = PreferencesForm(initial=selectors.choices_of(request.user))
    rows = [(form[key], kind) for key, kind in KINDS.items()]
    return render(request, "notifications/settings.html", {"form": form, "rows": rows})


def _back(request):
    return redirect("portal:home")


@require_POST
def read(request, pk: int):
    try:
        services.mark_read(person=request.user, notification_id=pk)
    except ServiceError:
        raise Http404 from None
    return _back(request)


@require_POST
def read_all(request):
    services.mark_all_read(person=request.user)
    return _back(request)
