from django.urls import path

from . import views

app_name = "questions"

urlpatterns = [
    path("", views.question_list, name="list"),
    path("nyt/", views.question_ask, name="ask"),
    path("<int:pk>/", views.question_detail, name="detail"),
    path("<int:pk>/overdrag/", views.question_hand_over, name="hand_over"),
    path("<int:pk>/svar/", views.question_answer, name="answer"),
    path("<int:pk>/frist/", views.question_move_deadline, name="move_deadline"),
    path("<int:pk>/offentliggoer/", views.question_agree_to_publish, name="agree_to_publish"),
]
