"""Jinja2 page bodies (samspil/jinja2.py): they print what the Django template printed."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import TemplateDoesNotExist, engines
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation.template import templatize

pytestmark = pytest.mark.django_db(databases=[])


def jinja(source: str, **context) -> str:
    return engines["jinja2"].from_string(source).render(context)


def django(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


def test_text_urls_and_dates_come_out_as_in_the_django_template():
    evening = dt.datetime(2026, 12, 7, 23, 30, tzinfo=ZoneInfo("UTC"))  # 8 December in Copenhagen
    with translation.override("da"):
        assert jinja('{{ _("Log out") }}') == django('{% load i18n %}{% translate "Log out" %}') == "Log ud"
        assert jinja('{{ url("portal:home") }}') == django("{% url 'portal:home' %}")
        assert jinja('{{ static("favicon.svg") }}') == django("{% load static %}{% static 'favicon.svg' %}")
        for fmt in ("SHORT_DATE_FORMAT", "j. F Y H:i", "l"):
            assert jinja(f'{{{{ when|date("{fmt}") }}}}', when=evening) == django(
                f'{{{{ when|date:"{fmt}" }}}}', when=evening
            )
        assert jinja("{{ when|date('SHORT_DATE_FORMAT') }}", when=evening) == "08.12.2026"
        # A bare value: local time and the locale's format, as Django prints it.
        assert jinja("{{ when }}", when=evening) == django("{{ when }}", when=evening)
        assert jinja("{{ n }}", n=1.5) == django("{{ n }}", n=1.5) == "1,5"
        assert jinja("{{ 3|yesno }}") == django("{{ 3|yesno }}") == "ja"
        assert jinja("{{ size|filesizeformat }}", size=2048) == django("{{ size|filesizeformat }}", size=2048)


def test_escaping_is_on_and_safe_strings_stay_safe():
    assert jinja("{{ text }}", text="<b>&") == django("{{ text }}", text="<b>&") == "&lt;b&gt;&amp;"
    assert jinja("{{ html }}", html=mark_safe("<b>ok</b>")) == "<b>ok</b>"  # nosec B308
    assert jinja("{{ text|linebreaksbr }}", text="<a>\nb") == django("{{ text|linebreaksbr }}", text="<a>\nb")


def test_only_jinja_files_are_read_as_jinja():
    with pytest.raises(TemplateDoesNotExist):
        engines["jinja2"].get_template("base.html")


def test_the_tag_renders_a_jinja_file_with_the_page_context(tmp_path, settings):
    (tmp_path / "rows.jinja").write_text(
        '{% for row in rows %}<li>{{ row }} {{ _("Log out") }}</li>{% endfor %}{{ extra }}{{ csrf_input }}'
    )
    (tmp_path / "page.html").write_text('{% load jinja %}<ul>{% jinja "rows.jinja" extra="!" %}</ul>')
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path]},
        {**settings.TEMPLATES[1], "DIRS": [tmp_path]},
    ]
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with translation.override("da"):
        html = render_to_string("page.html", {"rows": ["a<", "b"]})
        with_form = render_to_string("page.html", {"rows": []}, request=request)
    assert html == "<ul><li>a&lt; Log ud</li><li>b Log ud</li>!</ul>"
    assert 'name="csrfmiddlewaretoken"' in with_form


def test_the_tags_translations_follow_the_language_of_each_page(tmp_path, settings):
    """The tag translates each message once per language (samspil.jinja2.translator): a
    Danish page and an English page in turn each print their own language's text."""
    (tmp_path / "text.jinja").write_text('{{ _("Log out") }}|{{ gettext("Log in") }}')
    (tmp_path / "page.html").write_text('{% load jinja %}{% jinja "text.jinja" %}')
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path]},
        {**settings.TEMPLATES[1], "DIRS": [tmp_path]},
    ]
    for _ in range(2):
        with translation.override("da"):
            assert render_to_string("page.html") == "Log ud|Log ind"
        with translation.override("en"):
            assert render_to_string("page.html") == "Log out|Log in"


