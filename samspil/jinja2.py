"""Jinja2 for the heavy parts of pages: the rows of a long table, a list of cards.

The Django template engine spends about 20 µs on every variable, and much more on a
`{% url %}`, a `|date` or a `{% translate %}` inside a loop; a page of 40–50 rows spends
most of its time there (issue 19). Jinja2 compiles a template to Python and renders the
same markup several times faster. Pages stay Django templates (base.html, blocks,
crispy forms); a page moves its heavy part into a ``.jinja`` file beside its templates and
includes it with ``{% load jinja %}{% jinja "app/_rows.jinja" %}`` (portal/templatetags/jinja.py),
which renders it with the page's context.

Rules for a ``.jinja`` template, so that it renders what the Django template did:

- Text to translate is ``{{ _("Text") }}``, or ``{{ _("Hello %(name)s") % {"name": x} }}``:
  this is the form `makemessages` extracts from ``.jinja`` files (the Makefile passes
  ``-e jinja``). Plurals and contexts (ngettext, pgettext) are chosen in Python, not here.
- ``{{ value }}`` prints as Django prints it: aware datetimes in local time, dates and
  numbers localised (`finalize` below). Django's filters are there under their own names
  where Jinja2 has no filter of that name (``date``, ``time``, ``yesno``, ``pluralize``,
  ``linebreaksbr``, ``truncatechars``, ``naturaltime``, ``intcomma`` …); ``date``, ``time``,
  ``filesizeformat`` and ``urlize`` are Django's too. Jinja2's own ``default`` replaces
  only an undefined value: write ``x or "—"`` for Django's ``x|default:"—"``.
- ``url("app:name", pk)`` is ``{% url %}``, ``static("path")`` is ``{% static %}``,
  ``csrf_input`` is ``{% csrf_token %}``. In a loop over many rows, ``row_url("app:name", pk)``
  gives the same URL for a one-argument route (an int or a slug) without a reverse() per
  row (≈14 µs each, as much as the rest of a row).
- Autoescaping is on, as in Django; Django's safe strings (forms, ``mark_safe``) stay safe.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib.humanize.templatetags import humanize
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaultfilters
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.formats import localize
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.timezone import template_localtime
from django.utils.translation import get_language, gettext
from jinja2 import Environment, FileSystemLoader, TemplateNotFound
from markupsafe import escape

# Django's filters that replace Jinja2's filter of the same name, so that the output is
# what the Django template wrote (Danish file sizes, local time, Django's link markup).
_DJANGO_WINS = {"date", "time", "filesizeformat", "urlize"}
# What reverse() leaves unquoted in an argument (django/urls/resolvers.py).
_SAFE = RFC3986_SUBDELIMS + "/~:@"


class JinjaOnlyLoader(FileSystemLoader):
    """Finds only ``.jinja`` files: a Django template is never parsed as Jinja2."""

    def get_source(self, environment, template):
        if not template.endswith(".jinja"):
            raise TemplateNotFound(template)
        return super().get_source(environment, template)


_plain_urls: dict[tuple, str] = {}


def url(name: str, *args: Any, **kwargs: Any) -> str:
    """``{% url %}``; a route without arguments reversed once per script prefix and URL
    configuration (a reverse() is ≈ 10 µs; a page's links ask for the same few)."""
    if args or kwargs:
        return reverse(name, args=args, kwargs=kwargs or None)
    key = (name, get_script_prefix(), get_urlconf())
    path = _plain_urls.get(key)
    if path is None:
        path = _plain_urls[key] = reverse(name)
    return path


_row_urls: dict[tuple, tuple[str, str]] = {}
_MARKER = "0123456789"  # matches the int, slug, str and path converters


def row_url_parts(name: str) -> tuple[str, str]:
    """What comes before and after the argument in the URLs of a route with one int or slug
    argument (under the script prefix and URL configuration of now): a page that writes
    many rows of a few routes asks once."""
    key = (name, get_script_prefix(), get_urlconf())
    parts = _row_urls.get(key)
    if parts is None:
        head, _, tail = reverse(name, args=[_MARKER]).rpartition(_MARKER)
        parts = _row_urls[key] = (head, tail)
    return parts


def _with_value(parts: tuple[str, str], value: Any) -> str:
    if type(value) is int:  # digits: nothing to quote
        return f"{parts[0]}{value}{parts[1]}"
    return f"{parts[0]}{quote(str(value), safe=_SAFE)}{parts[1]}"


def row_url(name: str, value: Any) -> str:
    """``reverse(name, args=[value])`` for a route with one int or slug argument, reversed
    once per route (and script prefix and URL configuration) rather than once per row."""
    return _with_value(row_url_parts(name), value)


def urls_for_render() -> tuple[Callable[..., str], Callable[[str, Any], str]]:
    """``url`` and ``row_url`` for one render: the script prefix and URL configuration are
    read once. They live in context-locals (asgiref's Local, ≈ 2–4 µs a read, two per link),
    which were most of the time of a kept link; within one render they do not change."""
    prefix, urlconf = get_script_prefix(), get_urlconf()

    def render_url(name: str, *args: Any, **kwargs: Any) -> str:
        path = None if args or kwargs else _plain_urls.get((name, prefix, urlconf))
        return path if path is not None else url(name, *args, **kwargs)

    def render_row_url(name: str, value: Any) -> str:
        parts = _row_urls.get((name, prefix, urlconf))
        return row_url(name, value) if parts is None else _with_value(parts, value)

    return render_url, render_row_url


# Each message's translation per language, made once per process: Django's gettext looks
# up the active language and walks the catalogues of every app on each call (≈ 4 µs; a
# page prints 40–70). A message is a template's literal, so the set is bounded by the code;
# the limit is for a template that passes data.
_translations: dict[str | None, dict[str, str]] = {}
_TRANSLATIONS_LIMIT = 5000


def translator() -> Callable[[str], str]:
    """`_` for one render: gettext in the language active now, each message translated once."""
    done = _translations.setdefault(get_language(), {})

    def translate(message: str) -> str:
        text = done.get(message)
        if text is None:
            text = gettext(message)
            if type(message) is str and len(done) < _TRANSLATIONS_LIMIT:  # not a safe string
                done[message] = text
        return text

    return translate


@receiver(setting_changed)
def _forget_row_urls(**kwargs) -> None:
    _row_urls.clear()
    _plain_urls.clear()
    _translations.clear()  # LANGUAGES, LOCALE_PATHS, INSTALLED_APPS change the catalogues


def escape_text(value) -> str:
    """`escape(value)` as a plain string: MarkupSafe's own five replacements (markupsafe's
    _native._escape_inner, in its order) without a Markup instance per value, for rows
    written in Python. A row prints ten values; escape() was half of writing a plan page
    (0.4 of 0.7 ms for 40 rows).
    Anything but a str (a number, a value with its own `__html__`) goes through escape()."""
    if type(value) is not str:
        return str(escape(value))
    return (
        value.replace("&", "&amp;")
        .replace(">", "&gt;")
        .replace("<", "&lt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


def _finalize(value: Any) -> Any:
    # What Django's render_value_in_context does to every {{ value }}; a whole number
    # without thousands separators is its digits (localize() spends ~10 µs to say so).
    kind = type(value)
    if kind is str or (kind is int and not settings.USE_THOUSAND_SEPARATOR):
        return value
    return localize(template_localtime(value))


def _django_filter(func):
    expects_localtime = getattr(func, "expects_localtime", False)
    needs_autoescape = getattr(func, "needs_autoescape", False)
    if not expects_localtime and not needs_autoescape:
        return func

    def wrapper(value, *args):
        if expects_localtime:
            value = template_localtime(value)
        if needs_autoescape:
            return func(value, *args, autoescape=True)
        return func(value, *args)

    wrapper.__name__ = func.__name__
    return wrapper


def environment(**options: Any) -> Environment:
    # Django's backend hands a FileSystemLoader over the TEMPLATES entry's DIRS.
    options["loader"] = JinjaOnlyLoader(options["loader"].searchpath)
    options.setdefault("finalize", _finalize)
    options.pop("autoescape", None)
    env = Environment(autoescape=True, **options)
    for library in (defaultfilters.register, humanize.register):
        for name, func in library.filters.items():
            if name not in env.filters or name in _DJANGO_WINS:
                env.filters[name] = _django_filter(func)
    env.globals.update(url=url, row_url=row_url, static=static, _=gettext, gettext=gettext)
    return env
