"""Django's widget templates written in Python (``web.widget_html``): the HTML their Jinja2 form
writes, character for character, for every widget the writers cover, with values that need escaping,
attributes set to ``True``, ``False`` and ``None``, choices in groups, selected and not; and every
form of the service, bound and not, with its errors, writes the same with either renderer."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.forms.renderers import Jinja2
from django.utils.safestring import mark_safe

from web import widget_html
from web.form_renderer import JinjaWidgets

# Widgets and forms only: no database at all.
pytestmark = pytest.mark.any_database

NASTY = 'L\'équipe <b>"Nord"</b> & co'
CHOICES = [("", "tous"), ("1", NASTY), (2, "Deux"), ("x&y", mark_safe("<i>sûr</i>"))]
GROUPED = [("Groupe <1>", [("a", "A"), ("b", NASTY)]), ("c", "C"), ("", [("d", "D")])]


def _widgets() -> list[tuple[forms.Widget, object]]:
    attrs = {"id": "f-x", "class": "big", "required": True, "disabled": False, "data-n": 6, "aria-x": None}
    return [
        (forms.TextInput(), None),
        (forms.TextInput(attrs=attrs), NASTY),
        (forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}), "06 12"),
        (forms.NumberInput(), 3),
        (forms.EmailInput(attrs={"id": "e"}), ""),
        (forms.URLInput(), "https://exemple.org/?a=1&b=2"),
        (forms.PasswordInput(), "secret"),
        (forms.PasswordInput(render_value=True), "secret"),
        (forms.HiddenInput(), "caché"),
        (forms.DateInput(), datetime.date(2026, 12, 8)),
        (forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}), "2026-12-08"),
        (forms.DateTimeInput(), datetime.datetime(2026, 12, 8, 3, 0)),
        (forms.TimeInput(), datetime.time(3, 0)),
        (forms.CheckboxInput(), True),
        (forms.CheckboxInput(attrs={"id": "c"}), False),
        (forms.Textarea(), ""),
        (forms.Textarea(attrs={"rows": 6, "data-max-chars": 4000}), NASTY + "\nligne 2"),
        (forms.Select(choices=CHOICES), None),
        (forms.Select(choices=CHOICES, attrs=attrs), "1"),
        (forms.Select(choices=CHOICES), 2),
        (forms.Select(choices=GROUPED), "b"),
        (forms.SelectMultiple(choices=CHOICES), ["1", "x&y"]),
        (forms.RadioSelect(choices=CHOICES), "1"),
        (forms.RadioSelect(choices=CHOICES, attrs={"id": "r", "class": "choices"}), "x&y"),
        (forms.RadioSelect(choices=GROUPED, attrs={"id": "g"}), "a"),
        (forms.CheckboxSelectMultiple(choices=CHOICES, attrs={"id": "m"}), ["1", "2"]),
    ]


@pytest.mark.parametrize("index", range(len(_widgets())))
def test_each_widget_is_written_as_its_jinja2_template_writes_it(index):
    widget, value = _widgets()[index]
    jinja, python = Jinja2(), JinjaWidgets()
    for name in ("champ", 'a"b'):
        assert widget.render(name, value, renderer=python) == widget.render(name, value, renderer=jinja)


def test_the_options_of_radios_and_checkboxes_alone_are_their_templates():
    jinja, python = Jinja2(), JinjaWidgets()

    class Form(forms.Form):
        presence = forms.ChoiceField(choices=CHOICES[1:], widget=forms.RadioSelect)
        kinds = forms.MultipleChoiceField(choices=CHOICES[1:], widget=forms.CheckboxSelectMultiple)

    for renderer_pair in ((jinja, python),):
        written = []
        for renderer in renderer_pair:
            form = Form({"presence": "1", "kinds": ["2"]}, renderer=renderer)
            written.append(
                [
                    (radio.tag(), radio.tag(wrap_label=True), str(radio), radio.choice_label)
                    for name in ("presence", "kinds")
                    for radio in form[name]
                ]
            )
        assert written[0] == written[1]


def test_a_label_is_written_as_its_template_writes_it():
    jinja, python = Jinja2(), JinjaWidgets()

    class Form(forms.Form):
        name = forms.CharField(label=NASTY)
        day = forms.DateField(label="Jour", required=False)

    for auto_id in ("id_%s", False):
        labels = []
        for renderer in (jinja, python):
            form = Form(auto_id=auto_id, label_suffix=" :", renderer=renderer)
            labels.append(
                [
                    form["name"].label_tag(),
                    form["name"].label_tag(attrs={"class": "x", "hidden": True}),
                    form["day"].label_tag(contents=mark_safe("<b>Jour</b>")),
                    form["day"].legend_tag(),
                ]
            )
        assert labels[0] == labels[1]


def test_a_template_not_written_here_is_left_to_the_templates():
    assert widget_html.write("django/forms/widgets/clearable_file_input.html", {}) is None
    assert widget_html.write("includes/field.html", {}) is None
    option = {"template_name": "my/option.html", "value": "1", "attrs": {}, "label": "Un"}
    context = {"widget": {"name": "x", "attrs": {}, "optgroups": [(None, [option], 0)]}}
    assert widget_html.write("django/forms/widgets/select.html", context) is None


def _service_forms() -> list[type[forms.Form]]:
    import importlib
    import inspect
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    found: list[type[forms.Form]] = []
    for package in ("records", "consent", "teams", "web", "audit", "relais"):
        for path in sorted((root / package).rglob("forms*.py")):
            module = importlib.import_module(".".join(path.relative_to(root).with_suffix("").parts))
            for _name, value in inspect.getmembers(module, inspect.isclass):
                if issubclass(value, forms.Form) and value.__module__ == module.__name__:
                    found.append(value)
    return found


def test_every_form_of_the_service_writes_the_same_with_either_renderer(db):
    """Every field of every form (``forms*.py``), unbound and bound to values that fail."""
    checked = 0
    for form_class in _service_forms():
        try:
            form_class()
        except TypeError:  # a form that needs what its view gives it: its fields alone
            continue
        written = []
        for renderer in (Jinja2(), JinjaWidgets()):
            shown = []
            for data in (None, {name: "<x>" for name in form_class.base_fields}):
                form = form_class(data, renderer=renderer)
                if data is not None:
                    form.is_valid()
                shown += [(str(form[name]), form[name].label_tag()) for name in form.fields]
            written.append(shown)
        assert written[0] == written[1], form_class
        checked += 1
    assert checked >= 10
