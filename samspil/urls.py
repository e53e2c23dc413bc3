from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from accounts import views as accounts_views
from portal import views as portal_views

# The admin login goes through allauth, so its rate limits and two-factor step apply.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("healthz", portal_views.healthz, name="healthz"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("notifications.urls")),
    # Before allauth's own page at the same address: no unverified primary address (issue 14).
    path("konto/email/", accounts_views.VerifiedOnlyEmailView.as_view(), name="account_email"),
    # Two-factor set-up keeps where the person was heading (issue 16.6), before allauth's own.
    path("konto/2fa/totp/activate/", accounts_views.ActivateTOTPKeepingNextView.as_view(), name="mfa_activate_totp"),
    path(
        "konto/2fa/recovery-codes/", accounts_views.RecoveryCodesWithNextView.as_view(), name="mfa_view_recovery_codes"
    ),
    path("konto/", include("allauth.urls")),
    path("", include("organisation.urls")),
    path("moeder/", include("meetings.urls")),
    path("udviklingsaftaler/", include("agreements.urls")),
    path("kodeks/", include("codex.urls")),
    path("gode-historier/", include("stories.urls")),
    path("daekning/", include("coverage.urls")),
    path("sager/", include("cases.urls")),
    path("forvarsler/", include("earlywords.urls")),
    path("spoergsmaal/", include("questions.urls")),
    path("", include("portal.urls")),
]

handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
# allauth's rate limits answer through this (allauth.core.internal.ratelimit.respond_429).
handler429 = "portal.views.too_many_requests"

# The benchmark floors (bench/README.md), only where the devtools app is installed (DEBUG
# or SAMSPIL_DEVTOOLS=1): outside the access matrix on purpose, as the tests never install it.
if settings.SAMSPIL_DEVTOOLS:
    urlpatterns.insert(0, path("bench-floor/", include("devtools.urls")))

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
