"""A bare Django project: the benchmark's floor (bench/bare/README.md)."""

import os

import dj_database_url

SECRET_KEY = os.environ.get("SECRET_KEY", "bench-bare-floor-not-for-production-0123456789abcdef")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["bare"]
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bare.urls"
WSGI_APPLICATION = "bare.wsgi.application"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True, "OPTIONS": {}}]
# The same connection settings as Samspil's (samspil/settings.py): persistent connections,
# JIT off.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ["DATABASE_URL"], conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")), conn_health_checks=True
    )
}
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
USE_I18N = False
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
