"""How forms render their widgets: Django's own widget templates in their Jinja2 form, the rest
(the admin's widgets, which have no Jinja2 form) by the template engine.

The person page's three forms took a third of its template time in the template engine, for the
same HTML that Jinja2 writes in a fraction of it (issue "Faster still")."""

from __future__ import annotations

from typing import Any

from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.template.exceptions import TemplateDoesNotExist


class JinjaWidgets(BaseRenderer):
    """Each template from Jinja2 where Django ships it so, else from the template engine."""

    def __init__(self) -> None:
        self._jinja = Jinja2()
        self._django = DjangoTemplates()

    def get_template(self, template_name: str) -> Any:
        try:
            return self._jinja.get_template(template_name)
        except TemplateDoesNotExist:
            return self._django.get_template(template_name)
