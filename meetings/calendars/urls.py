"""URLs of the calendars room, part of the app's URLconf (meetings/urls.py, namespace "meetings")."""

from django.urls import path

from . import views

urlpatterns = [
    path("<int:pk>/kalender.ics", views.meeting_ics, name="meeting_ics"),
    path("kalender/", views.my_calendar, name="calendar"),
    path("kalender/abonnement/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
