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


class _Every(forms.Form):
    """Every widget samspil/widget_html.py writes, with awkward values."""

    text = forms.CharField(max_length=20, widget=forms.TextInput(attrs={"class": "a&b", "data-x": True, "off": False}))
    hidden = forms.IntegerField(widget=forms.HiddenInput)
    number = forms.IntegerField(min_value=0)
    email = forms.EmailField(required=False)
    url = forms.URLField(required=False, assume_scheme="https")
    password = forms.CharField(widget=forms.PasswordInput(render_value=True))
    search = forms.CharField(widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}))
    when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    clock = forms.TimeField(required=False)
    agree = forms.BooleanField(required=False)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=50)
    empty_note = forms.CharField(widget=forms.Textarea, required=False)
    kind = forms.ChoiceField(choices=[("", "—"), ("a", "A <b> & 'c'"), ("b", '"B"')])
    grouped = forms.ChoiceField(choices=[("Gruppe <1>", [("x", "X"), ("y", "Y")]), ("z", "Z")], required=False)
    many = forms.MultipleChoiceField(choices=[("1", "En"), ("2", "To")], required=False)


def test_the_widgets_written_in_python_are_the_jinja2_templates_character_for_character():
    from django.forms.renderers import Jinja2

    from samspil import widget_html

    awkward = "\"><script>x</script> & 'q'"
    data = {
        "text": awkward,
        "hidden": "7",
        "number": "-3",
        "email": "a@b.dk",
        "url": "",
        "password": awkward,
        "search": " ",
        "when": "2026-12-07",
        "clock": "10:30",
        "agree": "on",
        "note": "\nfirst line\n<b>second</b>",
        "empty_note": "",
        "kind": "a",
        "grouped": "y",
        "many": ["1", "2"],
    }
    written = [widget_html.WRITERS[field.widget.template_name] for field in _Every.base_fields.values()]
    assert len(written) == len(_Every.base_fields)
    for bound in (data, None):
        fast = _Every(bound, initial={"hidden": 3, "agree": True, "note": "<i>x</i>"}, renderer=FormRenderer())
        slow = _Every(bound, initial={"hidden": 3, "agree": True, "note": "<i>x</i>"}, renderer=Jinja2())
        fast.is_valid(), slow.is_valid()
        for name in _Every.base_fields:
            assert str(fast[name]) == str(slow[name]), name
    assert "<script>" not in str(_Every(data, renderer=FormRenderer())["text"])


def test_a_widget_with_a_context_of_its_own_still_renders_its_template():
    class Clearable(forms.Form):
        file = forms.FileField(required=False)

    html = str(Clearable(renderer=FormRenderer())["file"])
    assert html.startswith('<input type="file" name="file"')


def test_bound_field_writes_what_the_bound_field_renders():
    from samspil import widget_html

    class Odd(forms.Form):
        shown = forms.CharField(disabled=True, initial="x")
        local = forms.DecimalField(localize=True, initial=1.5)
        with_initial = forms.CharField(show_hidden_initial=True, initial="a")
        helped = forms.CharField(help_text="Hjælp <b>", required=False)
        own_id = forms.CharField(widget=forms.TextInput(attrs={"id": "mine", "required": False}))
        described = forms.CharField(widget=forms.Textarea(attrs={"aria-describedby": "x"}), help_text="h")

    data = {"text": '"><script>x</script>', "hidden": "x", "number": "-3", "when": "nope", "kind": "zz", "note": ""}
    for form_class in (_Every, Odd):
        for bound in (data, None):
            for renderer in (FormRenderer(), DjangoTemplates()):
                form = form_class(bound, initial={"hidden": 3, "note": "<i>x</i>"}, renderer=renderer)
                form.is_valid()
                for name in form_class.base_fields:
                    assert widget_html.bound_field(form[name]) == str(form[name]), name
    unbound = _Every(auto_id=False)
    assert widget_html.bound_field(unbound["text"]) == str(unbound["text"])


def test_unit_options_write_what_the_filter_templates_loop_wrote():
    from django.template import engines

    from organisation.selectors import UnitChoice
    from samspil import widget_html

    units = [UnitChoice('Børn & "unge" <udvalg>', "born-unge"), UnitChoice("Kultur", "kultur"), UnitChoice("K'", "k-")]
    loop = engines["jinja2"].from_string(
        '{% for c in units %}<option value="{{ c.slug }}"{% if c.slug == selected %} selected{% endif %}>'
        "{{ c.name }}</option>{% endfor %}"
    )
    for selected in ("", "kultur", "k-", "findes-ikke"):
        assert str(widget_html.unit_options(units, selected)) == loop.render({"units": units, "selected": selected})
    assert widget_html.unit_options([], "") == ""
