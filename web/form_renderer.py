"""How forms render their widgets: the commonest of Django's widget templates written in Python
(``web.widget_html``), the others in their Jinja2 form, the rest (the admin's widgets, which have no
Jinja2 form) by the template engine.

The person page's three forms took a third of its template time in the template engine, for the
same HTML that Jinja2 writes in a fraction of it (issue "Faster still"); Jinja2 itself, an include
per option and per attribute list, still cost the page's ten fields more than the rest of its
template did, for strings a few lines of Python write the same.
"""

from __future__ import annotations

from typing import Any

from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.http import HttpRequest
from django.template.exceptions import TemplateDoesNotExist

from web import widget_html


class JinjaWidgets(BaseRenderer):
    """Each template written in Python where ``web.widget_html`` writes it as Django's Jinja2 form
    does, else from Jinja2 where Django ships it so, else from the template engine."""

    def __init__(self) -> None:
        self._jinja = Jinja2()
        self._django = DjangoTemplates()

    def get_template(self, template_name: str) -> Any:
        try:
            return self._jinja.get_template(template_name)
        except TemplateDoesNotExist:
            return self._django.get_template(template_name)

    def render(self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None) -> str:
        written = widget_html.write(template_name, context)
        if written is not None:
            return written
        return super().render(template_name, context, request=request)
