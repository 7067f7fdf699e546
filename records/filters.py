"""The filters of a person's notes (category, author, team, period), on the page and in the API.

They narrow what the policy already allows: a filter never widens a list."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from audit.filters import IdFilter
from records.models import Note
from relais.domain_errors import Invalid


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


def narrowed(notes: QuerySet[Note], params: Mapping[str, Any]) -> QuerySet[Note]:
    """The notes that match the filters given, or a 400 on the first field that cannot be read."""
    given = {k: params[k] for k in NoteFilter.Meta.fields if params.get(k) not in (None, "")}
    if not given:
        return notes
    filterset = NoteFilter(given, queryset=notes)
    if not filterset.is_valid():
        field, messages = next(iter(filterset.errors.items()))
        raise Invalid(field, " ".join(str(m) for m in messages))
    return filterset.qs
