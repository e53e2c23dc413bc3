"""Samspil settings: one module, driven by environment variables.

Laptop defaults need nothing installed but Python: SQLite, an embedded (filesystem)
Celery broker under ``var/``, emails written to files under ``var/``. Production sets
``DATABASE_URL``, ``REDIS_URL``, ``SECRET_KEY``, ``ALLOWED_HOSTS`` and ``EMAIL_URL``.
Every variable is listed in README.md.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlparse

import dj_database_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SAMSPIL_VAR_DIR", BASE_DIR / "var"))


def crontab(**fields):
    """Celery's crontab schedule, built when the beat first reads it: importing
    celery.schedules here would load Celery (≈10 MB) into every web worker (issue 19)."""

    def build():
        from celery.schedules import crontab

        return crontab(**fields)

    return SimpleLazyObject(build)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
# The development tools (devtools/: the benchmark's floor views, the scale data generator):
# on with DEBUG, or with SAMSPIL_DEVTOOLS=1 (bench/run); never in production.
SAMSPIL_DEVTOOLS = env_bool("SAMSPIL_DEVTOOLS", DEBUG)
# pytest sets SAMSPIL_TESTING for the processes it starts (workers, servers) too.
TESTING = env_bool("SAMSPIL_TESTING") or "pytest" in sys.modules
# Production must set SECRET_KEY; the fallback only serves laptops and tests.
SECRET_KEY = os.environ.get("SECRET_KEY") or "insecure-laptop-only-" + "x" * 40
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
MUNICIPALITY_NAME = os.environ.get("MUNICIPALITY_NAME", "Bølgeby Kommune")
ACCESSIBILITY_STATEMENT_URL = os.environ.get("ACCESSIBILITY_STATEMENT_URL", "https://www.was.digst.dk/")

INSTALLED_APPS = [
    "portal.admin_site.SamspilAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "csp",
]
# Samspil's own apps, one per capability.
SAMSPIL_APPS = [
    "audit",
    "accounts",
    "organisation",
    "outbox",
    "meetings",
    "agreements",
    "codex",
    "stories",
    "coverage",
    "cases",
    "earlywords",
    "questions",
    "notifications",
    "portal",
]
INSTALLED_APPS += SAMSPIL_APPS
if SAMSPIL_DEVTOOLS:
    INSTALLED_APPS.append("devtools")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Refuses a body over the limit (413) and PUT/PATCH/DELETE/TRACE (405) before any view.
    "accounts.middleware.RequestGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # NUL and other control characters in a query string or form: 400 (samspil/bounds.py).
    "samspil.bounds.ControlCharacterMiddleware",
    # A page re-rendering a form with errors answers 400 (samspil/bounds.py).
    "samspil.bounds.InvalidFormStatusMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # The default zone activated per request: Django's look-ups of it are then cheap.
    "samspil.localtime.TimeZoneMiddleware",
    "django.middleware.common.CommonMiddleware",
    "organisation.middleware.FormerAddressMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "audit.context.AuditContextMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.RequireTwoFactorMiddleware",
    # Logged-in pages and personal downloads are never stored by browsers or proxies.
    "accounts.middleware.NoStoreMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # django-csp's, with the header built once per policy (samspil/content_security.py).
    "samspil.content_security.KeptPolicyCSPMiddleware",
]

ROOT_URLCONF = "samspil.urls"
WSGI_APPLICATION = "samspil.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "portal.context_processors.portal",
            ],
        },
    },
    # The heavy parts of pages (samspil/jinja2.py): `.jinja` files beside the Django
    # templates, rendered by `{% jinja %}` (portal/templatetags/jinja.py).
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates", *(BASE_DIR / app / "templates" for app in SAMSPIL_APPS)],
        "OPTIONS": {"environment": "samspil.jinja2.environment"},
    },
]

# --- Database --------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'samspil.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web and worker share the file: wait for the lock instead of failing at once.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USING_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
if USING_POSTGRES:
    # Django's backend with a health check that reads the socket instead of a SELECT 1
    # round trip on every request (samspil/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "samspil.postgresql"
if USING_POSTGRES and not env_bool("DATABASE_JIT"):
    # PostgreSQL's JIT compiles a plan once its estimated cost is high; for the short
    # queries of a web page compiling costs more than it saves: the code register's two
    # counting queries took 650 + 333 ms with it and 173 + 116 ms without (bench/README.md).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if USING_POSTGRES and env_bool("DATABASE_PREPARE", True):
    # Repeated SELECTs planned once per connection (samspil/db.py). Off behind a pooler in
    # transaction mode (PgBouncer), where a connection's prepared statements do not follow it.
    from samspil.db import PreparingConnection, PreparingCursor

    DATABASES["default"].setdefault("OPTIONS", {}).update(
        connection_factory=PreparingConnection, cursor_factory=PreparingCursor
    )

# --- Cache, sessions -------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")


def _next_redis_db(url: str) -> str:
    """redis://host:6379/0 → redis://host:6379/1: the cache gets its own database, so
    clearing the cache never flushes the broker's queued tasks."""
    parsed = urlparse(url)
    db = int(parsed.path.strip("/") or 0)
    return parsed._replace(path=f"/{db + 1}").geturl()


