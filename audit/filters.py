from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from audit import scope
from audit.models import AccessEvent, Action, Outcome
from core.ids import LARGEST_ID


class IdFilter(filters.NumberFilter):
    """An id: a whole number within 64 bits, or a 400 on its field."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, min_value=1, max_value=LARGEST_ID, **kwargs)


class EventFilter(filters.FilterSet):
    """The auditors' filters (DESIGN.md); each one is served by an index."""

    actor = IdFilter(field_name="actor_id", help_text=_("Id of the user who acted."))
    person = IdFilter(field_name="person_id", help_text=_("Id of the person concerned."))
    team = IdFilter(field_name="team_id", help_text=_("Id of the team."))
    action = filters.ChoiceFilter(
        field_name="action", choices=Action.choices, help_text=_("For instance note.list.")
    )
    organisation = IdFilter(
        method="of_organisation",
        help_text=_("Id of an organisation: its accounts' events and its teams' administration."),
    )
    outcome = filters.ChoiceFilter(field_name="outcome", choices=Outcome.choices)
    since = filters.IsoDateTimeFilter(
        field_name="occurred_at", lookup_expr="gte", help_text=_("From (ISO 8601).")
    )
    until = filters.IsoDateTimeFilter(
        field_name="occurred_at", lookup_expr="lt", help_text=_("Before (ISO 8601).")
    )

    class Meta:
        model = AccessEvent
        fields = ["actor", "person", "team", "organisation", "action", "outcome", "since", "until"]

    def of_organisation(self, events: QuerySet[AccessEvent], name: str, value: int) -> QuerySet[AccessEvent]:
        """Within what the auditor may read already: an organisation's auditor filtering by another
        organisation finds nothing of it."""
        return events.filter(scope.of_organisation(int(value)))
