"""The menu items and "what needs me next" steps that meetings brings to the portal."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import CharField, F, Q, Value
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
    """Leader: unconfirmed bookings. Member: another time proposed. Organiser: minutes
    missing. Everyone: unanswered invitations. One query: the parts as one UNION ALL
    (each part a separate query where the database cannot order and limit inside one)."""
    from .models import Booking, Meeting, Minutes, Participant

    now = timezone.now()
    text = CharField()

    def columns(queryset, kind: str, pk: str, label: str, at: str):
        return queryset.annotate(
            step_kind=Value(kind, output_field=text), step_pk=F(pk), step_text=F(label), step_at=F(at)
        ).values_list("step_kind", "step_pk", "step_text", "step_at")

    parts = []
    if roles.led_workplace_ids:
        bookings = Booking.objects.filter(
            slot__workplace_id__in=roles.led_workplace_ids,
            status=Booking.Status.BOOKED,
            confirmed_at=None,
            slot__starts_at__gt=now,
        ).order_by()
        parts.append(columns(bookings, "booked", "pk", "slot__workplace__slug", "slot__starts_at"))
    if roles.is_politician:
        # Another time proposed by a workplace: the member answers it (accept or decline).
        proposals = Booking.objects.filter(
            member=user, status=Booking.Status.PROPOSED, proposed_slot__starts_at__gt=now
        ).order_by("proposed_slot__starts_at")
        parts.append(columns(proposals, "proposed", "pk", "slot__workplace__name", "proposed_slot__starts_at")[:3])
    missing = (
        Meeting.objects.filter(organiser=user, ends_at__lt=now, ends_at__gte=now - dt.timedelta(days=365))
        .exclude(status=Meeting.Status.CANCELLED)
        .filter(Q(minutes__isnull=True) | ~Q(minutes__status=Minutes.Status.LOCKED))
        .order_by("-starts_at")
    )
    parts.append(columns(missing, "minutes", "pk", "title", "starts_at")[:3])
    unanswered = (
        Participant.objects.filter(person=user, response=Participant.Response.NONE, meeting__starts_at__gt=now)
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .order_by("meeting__starts_at")
    )
    parts.append(columns(unanswered, "invitation", "meeting_id", "meeting__title", "meeting__starts_at")[:3])

    if len(parts) > 1 and connection.features.supports_slicing_ordering_in_compound:
        rows = list(parts[0].union(*parts[1:], all=True))
    else:
        rows = [row for part in parts for row in part]
    by_kind: dict[str, list] = {"booked": [], "proposed": [], "minutes": [], "invitation": []}
    for kind, pk, label, at in rows:
        by_kind[kind].append((at, pk, label))

    steps: list[NextStep] = []
    slugs = [label for _at, _pk, label in by_kind["booked"]]
    for slug in sorted(set(slugs)):
        count = slugs.count(slug)
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
    # Each part in its query's order (a UNION ALL does not promise to keep it).
    for _at, pk, workplace in sorted(by_kind["proposed"], key=lambda row: row[0]):
        steps.append(
            NextStep(
                _("%(workplace)s proposes another time for your visit: accept or decline it.")
                % {"workplace": workplace},
                reverse("meetings:booking_proposal", args=[pk]),
                10,
                "calendar2-week",
            )
        )
    for _at, pk, title in sorted(by_kind["minutes"], key=lambda row: row[0], reverse=True):
        steps.append(
            NextStep(
                _("Write and lock the minutes of “%(title)s”.") % {"title": title},
                reverse("meetings:minutes_edit", args=[pk]),
                20,
                "journal-text",
            )
        )
    for _at, pk, title in sorted(by_kind["invitation"], key=lambda row: row[0]):
        steps.append(
            NextStep(
                _("Answer the invitation to “%(title)s”.") % {"title": title},
                reverse("meetings:meeting", args=[pk]),
                15,
                "envelope-open",
            )
        )
    return steps
