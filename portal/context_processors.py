from django.conf import settings
from django.core.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf, reverse

from organisation.roles import roles_of

from . import navigation

# The base template's own links (account menu, footer), reversed once per script prefix
# and URLconf instead of by {% url %} on every page.
_BASE_URLS = {
    "home": "portal:home",
    "login": "account_login",
    "change_password": "account_change_password",
    "mfa": "mfa_index",
    "notifications": "notifications:settings",
    "sessions": "accounts:sessions",
    "my_data": "accounts:my_data",
    "logout": "account_logout",
    "privacy": "accounts:privacy",
    "set_language": "set_language",
}
_base_urls: dict[tuple, dict[str, str]] = {}


def _forget(**kwargs) -> None:
    _base_urls.clear()


setting_changed.connect(_forget, dispatch_uid="portal-base-urls")


def base_urls() -> dict[str, str]:
    key = (get_script_prefix(), get_urlconf())
    urls = _base_urls.get(key)
    if urls is None:
        urls = _base_urls[key] = {name: reverse(url_name) for name, url_name in _BASE_URLS.items()}
    return urls


def portal(request) -> dict:
    roles = roles_of(getattr(request, "user", None))
    return {
        "roles": roles,
        "nav_items": navigation.items_for(roles, request.path) if request.user.is_authenticated else [],
        "samspil_urls": base_urls(),
        "municipality_name": settings.MUNICIPALITY_NAME,
        "accessibility_statement_url": settings.ACCESSIBILITY_STATEMENT_URL,
    }
