"""Thin views: parse, check, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organisation.roles import roles_of
from samspil.errors import ServiceError

from . import services
from .forms import EarlyWordForm
from .permissions import early_words_visible_to, get_early_word_for_user
from .workflows import RECIPIENT


def early_word_list(request):
    words = list(
        early_words_visible_to(request.user)
        .select_related("workplace", "sender")
        .prefetch_related("recipients__person")[:100]
    )
    waiting, others = [], []
    for word in words:
        mine = next((r for r in word.recipients.all() if r.person_id == request.user.pk), None)
        # What the reader may still do is the transition table's answer, not a status compared here.
        word.told_me = mine is not None
        word.awaits_me = word.told_me and RECIPIENT.is_available(request.user, mine, "acknowledge")
        (waiting if word.awaits_me else others).append(word)
    return render(
        request,
        "earlywords/list.html",
        {
            "waiting": waiting,
            "others": others,
            "may_give": request.user.has_perm("earlywords.give_early_word"),
            "is_administrator": roles_of(request.user).is_administrator,
        },
    )


def early_word_give(request):
    if not request.user.has_perm("earlywords.give_early_word"):
        raise PermissionDenied
    workplaces = services.workplaces_to_give_for(request.user).order_by("name")
    form = EarlyWordForm(request.POST or None, workplaces=workplaces)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                early_word = services.early_word_give(
                    sender=request.user,
                    workplace_id=data["workplace"].pk,
                    subject=data["subject"],
                    about=data["about"],
                    action=data["action"],
                    contact_name=data["contact_name"],
                    contact_phone=data["contact_phone"],
                )
            except ServiceError as error:
                form.add_error(error.field, error.message)
            else:
                messages.success(request, _("The early word is given. You will see here when it is acknowledged."))
                return redirect(early_word)
        status = 400
    return render(request, "earlywords/form.html", {"form": form}, status=status)


def early_word_detail(request, pk: int):
    early_word = get_early_word_for_user(request.user, pk)
    recipients = list(early_word.recipients.all())
    mine = next((r for r in recipients if r.person_id == request.user.pk), None)
    return render(
        request,
        "earlywords/detail.html",
        {
            "early_word": early_word,
            "recipients": recipients,
            "mine": mine,
            "actions": RECIPIENT.available_actions(request.user, mine) if mine else [],
            "retention_days": services.retention().days,
        },
    )


@require_POST
def early_word_acknowledge(request, pk: int):
    early_word = get_early_word_for_user(request.user, pk)
    try:
        services.early_word_acknowledge(early_word=early_word, person=request.user)
    except ServiceError as error:
        messages.info(request, error.message)
    else:
        messages.success(request, _("You have acknowledged the early word. The sender is told."))
    return redirect(early_word)