REDIS_CACHE_URL = os.environ.get("REDIS_CACHE_URL") or (_next_redis_db(REDIS_URL) if REDIS_URL else "")
if REDIS_URL:
    # A Redis outage degrades to the database instead of failing requests (samspil/cache.py).
    CACHES = {"default": {"BACKEND": "samspil.cache.ResilientRedisCache", "LOCATION": REDIS_CACHE_URL}}
elif TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    # Web and worker are separate processes on a laptop too: the rate limits need a
    # cache they share, so not per-process memory.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Idle timeout: the session's age, renewed by activity (accounts.middleware, at most every
# few minutes, so ordinary page views write nothing).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", str(2 * 3600)))
# Absolute lifetime: a session ends this long after login, however busy (accounts.middleware).
SESSION_ABSOLUTE_SECONDS = int(os.environ.get("SESSION_ABSOLUTE_SECONDS", str(12 * 3600)))

# --- Auth ------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # allauth's, loading the person's current roles with the user (one query less a page).
    "accounts.backends.AuthenticationBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Object permissions: each app's permissions.py registers its rules.
    "rules.permissions.ObjectPermissionBackend",
    "accounts.backends.AdministratorBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_ADAPTER = "accounts.adapters.InvitationOnlyAccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapters.KnownPeopleSocialAccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# A new address counts only once the link sent to it is followed (issue 14, point 1):
# "optional" sends the link without blocking logins, ACCOUNT_CHANGE_EMAIL keeps the old
# address until the new one is verified, and the old address is told of the change.
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
# No "unknown account, sign up here" email: sign-up is by invitation only, so its link
# would lead nowhere (the reset page still answers the same for any address).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
# Ask for the password again before email, password or two-factor settings change.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Samspil] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if not DEBUG and urlparse(SITE_URL).scheme == "https" else "http"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_ADAPTER = "accounts.adapters.EncryptingMFAAdapter"
# allauth refuses two-factor to an account with an unverified address (and an address to an
# account with two-factor). Here an added address never counts before its link is followed
# (ACCOUNT_CHANGE_EMAIL), so the guard protects nothing, and would stop a director with a
# pending address change from enrolling as MFA_REQUIRED_ROLES demands.
MFA_ALLOW_UNVERIFIED_EMAIL = True
MFA_TOTP_ISSUER = "Samspil"
# A code from the period just before counts too (RFC 6238's one step of drift): a phone whose
# clock is a few seconds off, or a code typed as the 30 seconds turn, is not refused. A used
# code is still refused for the whole window (allauth remembers it).
MFA_TOTP_TOLERANCE = 1
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True

