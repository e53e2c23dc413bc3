"""The app's URLconf (namespace "meetings"): the meetings room's pages, then the visits
room's (meetings/visits/urls.py) and the calendars room's (meetings/calendars/urls.py)."""

from django.urls import path

from . import minutes_views, views
from .calendars.urls import urlpatterns as calendar_urlpatterns
from .visits.urls import urlpatterns as visit_urlpatterns

app_name = "meetings"

urlpatterns = [
    path("", views.my_meetings, name="mine"),
    path("ny/", views.meeting_create, name="meeting_create"),
    path("<int:pk>/", views.meeting_detail, name="meeting"),
    path("<int:pk>/udskriv/", views.meeting_print, name="meeting_print"),
    path("<int:pk>/rediger/", views.meeting_edit, name="meeting_edit"),
    path("<int:pk>/dagsorden/", views.meeting_agenda, name="meeting_agenda"),
    path("<int:pk>/deltagere/", views.meeting_participants, name="meeting_participants"),
    path("<int:pk>/aflys/", views.meeting_cancel, name="meeting_cancel"),
    path("<int:pk>/afholdt/", views.meeting_held, name="meeting_held"),
    path("<int:pk>/svar/", views.meeting_respond, name="meeting_respond"),
    path("<int:pk>/referat/", views.minutes_edit, name="minutes_edit"),
    path("<int:pk>/referat/laas/", views.minutes_lock, name="minutes_lock"),
    path("<int:pk>/referat/sammenlign/", views.minutes_compare, name="minutes_compare"),
    path("<int:pk>/referat/fremmoede/", minutes_views.minutes_attendance, name="minutes_attendance"),
    path("<int:pk>/referat/laesning/", minutes_views.minutes_reading, name="minutes_reading"),
    path("<int:pk>/referat/laest/", minutes_views.minutes_read, name="minutes_read"),
    path("<int:pk>/referat/kommentar/", minutes_views.minutes_comment, name="minutes_comment"),
    path("udvalg/<slug:slug>/", views.committee_plan, name="committee_plan"),
    path("udvalg/<slug:slug>/gentagne/", views.series_create, name="series_create"),
    path("virksomhed/<slug:slug>/", views.workplace_meetings, name="workplace_meetings"),
    *visit_urlpatterns,
    *calendar_urlpatterns,
]
