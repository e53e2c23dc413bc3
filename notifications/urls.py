from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("konto/notifikationer/", views.preferences, name="settings"),
    path("notifikationer/<int:pk>/laest/", views.read, name="read"),
    path("notifikationer/alle-laest/", views.read_all, name="read_all"),
]
