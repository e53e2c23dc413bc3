"""URLs of the visits room, part of the app's URLconf (meetings/urls.py, namespace "meetings")."""

from django.urls import path

from . import views

urlpatterns = [
    path("virksomhed/<slug:slug>/besoegstider/", views.workplace_visit_times, name="workplace_visit_times"),
    path("besoeg/", views.visit_times, name="visit_times"),
    path("besoeg/<int:pk>/book/", views.visit_book, name="visit_book"),
    path("besoeg/<int:pk>/tilbagetraek/", views.visit_slot_withdraw, name="visit_slot_withdraw"),
    path("spaerret/<int:pk>/slet/", views.blocked_period_delete, name="blocked_period_delete"),
    path("bookinger/<int:pk>/aflys/", views.booking_cancel, name="booking_cancel"),
    path("bookinger/<int:pk>/flyt/", views.booking_move, name="booking_move"),
    path("bookinger/<int:pk>/bekraeft/", views.booking_confirm, name="booking_confirm"),
]
