"""The menu items and "what needs me next" steps that meetings brings to the portal."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from organisation.roles import RoleSet
from portal import navigation, startpage
from portal.startpage import NextStep

navigation.register(_("Meetings"), "meetings:mine", order=20, icon="calendar-event")
navigation.register(
    _("Book a visit"),
    "meetings:visit_times",
    order=25,
    icon="calendar-plus",
    visible=lambda roles: roles.is_politician,
)


@startpage.register
def meeting_steps(user, roles: RoleSet) -> list[NextStep]:
    """Leader: unconfirmed bookings. Organiser: minutes missing. Everyone: unanswered
    invitations. One query each."""
    from .models import Booking, Meeting, Minutes, Participant

    steps: list[NextStep] = []
    now = timezone.now()
    if roles.led_workplace_ids:
        rows = list(
            Booking.objects.filter(
                slot__workplace_id__in=roles.led_workplace_ids,
                status=Booking.Status.BOOKED,
                confirmed_at=None,
                slot__starts_at__gt=now,
            ).values_list("slot__workplace__slug", flat=True)
        )
        for slug in sorted(set(rows)):
            count = rows.count(slug)
            steps.append(
                NextStep(
                    ngettext(
                        "%(n)s booked visit waits for your confirmation.",
                        "%(n)s booked visits wait for your confirmation.",
                        count,
                    )
                    % {"n": count},
                    reverse("meetings:workplace_visit_times", args=[slug]),
                    10,
                    "calendar-check",
                )
            )
    if roles.is_politician:
        # Another time proposed by a workplace: the member answers it (accept or decline).
        proposals = (
            Booking.objects.filter(member=user, status=Booking.Status.PROPOSED, proposed_slot__starts_at__gt=now)
            .order_by("proposed_slot__starts_at")
            .values_list("pk", "slot__workplace__name")[:3]
        )
        for pk, workplace in proposals:
            steps.append(
                NextStep(
                    _("%(workplace)s proposes another time for your visit: accept or decline it.")
                    % {"workplace": workplace},
                    reverse("meetings:booking_proposal", args=[pk]),
                    10,
                    "calendar2-week",
                )
            )
    missing = list(
        Meeting.objects.filter(organiser=user, ends_at__lt=now, ends_at__gte=now - dt.timedelta(days=365))
        .exclude(status=Meeting.Status.CANCELLED)
        .filter(Q(minutes__isnull=True) | ~Q(minutes__status=Minutes.Status.LOCKED))
        .order_by("-starts_at")
        .values_list("pk", "title")[:3]
    )
    for pk, title in missing:
        steps.append(
            NextStep(
                _("Write and lock the minutes of “%(title)s”.") % {"title": title},
                reverse("meetings:minutes_edit", args=[pk]),
                20,
                "journal-text",
            )
        )
    unanswered = list(
        Participant.objects.filter(person=user, response=Participant.Response.NONE, meeting__starts_at__gt=now)
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .order_by("meeting__starts_at")
        .values_list("meeting_id", "meeting__title")[:3]
    )
    for pk, title in unanswered:
        steps.append(
            NextStep(
                _("Answer the invitation to “%(title)s”.") % {"title": title},
                reverse("meetings:meeting", args=[pk]),
                15,
                "envelope-open",
            )
        )
    return steps