def test_makemessages_extracts_the_strings_of_a_jinja_file():
    source = '<p>{{ _("Meeting plan") }} {{ _("Hello %(name)s") % {"name": who} }}</p>{% for x in xs %}{% endfor %}'
    extracted = templatize(source, origin="meetings/templates/meetings/_rows.jinja")
    # xgettext reads templatize's output as Python, with _ among its keywords.
    assert '_("Meeting plan")' in extracted
    assert '_("Hello %(name)s")' in extracted


def test_row_url_is_the_reversed_url_of_each_row():
    from django.urls import reverse

    from samspil.jinja2 import row_url

    for name, value in (("organisation:workplace", "skolen-i-byen"), ("organisation:workplace", "a_b-9")):
        assert row_url(name, value) == reverse(name, args=[value])
    assert jinja('{{ row_url("organisation:workplace", "x-1") }}') == reverse("organisation:workplace", args=["x-1"])
    meeting_routes = [("meetings:meeting", 7), ("meetings:meeting_print", 123456)]
    for name, value in meeting_routes:
        assert row_url(name, value) == reverse(name, args=[value])


def test_whole_numbers_print_as_django_prints_them(settings):
    for value in (0, 7, -12, 1234567):
        assert jinja("{{ n }}", n=value) == django("{{ n }}", n=value)
    settings.USE_THOUSAND_SEPARATOR = True
    with translation.override("da"):
        assert jinja("{{ n }}", n=1234567) == django("{{ n }}", n=1234567) == "1.234.567"


def test_url_without_arguments_is_reversed_once_per_script_prefix():
    from django.urls import reverse, set_script_prefix

    from samspil.jinja2 import url

    assert url("stories:feed") == reverse("stories:feed")
    assert url("organisation:workplace", "x-1") == reverse("organisation:workplace", args=["x-1"])
    set_script_prefix("/samspil/")
    try:
        # Under a script prefix (a path below the site's root) the kept path is not reused.
        assert url("stories:feed") == reverse("stories:feed")
        assert url("stories:feed").startswith("/samspil/")
    finally:
        set_script_prefix("/")
    assert url("stories:feed") == reverse("stories:feed")


def test_the_jinja_tag_binds_url_and_row_url_to_the_renders_script_prefix(tmp_path, settings):
    from django.template import Context, Template
    from django.urls import reverse, set_script_prefix

    settings.TEMPLATES = [settings.TEMPLATES[0], {**settings.TEMPLATES[1], "DIRS": [tmp_path]}]
    (tmp_path / "_links.jinja").write_text(
        '{{ url("stories:feed") }} {{ row_url("meetings:meeting", 12) }} {{ row_url("organisation:workplace", "a-b_1") }}'
        ' {{ url("meetings:meeting", 7) }}'
    )
    page = Template('{% load jinja %}{% jinja "_links.jinja" %}')

    def expected():
        return " ".join(
            [
                reverse("stories:feed"),
                reverse("meetings:meeting", args=[12]),
                reverse("organisation:workplace", args=["a-b_1"]),
                reverse("meetings:meeting", args=[7]),
            ]
        )

    for _ in range(2):  # the second time from the kept parts
        assert page.render(Context({})) == expected()
    set_script_prefix("/samspil/")
    try:
        assert page.render(Context({})) == expected()
        assert page.render(Context({})).startswith("/samspil/")
    finally:
        set_script_prefix("/")

    # A page's own `url` in its context stays its own.
    class Own:
        do_not_call_in_templates = True  # Django passes it on instead of calling it

        def __call__(self, *args):
            return "own"

    own_page = Template('{% load jinja %}{% jinja "_links.jinja" url=own %}')
    assert own_page.render(Context({"own": Own()})).startswith("own ")
