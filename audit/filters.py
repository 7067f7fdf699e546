from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from audit.models import AccessEvent, Outcome


class EventFilter(filters.FilterSet):
    """The auditors' filters (DESIGN.md); each one is served by an index."""

    actor = filters.NumberFilter(field_name="actor_id", help_text=_("Id of the user who acted."))
    person = filters.NumberFilter(field_name="person_id", help_text=_("Id of the person concerned."))
    team = filters.NumberFilter(field_name="team_id", help_text=_("Id of the team."))
    action = filters.CharFilter(field_name="action", help_text=_("For instance note.list."))
    outcome = filters.ChoiceFilter(field_name="outcome", choices=Outcome.choices)
    since = filters.IsoDateTimeFilter(
        field_name="occurred_at", lookup_expr="gte", help_text=_("From (ISO 8601).")
    )
    until = filters.IsoDateTimeFilter(
        field_name="occurred_at", lookup_expr="lt", help_text=_("Before (ISO 8601).")
    )

    class Meta:
        model = AccessEvent
        fields = ["actor", "person", "team", "action", "outcome", "since", "until"]
