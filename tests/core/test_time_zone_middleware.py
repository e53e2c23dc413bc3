"""samspil.localtime.TimeZoneMiddleware: the default zone is active while a request is
answered (Django's look-ups of it take the cheap path) and not after it; times shown are
the same as without it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import HttpResponse
from django.template import Context, Template
from django.test import RequestFactory, override_settings
from django.utils import timezone

from samspil.localtime import TimeZoneMiddleware

WINTER_EVENING = dt.datetime(2026, 12, 7, 23, 30, tzinfo=dt.UTC)  # 8 December 00:30 in Copenhagen
SUMMER_NOON = dt.datetime(2027, 7, 1, 10, 0, tzinfo=dt.UTC)  # 12:00 in Copenhagen


def _shown() -> str:
    return Template('{{ a|date:"Y-m-d H:i" }} {{ b|date:"Y-m-d H:i" }}').render(
        Context({"a": WINTER_EVENING, "b": SUMMER_NOON})
    )


def test_the_default_zone_is_active_during_the_request_and_not_after():
    seen = {}

    def view(request):
        seen["active"] = getattr(timezone._active, "value", None)
        seen["shown"] = _shown()
        return HttpResponse("ok")

    without = _shown()
    assert getattr(timezone._active, "value", None) is None
    TimeZoneMiddleware(view)(RequestFactory().get("/"))
    assert seen["active"] == timezone.get_default_timezone()
    assert seen["shown"] == without == "2026-12-08 00:30 2027-07-01 12:00"
    assert getattr(timezone._active, "value", None) is None


def test_a_failing_view_leaves_no_zone_behind():
    def view(request):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        TimeZoneMiddleware(view)(RequestFactory().get("/"))
    assert getattr(timezone._active, "value", None) is None


@override_settings(TIME_ZONE="America/New_York")
def test_the_zone_follows_the_setting():
    def view(request):
        return HttpResponse(_shown())

    assert TimeZoneMiddleware(view)(RequestFactory().get("/")).content == b"2026-12-07 18:30 2027-07-01 06:00"


@pytest.mark.django_db
def test_every_request_of_the_portal_goes_through_it(client):
    from django.conf import settings

    assert "samspil.localtime.TimeZoneMiddleware" in settings.MIDDLEWARE
    assert client.get("/konto/login/").status_code == 200
    assert getattr(timezone._active, "value", None) is None