# OpenID Connect single sign-on (Microsoft Entra ID or any OIDC provider), on when
# OIDC_CLIENT_ID is set. Entra's server URL is
# https://login.microsoftonline.com/<tenant-id>/v2.0
OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
SOCIALACCOUNT_PROVIDERS: dict = {}
if OIDC_CLIENT_ID:
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": os.environ.get("OIDC_PROVIDER_ID", "entra"),
                "name": os.environ.get("OIDC_PROVIDER_NAME", "Microsoft Entra ID"),
                "client_id": OIDC_CLIENT_ID,
                "secret": os.environ.get("OIDC_CLIENT_SECRET", ""),
                "settings": {
                    "server_url": os.environ.get("OIDC_SERVER_URL", ""),
                    # A method name.
                    "token_auth_method": "client_secret_post",  # nosec B105
                },
            }
        ],
    }

# --- Internationalisation --------------------------------------------------------------
LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Danish")), ("en", _("English"))]
# The project's own strings, then its wording of the libraries' strings (allauth): both are
# read before any app's catalogue, so they win over the libraries' own Danish.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "wording"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

# --- Static and media ------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Uploaded files (story pictures, import files): the file system under MEDIA_ROOT by
# default; with several web servers on several hosts either a shared MEDIA_ROOT (NFS) or
# an S3-compatible bucket (django-storages), switched on by STORAGE_S3_BUCKET. Files are
# always served through Samspil's own views (stories.views.picture checks who may see a
# picture), so the bucket stays private: no public ACL and no signed URLs handed out.
STORAGE_S3_BUCKET = os.environ.get("STORAGE_S3_BUCKET", "")
if STORAGE_S3_BUCKET:
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": STORAGE_S3_BUCKET,
            # Another provider's S3 API (MinIO, Ceph, a Danish cloud); empty: Amazon S3.
            "endpoint_url": os.environ.get("STORAGE_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("STORAGE_S3_REGION") or None,
            # Empty keys: boto3's own chain (AWS_* variables, an instance role).
            "access_key": os.environ.get("STORAGE_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("STORAGE_S3_SECRET_ACCESS_KEY") or None,
            "location": os.environ.get("STORAGE_S3_PREFIX", "media"),
            "default_acl": None,  # the bucket's policy: private
            "querystring_auth": True,
            # Two uploads with the same name never overwrite each other.
            "file_overwrite": False,
        },
    }
else:
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _media_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and not TESTING and env_bool("SAMSPIL_MANIFEST_STATIC", True)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# Widgets through Jinja2's copies of Django's widget templates (same markup, faster);
# see samspil/rendering.py.
FORM_RENDERER = "samspil.rendering.FormRenderer"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Email -----------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Samspil <samspil@127.0.0.1>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_URL = os.environ.get("EMAIL_URL", "")
if EMAIL_URL:
    _mail = urlparse(EMAIL_URL)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _mail.hostname or "127.0.0.1"
    EMAIL_PORT = _mail.port or 25
    EMAIL_HOST_USER = unquote(_mail.username or "")
    EMAIL_HOST_PASSWORD = unquote(_mail.password or "")
    EMAIL_USE_TLS = _mail.scheme == "smtp+tls"
    EMAIL_USE_SSL = _mail.scheme == "smtps"
    EMAIL_TIMEOUT = 20
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"

# --- Celery ----------------------------------------------------------------------------
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {"visibility_timeout": 3600}
else:
    # Embedded broker for laptops: messages are files under var/, no server needed.
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(VAR_DIR / "broker" / "out"),
        "data_folder_out": str(VAR_DIR / "broker" / "out"),
        "processed_folder": str(VAR_DIR / "broker" / "processed"),
        # The exchange table too: kombu's default is ./control, in whatever folder the
        # worker was started from (it ended up committed once).
        "control_folder": str(VAR_DIR / "broker" / "control"),
        "store_processed": False,
    }
