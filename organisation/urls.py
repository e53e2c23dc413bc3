from django.urls import path

from . import views

app_name = "organisation"

urlpatterns = [
    path("udvalg/", views.committee_list, name="committees"),
    path("udvalg/<slug:slug>/", views.committee_detail, name="committee"),
    path("virksomheder/", views.workplace_list, name="workplaces"),
    path("virksomheder/<slug:slug>/", views.workplace_detail, name="workplace"),
    path("virksomheder/<slug:slug>/rediger/", views.workplace_edit, name="workplace_edit"),
    path("administration/import/", views.import_start, name="import"),
    path("administration/import/<int:pk>/", views.import_job, name="import_job"),
]
