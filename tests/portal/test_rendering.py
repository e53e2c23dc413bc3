"""Widgets render through Jinja2 with the same markup; widgets without a Jinja2 copy still render."""

from __future__ import annotations

from django import forms
from django.forms.renderers import DjangoTemplates
from django.template.backends.django import Template as DjangoTemplate
from django.template.backends.jinja2 import Template as Jinja2Template

from samspil.rendering import FormRenderer


class _Form(forms.Form):
    name = forms.CharField(label="Navn", max_length=20)
    kind = forms.ChoiceField(choices=[("a", "A <b>"), ("b", "B")])
    when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    agree = forms.BooleanField(required=False)


def test_django_widgets_render_through_jinja2_and_admin_widgets_through_django(settings):
    renderer = FormRenderer()
    assert isinstance(renderer.get_template("django/forms/widgets/text.html"), Jinja2Template)
    assert isinstance(renderer.get_template("admin/widgets/foreign_key_raw_id.html"), DjangoTemplate)
    assert settings.FORM_RENDERER == "samspil.rendering.FormRenderer"


def test_the_markup_is_the_django_engines_up_to_blank_lines_and_entity_spelling():
    data = {"name": '"><script>x</script>', "kind": "a", "when": "2026-11-29", "agree": "on"}
    fast = _Form(data, renderer=FormRenderer())
    plain = _Form(data, renderer=DjangoTemplates())

    def squeeze(html: str) -> str:
        # MarkupSafe writes &#34; and &#39; where Django writes &quot; and &#x27;: the same characters.
        html = html.replace("&#34;", "&quot;").replace("&#39;", "&#x27;")
        return "\n".join(line for line in html.splitlines() if line.strip())

    for name in ("name", "kind", "when", "agree"):
        assert squeeze(str(fast[name])) == squeeze(str(plain[name]))
    assert "<script>" not in str(fast["name"])
