from django.conf import settings
from django.core.signals import setting_changed
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse

from organisation.roles import roles_of

from . import navigation

# The base template's own links (account menu, footer) and static files, reversed once per
# script prefix and URLconf instead of by {% url %} and {% static %} on every page.
_BASE_URLS = {
    "home": "portal:home",
    "login": "account_login",
    "change_password": "account_change_password",  # nosec B105 - a URL name
    "mfa": "mfa_index",
    "notifications": "notifications:settings",
    "sessions": "accounts:sessions",
    "my_data": "accounts:my_data",
    "logout": "account_logout",
    "privacy": "accounts:privacy",
    "set_language": "set_language",
}
_BASE_STATIC = {
    "favicon": "favicon.svg",
    "bootstrap_css": "vendor/bootstrap.min.css",
    "icons_css": "vendor/bootstrap-icons/bootstrap-icons.min.css",
    "samspil_css": "css/samspil.css",
    "bootstrap_js": "vendor/bootstrap.bundle.min.js",
    "htmx_js": "vendor/htmx.min.js",
    "samspil_js": "js/samspil.js",
}


class _BaseURLs(dict):
    """Each URL worked out when the template first asks for it, then kept: a missing
    static file fails where {% static %} did, on the page that shows it."""

    def __missing__(self, name: str) -> str:
        if name in _BASE_URLS:
            value = reverse(_BASE_URLS[name])
        elif name in _BASE_STATIC:
            value = static(_BASE_STATIC[name])
        else:
            raise KeyError(name)
        self[name] = value
        return value


_base_urls: dict[tuple, _BaseURLs] = {}


def _forget(**kwargs) -> None:
    _base_urls.clear()


setting_changed.connect(_forget, dispatch_uid="portal-base-urls")


def base_urls() -> _BaseURLs:
    key = (get_script_prefix(), get_urlconf())
    urls = _base_urls.get(key)
    if urls is None:
        urls = _base_urls[key] = _BaseURLs()
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
