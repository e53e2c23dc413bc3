"""Calendar URLs, added to meetings/urls.py (namespace "meetings")."""

from django.urls import path

from . import calendar_views

urlpatterns = [
    path("<int:pk>/kalender.ics", calendar_views.meeting_ics, name="meeting_ics"),
    path("kalender/", calendar_views.my_calendar, name="calendar"),
    path("kalender/abonnement/<str:token>.ics", calendar_views.calendar_feed, name="calendar_feed"),
]
