from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from portal import views as portal_views

# The admin login goes through allauth, so its rate limits and two-factor step apply.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("healthz", portal_views.healthz, name="healthz"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("konto/", include("allauth.urls")),
    path("", include("organisation.urls")),
    path("moeder/", include("meetings.urls")),
    path("udviklingsaftaler/", include("agreements.urls")),
    path("kodeks/", include("codex.urls")),
    path("gode-historier/", include("stories.urls")),
    path("daekning/", include("coverage.urls")),
    path("sager/", include("cases.urls")),
    path("", include("portal.urls")),
]

handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"

# The benchmark floors (bench/README.md), only when SAMSPIL_BENCH_FLOORS=1: outside the
# access matrix on purpose, as the test settings never turn them on.
if settings.SAMSPIL_BENCH_FLOORS:
    urlpatterns.insert(0, path("bench-floor/", include("portal.bench_urls")))

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