# Several Samspil installations (or test runs) can share one Redis with their own queue.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "celery")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", TESTING)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
# A task whose worker dies is redelivered rather than lost: acknowledged after it ran, and
# rejected (so requeued) when its worker process is killed.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# The schedule lives here, under version control. Run exactly one beat process.
CELERY_BEAT_SCHEDULE: dict = {
    # The one outbox: queue batches for every email that may be sent now (outbox/tasks.py).
    "outbox-scan": {
        "task": "outbox.tasks.scan",
        "schedule": timedelta(seconds=int(os.environ.get("OUTBOX_SCAN_SECONDS", "20"))),
        "options": {"expires": 15},
    },
    "accounts-purge-expired-personal-data": {
        "task": "accounts.tasks.purge_expired_personal_data",
        "schedule": timedelta(days=1),
        "options": {"expires": 3600},
    },
    "organisation-close-ended-memberships": {
        "task": "organisation.tasks.close_ended_memberships",
        "schedule": timedelta(hours=1),
        "options": {"expires": 3000},
    },
    # Good stories: last week's digest to each follower. Every hour on Monday morning,
    # so a beat or worker that was down at 06:00 still sends; the outbox keeps it to one.
    "stories-weekly-digest": {
        "task": "stories.tasks.send_weekly_digests",
        "schedule": crontab(minute=0, hour="6-11", day_of_week="mon"),
        "options": {"expires": 3000},
    },
    # Notifications: the daily summary of what each person chose to hear about once a day.
    # Every hour of the morning, so a beat or worker that was down at 06:00 still sends;
    # each notification goes in one summary and each summary is one outbox row.
    "notifications-daily-digest": {
        "task": "notifications.tasks.send_daily_digests",
        "schedule": crontab(minute=5, hour="6-11"),
        "options": {"expires": 3000},
    },
    # Code register: once a day, the chain head goes outside the database (an email to the
    # data protection officer) and onto the public code page (codex.services.chain_anchor).
    # Hourly: the anchor is once per day, so a missed hour only delays it.
    "codex-anchor-chain-head": {
        "task": "codex.tasks.anchor_chain_head",
        "schedule": timedelta(hours=1),
        "options": {"expires": 3000},
    },
    # Code of conduct: start the next "please sign" reminder round when its interval has come.
    "codex-send-due-reminders": {
        "task": "codex.tasks.send_due_reminders",
        "schedule": timedelta(minutes=15),
        "options": {"expires": 600},
    },
    # Coverage: after a change to the meetings, the leadership's dashboard report is
    # computed ahead (coverage.selectors.warm_leadership_report), not by the first viewer.
    "coverage-warm-dashboard": {
        "task": "coverage.tasks.warm_dashboard",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 50},
    },
    # Development agreements: reminders of the yearly cycle's deadlines (agreements.tasks).
    # Committee cases: reminders before each open hearing's deadline (cases.tasks).
    "cases-queue-hearing-reminders": {
        "task": "cases.tasks.queue_hearing_reminders",
        "schedule": timedelta(minutes=30),
        "options": {"expires": 1500},
    },
    "agreements-queue-deadline-reminders": {
        "task": "agreements.tasks.queue_deadline_reminders",
        "schedule": timedelta(minutes=30),
        "options": {"expires": 1500},
    },
    # Reminders and retries of calendar emails: what the database says is due (meetings/calendars/tasks.py).
    "meetings-scan-reminders": {
        "task": "meetings.tasks.scan_reminders",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 50},
    },
    # The monthly coverage digest: the first of the month at 07:00 (each email once, coverage/services.py).
    "coverage-monthly-digest": {
        "task": "coverage.tasks.queue_monthly_digest",
        "schedule": crontab(day_of_month="1", hour="7", minute="0"),
        "options": {"expires": 6 * 3600},
    },
}
# Gentle reminders to sign the code of conduct (issue 18.4): an email at publication, then
# one more per number here (days after publication), then only the start page's banner.
# A comma-separated list: "30" is once more after a month, "30,90" twice, "" never again.
CODEX_REMINDER_AFTER_DAYS = sorted(
    int(days) for days in os.environ.get("CODEX_REMINDER_AFTER_DAYS", "30").split(",") if days.strip()
)

