from django.urls import path

from . import views

app_name = "agreements"

urlpatterns = [
    path("", views.agreement_list, name="list"),
    path("ny/", views.agreement_start, name="start"),
    path("tvaergaaende-maal/", views.partner_goals, name="partner_goals"),
    path("<int:pk>/", views.agreement_detail, name="detail"),
    path("<int:pk>/rediger/", views.agreement_edit, name="edit"),
    path("<int:pk>/indledning/", views.introduction_save, name="introduction_save"),
    path("<int:pk>/maal/", views.goal_add, name="goal_add"),
    path("<int:pk>/send-til-dialog/", views.send_to_dialogue, name="send_to_dialogue"),
    path("<int:pk>/godkend/", views.approve, name="approve"),
    path("<int:pk>/tilbagekald-godkendelse/", views.withdraw_approval, name="withdraw_approval"),
    path("<int:pk>/underskriv/", views.sign, name="sign"),
    path("<int:pk>/aktiver/", views.activate, name="activate"),
    path("<int:pk>/evaluer/", views.evaluate, name="evaluate"),
    path("<int:pk>/arkiver/", views.archive, name="archive"),
    path("<int:pk>/opfoelgning/<slug:point>/", views.follow_up, name="follow_up"),
    path("<int:pk>/revisioner/", views.revisions, name="revisions"),
    path("<int:pk>/pdf/", views.agreement_pdf, name="pdf"),
    path("maal/<int:pk>/", views.goal_save, name="goal_save"),
    path("maal/<int:pk>/partnere/", views.partner_search, name="partner_search"),
    path("maal/<int:pk>/flyt/", views.goal_move, name="goal_move"),
    path("maal/<int:pk>/slet/", views.goal_delete, name="goal_delete"),
    path("maal/<int:pk>/milepael/", views.milestone_add, name="milestone_add"),
    path("maal/<int:pk>/kommentar/", views.comment_add, name="comment_add"),
    path("milepael/<int:pk>/slet/", views.milestone_delete, name="milestone_delete"),
]
