from django.urls import path

from . import views

app_name = "coverage"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("eksport.<str:fmt>", views.export, name="export"),
    path("planlaeg/", views.plan_index, name="plan_index"),
    path("planlaeg/<slug:slug>/", views.plan, name="plan"),
]