# --- The outbox: every email Samspil sends (outbox/services.py) -----------------------
# A claim not renewed for this long belongs to a worker that died: the next scan takes it.
# (MEETING_MAIL_CLAIM_TIMEOUT_SECONDS, the old name, still works.)
OUTBOX_CLAIM_SECONDS = int(
    os.environ.get("OUTBOX_CLAIM_SECONDS", os.environ.get("MEETING_MAIL_CLAIM_TIMEOUT_SECONDS", "45"))
)
# The beat's scan: how often it looks for what may be sent (new, due, retries, expired claims).
OUTBOX_SCAN_SECONDS = int(os.environ.get("OUTBOX_SCAN_SECONDS", "20"))
# One batch: at most this many emails over one SMTP connection, for at most this long
# (well inside Celery's time limit, also on SQLite with the filesystem broker).
OUTBOX_BATCH_SIZE = int(os.environ.get("OUTBOX_BATCH_SIZE", "200"))
OUTBOX_BATCH_SECONDS = int(os.environ.get("OUTBOX_BATCH_SECONDS", "60"))
# Rows claimed at a time within a batch: what a killed worker strands for a claim's length.
OUTBOX_CLAIM_CHUNK = int(os.environ.get("OUTBOX_CLAIM_CHUNK", "20"))
# Batches one scan queues at most (the workers' concurrency is a good value).
OUTBOX_PARALLEL_BATCHES = int(os.environ.get("OUTBOX_PARALLEL_BATCHES", "4"))
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", os.environ.get("MEETING_MAIL_MAX_ATTEMPTS", "8")))
# Tests only: wait this long before each send, so a test can kill a worker mid-batch.
OUTBOX_SEND_DELAY_SECONDS = (
    float(os.environ.get("OUTBOX_SEND_DELAY_SECONDS", os.environ.get("MEETING_MAIL_SEND_DELAY_SECONDS", "0")))
    if TESTING
    else 0.0
)
# The old names, for code and configuration written against them.
MEETING_MAIL_CLAIM_TIMEOUT = timedelta(seconds=OUTBOX_CLAIM_SECONDS)
MEETING_MAIL_MAX_ATTEMPTS = OUTBOX_MAX_ATTEMPTS

