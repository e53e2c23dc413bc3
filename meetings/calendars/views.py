"""Pages of the calendars room: a meeting's .ics download, the private subscription feed, and the
page where a person copies or renews their feed URL and chooses their reminders."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ..models import Participant
from ..permissions import get_meeting_for_user
from . import ics, invitations, reminders, selectors, services
from .forms import ReminderPreferencesForm
from .models import CalendarFeed

ICS = "text/calendar; charset=utf-8"


def meeting_ics(request, pk: int):
    """One meeting as an .ics file (METHOD PUBLISH), for whoever may see the meeting. Three
    queries: the user with their roles, the meeting if they may see it, its participants."""
    # Refused or missing: the usual lookup answers 404 and logs a refusal as everywhere.
    meeting = selectors.visible_meeting(request.user, pk) or get_meeting_for_user(request.user, pk)
    participants = list(Participant.objects.filter(meeting=meeting).select_related("person"))
    summary = invitations.visit_summary(meeting, participants, request.user)
    response = HttpResponse(ics.meeting_ics(meeting, participants, summary=summary), content_type=ICS)
    response["Content-Disposition"] = f'attachment; filename="samspil-meeting-{meeting.pk}.ics"'
    return response


@login_not_required
@require_GET
def calendar_feed(request, token: str):
    """A person's meetings (the past MEETING_FEED_PAST_DAYS days and the future) with alarms.
    The token is the only key: calendar programs cannot log in. Two queries: the feed
    by the token's hash, then the person's participations with their meetings (one when
    the feed was built in the last MEETING_FEED_CACHE_SECONDS)."""
    feed = selectors.feed_for_token(token)
    if feed is None or not feed.person.is_active:
        raise Http404
    # icalendar needs about 3 ms an event: calendar programs polling a long feed get
    # the same bytes for a few minutes. The key is the token's hash, so a renewed
    # token's old URL is refused above before any cache is read.
    key = f"meetings:feed:{feed.token_hash}"
    data = cache.get(key) if settings.MEETING_FEED_CACHE_SECONDS else None
    if data is None:
        since = timezone.now() - dt.timedelta(days=settings.MEETING_FEED_PAST_DAYS)
        participations = (
            Participant.objects.filter(person=feed.person, meeting__ends_at__gte=since)
            .select_related("meeting", "meeting__organiser", "meeting__host")
            .order_by("meeting__starts_at")
        )
        data = ics.feed_ics(feed.person, participations)
        if settings.MEETING_FEED_CACHE_SECONDS:
            cache.set(key, data, settings.MEETING_FEED_CACHE_SECONDS)
    response = HttpResponse(data, content_type=ICS)
    response["Content-Disposition"] = 'inline; filename="samspil.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


def my_calendar(request):
    """Copy or renew the feed URL; choose reminders."""
    feed = CalendarFeed.objects.filter(person=request.user).first()
    off = selectors.turned_off(request.user)
    initial = {"kinds": [kind.key for kind in reminders.all_kinds() if kind.key not in off]}
    form = ReminderPreferencesForm(initial=initial)
    if request.method == "POST":
        if request.POST.get("form") == "feed":
            renewing = feed is not None
            services.feed_renew(person=request.user)
            if renewing:
                messages.success(request, _("Your calendar has a new address. The old one no longer works."))
            else:
                messages.success(request, _("Your calendar address is ready. Add it to your calendar program."))
            return redirect("meetings:calendar")
        form = ReminderPreferencesForm(request.POST)
        if form.is_valid():
            services.preferences_save(person=request.user, enabled=set(form.cleaned_data["kinds"]))
            messages.success(request, _("Your reminder choices are saved."))
            return redirect("meetings:calendar")
    feed_url = ""
    if feed is not None:
        feed_url = settings.SITE_URL + reverse("meetings:calendar_feed", args=[selectors.feed_token(feed)])
    return render(
        request,
        "meetings/calendar.html",
        {
            "feed": feed,
            "feed_url": feed_url,
            "webcal_url": feed_url.replace("https://", "webcal://").replace("http://", "webcal://"),
            "form": form,
        },
        status=400 if form.is_bound else 200,
    )
