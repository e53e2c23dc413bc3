from django.urls import path

from . import views

app_name = "codex"

urlpatterns = [
    path("", views.home, name="home"),
    path("underskriv/<int:pk>/", views.sign, name="sign"),
    path("mine-underskrifter/", views.my_signatures, name="my_signatures"),
    path("versioner/", views.version_list, name="versions"),
    path("versioner/<int:pk>/", views.version_detail, name="version"),
    path("register/", views.register, name="register"),
    path("register.csv", views.register_csv, name="register_csv"),
    path("selvevaluering/", views.evaluations, name="evaluations"),
    path("selvevaluering/udvalg/<slug:slug>/", views.evaluation_committee, name="evaluation_committee"),
    path("selvevaluering/virksomhed/<slug:slug>/", views.evaluation_workplace, name="evaluation_workplace"),
    path("offentlig/", views.public, name="public"),
    # Administrator pages (administrators pass two-factor in every session: accounts/middleware.py).
    path("administration/", views.admin_index, name="admin"),
    path("administration/ny/", views.version_create, name="version_create"),
    path("administration/<int:pk>/rediger/", views.version_edit, name="version_edit"),
    path("administration/<int:pk>/forhaandsvisning/", views.version_preview, name="version_preview"),
    path("administration/<int:pk>/udgiv/", views.version_publish, name="version_publish"),
    path("administration/<int:pk>/udsendelse/", views.version_progress, name="version_progress"),
    path("administration/kontrol/", views.verify, name="verify"),
]
