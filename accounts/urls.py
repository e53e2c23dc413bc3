from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("konto/invitation/<str:token>/", views.invitation_accept_view, name="invitation_accept"),
    path("administration/invitationer/", views.invitations, name="invitations"),
    path(
        "administration/invitationer/<int:person_id>/send/",
        views.invitation_resend,
        name="invitation_resend",
    ),
]
