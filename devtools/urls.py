"""Benchmark floors, included by samspil/urls.py only where the devtools app is installed."""

from django.urls import path

from . import views

app_name = "bench"

urlpatterns = [
    path("bytes/", views.floor_bytes, name="floor_bytes"),
    path("table/", views.floor_table, name="floor_table"),
]
