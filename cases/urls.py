from django.urls import path

from . import api, figures, views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("ny/", views.case_create, name="create"),
    path("tal/", figures.figures, name="figures"),
    path("tal/eksport.csv", figures.export_csv, name="figures_export"),
    path("moede/<int:pk>/", views.meeting_agenda, name="agenda"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/print/", views.case_print, name="print"),
    path("<int:pk>/pdf/", views.case_pdf, name="pdf"),
    path("<int:pk>/handling/<slug:action>/", views.case_action, name="action"),
    path("<int:pk>/undtagelse/", views.case_override, name="override"),
    path("<int:pk>/afgoerelse/", views.case_decide, name="decide"),
    path("hoering/<int:pk>/", views.hearing_detail, name="hearing"),
    path("hoering/<int:pk>/svar/", views.answer_save, name="answer_save"),
    path("hoering/<int:pk>/indsend/", views.hearing_submit, name="submit"),
    path("hoering/<int:pk>/ingen-bemaerkninger/", views.hearing_no_comments, name="no_comments"),
    path("hoering/<int:pk>/inviter/", views.hearing_invite, name="invite"),
    path("hoering/<int:pk>/bidrag/", views.contribution_add, name="contribute"),
    path("hoering/<int:pk>/foretraede/", views.speak_request, name="speak"),
    path("hoering/<int:pk>/foretraede/<slug:decision>/", views.speak_decide, name="speak_decide"),
    # Read-only JSON for the municipality's agenda system (token per system; cases/api.py).
    path("api/sager/<int:pk>.json", api.case_json, name="api_case"),
]