# --- Security --------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY") else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG and bool(os.environ.get("SECRET_KEY")))
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000" if SECURE_SSL_REDIRECT else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", SECURE_SSL_REDIRECT)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# HTTPS is on when Samspil redirects to it itself, or when the proxy in front does
# (BEHIND_PROXY=1 with SECURE_SSL_REDIRECT=0): secure cookies and HSTS follow HTTPS, not
# who redirects (README, "Behind a proxy").
HTTPS_ONLY = env_bool(
    "HTTPS_ONLY", SECURE_SSL_REDIRECT or (env_bool("BEHIND_PROXY") and bool(os.environ.get("SECRET_KEY")))
)
if HTTPS_ONLY and not SECURE_SSL_REDIRECT:
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    # The proxy answers plain HTTP with its own redirect, so Django's is not needed.
    SILENCED_SYSTEM_CHECKS = ["security.W008"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS_ONLY
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
if SESSION_COOKIE_SECURE:
    # __Host- cookies: secure, host-only, path / — a subdomain cannot plant them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_SECURE = True
    LANGUAGE_COOKIE_NAME = "__Host-django_language"
    LANGUAGE_COOKIE_HTTPONLY = True

# --- Security against an insider (issue 14): two-factor, sessions, limits, logs ------------
# People with these roles must use two-factor, and every session of theirs must have passed
# it in this login (accounts/middleware.py). Administrators always must, whatever this says.
MFA_REQUIRED_ROLES = env_list("MFA_REQUIRED_ROLES", "administrator,director,centre_head,committee_chair")
# TOTP secrets and recovery seeds are stored encrypted with this key (Fernet, 32 url-safe
# base64 bytes; `python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`).
# Empty: derived from SECRET_KEY. Changing it makes every enrolled person enrol again.
MFA_ENCRYPTION_KEY = os.environ.get("MFA_ENCRYPTION_KEY", "")
# A request body larger than this is refused with 413 before anything reads it (the largest
# legitimate upload, an import file, plus the form around it).
REQUEST_MAX_BYTES = int(os.environ.get("REQUEST_MAX_BYTES", str(12 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", str(2_621_440)))
# Failed logins are counted per account *and* address (accounts/adapters.py), so an attacker
# elsewhere cannot lock the real owner out; 10 a minute per address whatever the account.
ACCOUNT_LOGIN_FAILED_PER_ACCOUNT_AND_IP = "5/5m/key"
# Password reset only for people who are in: an accepted invitation or a usable password.
ACCOUNT_FORMS = {"reset_password": "accounts.forms.InvitedOnlyResetPasswordForm"}  # nosec B105 - a form path
ACCOUNT_RATE_LIMITS = {"login_failed": f"10/m/ip,{ACCOUNT_LOGIN_FAILED_PER_ACCOUNT_AND_IP}"}

_sso_origins = (
    [f"{urlparse(os.environ['OIDC_SERVER_URL']).scheme}://{urlparse(os.environ['OIDC_SERVER_URL']).netloc}"]
    if os.environ.get("OIDC_SERVER_URL")
    else []
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        # Single sign-on posts to our login view, which redirects to the identity provider;
        # browsers check form-action on that redirect too.
        "form-action": ["'self'", *env_list("CSP_FORM_ACTION"), *_sso_origins],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Logging ---------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "samspil.logformat.JsonFormatter"},
    },
    # LOG_FORMAT=json: one JSON object per line with the request id (samspil/logformat.py).
    # No invitation, feed, confirmation or reset token in any log line (samspil/redact.py).
    "filters": {"redact_tokens": {"()": "samspil.redact.RedactTokensFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["redact_tokens"],
            "formatter": "json" if os.environ.get("LOG_FORMAT", "plain") == "json" else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "celery": {"level": "INFO"},
        "samspil.security": {"level": "INFO"},
    },
}

# --- Samspil ---------------------------------------------------------------------------
# Every create, change and delete of these leaves an audit entry (audit/registry.py).
AUDITED_MODELS = [
    "accounts.User",
    "organisation.Committee",
    "organisation.Centre",
    "organisation.Workplace",
    "organisation.Membership",
    "organisation.ElectoralTerm",
    "meetings.Meeting",
    "meetings.MeetingKind",
    "meetings.VisitSlot",
    "meetings.Booking",
    "agreements.Agreement",
    "agreements.Goal",
    "agreements.Approval",
    "codex.CodeVersion",
    "codex.Signature",
    "stories.Story",
    "cases.Case",
]
# Invitations to new accounts stay valid this long.
INVITATION_VALID_DAYS = int(os.environ.get("INVITATION_VALID_DAYS", "14"))
# How long personal data is kept, per kind, in days; a daily task deletes what is older
# (accounts/privacy.py). Each capability adds its kinds.
RETENTION_DAYS = {
    "imports": int(os.environ.get("RETENTION_IMPORTS_DAYS", "90")),
    "invitations": int(os.environ.get("RETENTION_INVITATIONS_DAYS", "180")),
    "audit": int(os.environ.get("RETENTION_AUDIT_DAYS", str(5 * 365))),
    # A word before the press (earlywords/): deleted for real this long after it was given.
    "early_words": int(os.environ.get("EARLY_WORD_RETENTION_DAYS", "365")),
}
PRIVACY_CONTACT = os.environ.get("PRIVACY_CONTACT", "dpo@bolgeby.example")
# The key of the code register's hash chain (codex.models.chain_mac). Kept outside the
# database on purpose: whoever can write the tables cannot recompute the chain without
# it. On a laptop it is derived from SECRET_KEY; in production set it (and never change
# it without re-keying: see README, "The code register"); check --deploy warns if unset.
CODEX_CHAIN_KEY_FROM_ENV = bool(os.environ.get("CODEX_CHAIN_KEY"))
CODEX_CHAIN_KEY = (
    os.environ.get("CODEX_CHAIN_KEY")
    or hmac.new(SECRET_KEY.encode(), b"samspil.codex.chain-key", hashlib.sha256).hexdigest()
)
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(10 * 1024 * 1024)))
# Good stories: uploaded pictures are refused above these limits and stored at most this wide.
STORIES_PICTURE_MAX_BYTES = int(os.environ.get("STORIES_PICTURE_MAX_BYTES", str(8 * 1024 * 1024)))
STORIES_PICTURE_MAX_PIXELS = int(os.environ.get("STORIES_PICTURE_MAX_PIXELS", "40000000"))
STORIES_PICTURE_MAX_WIDTH = int(os.environ.get("STORIES_PICTURE_MAX_WIDTH", "1600"))

# --- Meetings: calendars and reminders (meetings/calendars/; sent by outbox/) -----------
# Reminders before a meeting's start; a person can turn each kind off.
MEETING_REMINDERS = [timedelta(days=7), timedelta(days=1)]
# "Minutes missing" to the organiser this long after a meeting without locked minutes.
MEETING_MINUTES_MISSING_AFTER = timedelta(days=2)
# Alarms in the calendar subscription feed, and how far back the feed goes.
MEETING_FEED_ALARMS = [timedelta(days=1), timedelta(hours=1)]
MEETING_FEED_PAST_DAYS = 90
# A built feed is served from the cache this long (0: off).
MEETING_FEED_CACHE_SECONDS = int(os.environ.get("MEETING_FEED_CACHE_SECONDS", "300"))
# Coverage: contacts a year each workplace should have, and when a contact is "due soon"
# (months since the last one, at a target of 1 a year). The monthly digest can also nudge
# each committee's chair about their own workplaces below the target.
# Committee cases: a hearing closes this many working days (Danish public holidays and
# weekends not counted) before the committee meeting; reminders go this many days before it.
# Days besides the public holidays when the municipality takes no visits (month-day; the
# `holidays` package's optional Danish days: Christmas Eve, New Year's Eve, Constitution
# Day; add 05-01 where Workers' Day is a day off). samspil/daysoff.py reads it.
MUNICIPAL_DAYS_OFF = env_list("MUNICIPAL_DAYS_OFF", "12-24,12-31,06-05")
CASES_HEARING_WORKING_DAYS = int(os.environ.get("CASES_HEARING_WORKING_DAYS", "10"))
CASES_REMINDER_DAYS = [int(d) for d in env_list("CASES_REMINDER_DAYS", "5,1")]
COVERAGE_TARGET_PER_YEAR = float(os.environ.get("COVERAGE_TARGET_PER_YEAR", "1"))
COVERAGE_DUE_SOON_MONTHS = float(os.environ.get("COVERAGE_DUE_SOON_MONTHS", "10"))
COVERAGE_NUDGE_CHAIRS = env_bool("COVERAGE_NUDGE_CHAIRS", False)
# The dashboard's report is cached under a data version the database bumps on every
# relevant write (coverage/freshness.py); this timeout only bounds a rare race. 0: no cache.
COVERAGE_REPORT_CACHE_SECONDS = int(os.environ.get("COVERAGE_REPORT_CACHE_SECONDS", "600"))
