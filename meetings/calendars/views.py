"""Pages of the calendars room: a meeting's .ics download, the private subscription feed, and the
page where a person copies or renews their feed URL and chooses their reminders."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ..models import Participant
from ..permissions import get_meeting_for_user
from . import ics, invitations, reminders, selectors, services
from .forms import ReminderPreferencesForm
from .models import CalendarFeed

ICS = "text/calendar; charset=utf-8"


# The cached .ics's shape: a new number when what is cached changes (a deploy never
# serves an entry an older version wrote).
ICS_FORMAT = 1
# A bound on an entry's life besides the data version (samspil/data_versions.py: the
# instant between a commit's last bump and the commit becoming visible).
ICS_CACHE_SECONDS = 3600


def _ics_cache_key(pk: int, key: tuple, language: str) -> str:
    """The key of a meeting's built .ics: everything the bytes are a function of, except
    DTSTAMP (ics.restamp). The data version moves with every write to the meeting, its
    participants, their names and addresses and its host (calendars/freshness.py); the
    uid tells a recreated database's meeting of the same pk apart; a visit's title differs
    for its politicians (invitations.visit_summary); the language writes the description."""
    uid, visit_slot_id, version, politician = key
    identity = "|".join(
        str(part)
        for part in (
            ICS_FORMAT,
            settings.DATABASES["default"]["NAME"],
            version,
            pk,
            uid,
            int(politician) if visit_slot_id is not None else "-",
            language,
            settings.SITE_URL,
            settings.DEFAULT_FROM_EMAIL,
        )
    )
    return "meetings:ics:" + hashlib.sha256(identity.encode()).hexdigest()


def meeting_ics(request, pk: int):
    """One meeting as an .ics file (METHOD PUBLISH), for whoever may see the meeting. Two
    queries: the user with their roles, then the permission check with the .ics data
    version (selectors.meeting_ics_key); the file from the cache, or built from the
    participants with the meeting (a third query) and cached under that version."""
    key = selectors.meeting_ics_key(request.user, pk)
    if key is None:
        # Refused or missing: the usual lookup answers 404 and logs a refusal as everywhere.
        meeting = selectors.visible_meeting(request.user, pk) or get_meeting_for_user(request.user, pk)
        return _ics_response(pk, _build_ics(request, meeting))
    cache_key = _ics_cache_key(pk, key, translation.get_language())
    cached = cache.get(cache_key)
    data = ics.restamp(cached) if cached is not None else None
    if data is None:
        participants = list(
            Participant.objects.filter(meeting_id=pk).select_related("person", "meeting__host", "meeting__organiser")
        )
        # The meeting comes with its participants; a meeting without any on its own.
        meeting = participants[0].meeting if participants else _meeting(pk)
        data = _build_ics(request, meeting, participants)
        if ics.restamp(data) is not None:
            cache.set(cache_key, data, ICS_CACHE_SECONDS)
    return _ics_response(pk, data)


def _meeting(pk: int):
    from ..models import Meeting

    return Meeting.objects.select_related("host", "organiser").get(pk=pk)


def _build_ics(request, meeting, participants=None) -> bytes:
    if participants is None:
        participants = list(Participant.objects.filter(meeting=meeting).select_related("person"))
    summary = invitations.visit_summary(meeting, participants, request.user)
    return ics.meeting_ics(meeting, participants, summary=summary)


def _ics_response(pk: int, data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type=ICS)
    response["Content-Disposition"] = f'attachment; filename="samspil-meeting-{pk}.ics"'
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
