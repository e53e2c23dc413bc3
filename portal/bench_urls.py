"""Benchmark floors, included by samspil/urls.py only when SAMSPIL_BENCH_FLOORS is on."""

from django.urls import path

from . import bench_views

app_name = "bench"

urlpatterns = [
    path("bytes/", bench_views.floor_bytes, name="floor_bytes"),
    path("table/", bench_views.floor_table, name="floor_table"),
]
