"""Django's commonest widget templates, written in Python as their Jinja2 form writes them (the
form renderer, ``web.form_renderer``, asks here first): the same characters, each value escaped by
the function Jinja2's autoescaping calls (``markupsafe.escape``), the output stripped as Django's
renderer strips it. ``tests/unit/test_widget_html.py`` holds each one to its Jinja2 template.

A template not written here, or an option whose template is not Django's own, is left to the
templates (``write`` answers ``None``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from markupsafe import escape

_WIDGETS = "django/forms/widgets/"
_INPUTS = (
    "text",
    "number",
    "email",
    "url",
    "tel",
    "search",
    "color",
    "password",
    "hidden",
    "file",
    "date",
    "datetime",
    "time",
    "checkbox",
)
_SELECT_OPTION = f"{_WIDGETS}select_option.html"
_RADIO_OPTION = f"{_WIDGETS}radio_option.html"
_CHECKBOX_OPTION = f"{_WIDGETS}checkbox_option.html"


def _attrs(attrs: Mapping[str, Any]) -> str:
    """``attrs.html``: each attribute but those set to ``False``; one set to ``True`` by its name."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: Mapping[str, Any]) -> str:
    """``input.html``."""
    value = widget["value"]
    shown = "" if value is None else f' value="{escape(value)}"'
    named = f'type="{escape(widget["type"])}" name="{escape(widget["name"])}"'
    return f"<input {named}{shown}{_attrs(widget['attrs'])}>"


def _input_option(option: Mapping[str, Any]) -> str:
    """``input_option.html`` (a radio's or a checkbox's option): the input, in its label if wrapped."""
    if not option.get("wrap_label"):
        return _input(option)
    given = option["attrs"].get("id")
    target = f' for="{escape(given)}"' if given else ""
    return f"<label{target}>{_input(option)} {escape(option['label'])}</label>"


def _select(widget: Mapping[str, Any]) -> str | None:
    """``select.html``, each option by ``select_option.html``."""
    parts = [f'<select name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{escape(group_name)}">')
        for option in options:
            if option["template_name"] != _SELECT_OPTION:
                return None
            parts.append(
                f'\n  <option value="{escape(option["value"])}"{_attrs(option["attrs"])}>'
                f"{escape(option['label'])}</option>"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _multiple(widget: Mapping[str, Any]) -> str | None:
    """``multiple_input.html`` (radios, checkboxes), each option by ``input_option.html``."""
    given, kind = widget["attrs"].get("id"), widget["attrs"].get("class")
    named = f' id="{escape(given)}"' if given else ""
    classed = f' class="{escape(kind)}"' if kind else ""
    parts = [f"<div{named}{classed}>"]
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f"\n  <div><label>{escape(group_name)}</label>")
        for option in options:
            if option["template_name"] not in (_RADIO_OPTION, _CHECKBOX_OPTION):
                return None
            parts.append(f"<div>\n    {_input_option(option)}</div>")
        if group_name:
            parts.append("\n  </div>")
    parts.append("\n</div>")
    return "".join(parts)


def _textarea(widget: Mapping[str, Any]) -> str:
    """``textarea.html``."""
    value = escape(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


def _label(context: Mapping[str, Any]) -> str:
    """``django/forms/label.html``: the label, in its tag with its attributes if it has one."""
    if not context.get("use_tag"):
        return str(escape(context["label"]))
    attrs = context.get("attrs")
    shown = _attrs(attrs) if attrs else ""
    tag = escape(context["tag"])
    return f"<{tag}{shown}>{escape(context['label'])}</{tag}>"


_WRITERS: dict[str, Callable[[Mapping[str, Any]], str | None]] = {
    **{f"{_WIDGETS}{kind}.html": lambda context: _input(context["widget"]) for kind in _INPUTS},
    f"{_WIDGETS}select.html": lambda context: _select(context["widget"]),
    f"{_WIDGETS}radio.html": lambda context: _multiple(context["widget"]),
    f"{_WIDGETS}checkbox_select.html": lambda context: _multiple(context["widget"]),
    _SELECT_OPTION: lambda context: (
        f'<option value="{escape(context["widget"]["value"])}"{_attrs(context["widget"]["attrs"])}>'
        f"{escape(context['widget']['label'])}</option>"
    ),
    _RADIO_OPTION: lambda context: _input_option(context["widget"]),
    _CHECKBOX_OPTION: lambda context: _input_option(context["widget"]),
    f"{_WIDGETS}textarea.html": lambda context: _textarea(context["widget"]),
    "django/forms/label.html": _label,
}


def write(template_name: str, context: Mapping[str, Any]) -> str | None:
    """The template's HTML for this context, stripped as the renderer strips it; ``None`` if it is
    not written here."""
    writer = _WRITERS.get(template_name)
    if writer is None:
        return None
    written = writer(context)
    return None if written is None else written.strip()
