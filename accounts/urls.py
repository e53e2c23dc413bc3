from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("konto/invitation/<str:token>/", views.invitation_accept_view, name="invitation_accept"),
    path("konto/mine-data/", views.my_data, name="my_data"),
    path("konto/mine-data/download/", views.my_data_download, name="my_data_download"),
    path("konto/sessioner/", views.my_sessions, name="sessions"),
    path("konto/sessioner/<int:pk>/afslut/", views.my_session_end, name="session_end"),
    path("konto/sessioner/afslut-andre/", views.my_sessions_end_others, name="sessions_end_others"),
    path("privatliv/", views.privacy_page, name="privacy"),
    path("administration/invitationer/", views.invitations, name="invitations"),
    path("administration/invitationer/runde/", views.invitation_round_start, name="invitation_round_start"),
    path("administration/invitationer/runde/<int:pk>/", views.invitation_round, name="invitation_round"),
    path(
        "administration/invitationer/<int:person_id>/send/",
        views.invitation_resend,
        name="invitation_resend",
    ),
]
