from django.urls import path

from . import views

app_name = "earlywords"

urlpatterns = [
    path("", views.early_word_list, name="list"),
    path("nyt/", views.early_word_give, name="give"),
    path("<int:pk>/", views.early_word_detail, name="detail"),
    path("<int:pk>/kvitter/", views.early_word_acknowledge, name="acknowledge"),
]
