"""The filters of a person's notes (category, author, team, period), on the page and in the API.

They narrow what the policy already allows: a filter never widens a list."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from audit.filters import IdFilter
from core.domain_errors import Invalid
from records.models import Note


class NoteFilter(filters.FilterSet):
    category = filters.CharFilter(field_name="category__code", help_text=_("A category code."))
    author = IdFilter(field_name="author_id", help_text=_("Id of the note's author."))
    team = IdFilter(field_name="team_id", help_text=_("Id of the team the note was written for."))
    since = filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", help_text=_("From this day.")
    )
    until = filters.DateFilter(field_name="created_at", lookup_expr="date__lte", help_text=_("To this day."))

    class Meta:
        model = Note
        fields = ["category", "author", "team", "since", "until"]


def given(params: Mapping[str, Any]) -> dict[str, Any]:
    """The filters a request gives, empty ones left out: what the page keeps in its links."""
    return {k: params[k] for k in NoteFilter.Meta.fields if params.get(k) not in (None, "")}


class DayInput(forms.DateInput):
    """The browser's own day picker; the value stays as the request gave it (YYYY-MM-DD)."""

    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


# The page's form: NoteFilter's own fields, each id a list of names the reader sees.
PAGE_LABELS = {
    "category": _("Filter by kind"),
    "author": _("Written by"),
    "team": _("For the team"),
    "since": _("From"),
    "until": _("To"),
}


@cache
def _form_class() -> type[forms.Form]:
    """``NoteFilter``'s form class, made once: a filter set makes a class of its own every time it
    is asked for its form (and copies its filters first), for the same fields every time. Each
    form copies the class's fields, so what the page changes on its form stays on that form."""
    return NoteFilter(queryset=Note.objects.none()).get_form_class()


def page_form(
    params: Mapping[str, Any],
    *,
    categories: Iterable[tuple[str, str]],
    authors: Iterable[tuple[int, str]],
    teams: Iterable[tuple[int, str]],
) -> forms.Form:
    """``NoteFilter``'s form as the person page shows it: a list of categories, authors and teams by
    name (the API takes their codes and ids), two days; filled with the filters given."""
    form: forms.Form = _form_class()(given(params) or None)
    form.auto_id = "n-%s"
    form.label_suffix = ""
    everything = [("", _("all"))]
    lists: dict[str, Iterable[tuple[object, str]]] = {
        "category": categories,
        "author": authors,
        "team": teams,
    }
    for name, field in form.fields.items():
        field.label = PAGE_LABELS[name]
        field.help_text = ""
        if name in lists:
            field.widget = forms.Select(choices=everything + [(str(v), label) for v, label in lists[name]])
        else:
            field.widget = DayInput()
    return form


def narrowed(notes: QuerySet[Note], params: Mapping[str, Any]) -> QuerySet[Note]:
    """The notes that match the filters given, or a 400 on the first field that cannot be read."""
    filters = given(params)
    if not filters:
        return notes
    filterset = NoteFilter(filters, queryset=notes)
    if not filterset.is_valid():
        field, messages = next(iter(filterset.errors.items()))
        raise Invalid(field, " ".join(str(m) for m in messages))
    return filterset.qs
