"""The events of one organisation: what its auditor reads (``audit.selectors.auditable``) and what
the auditors' filter by organisation selects (``audit.filters``).

The accounts and teams are read through the models above the log by name (``teams``), so that the
log imports no app.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from audit.models import AccessEvent, Action

# The administration of an organisation's teams: what its auditor reads whoever did it (the
# deployment's administrators included).
TEAM_ADMINISTRATION = (
    Action.TEAM_CREATE,
    Action.TEAM_UPDATE,
    Action.MEMBERSHIP_ADD,
    Action.MEMBERSHIP_UPDATE,
    Action.MEMBERSHIP_REMOVE,
)


def of_organisation(organisation_id: int) -> Q:
    """The events whose actor is one of the organisation's accounts, and the administration of its
    teams: two subqueries of the statement that reads the events, no query of their own."""
    accounts = get_user_model().objects.filter(organisation_id=organisation_id).values("pk")
    teams = apps.get_model("teams", "Team").objects.filter(organisation_id=organisation_id).values("pk")
    return Q(actor_id__in=accounts) | Q(team_id__in=teams, action__in=TEAM_ADMINISTRATION)


def with_organisation(events: QuerySet[AccessEvent]) -> QuerySet[AccessEvent]:
    """Each event with ``organisation_id``: its actor's organisation, or else its team's (an act of
    the deployment's administrators on a team); none for persons' own acts and the system's. Read in
    the statement that reads the events (correlated subqueries), no query of its own."""
    accounts = get_user_model().objects.filter(pk=OuterRef("actor_id")).values("organisation_id")[:1]
    teams = (
        apps.get_model("teams", "Team").objects.filter(pk=OuterRef("team_id")).values("organisation_id")[:1]
    )
    return events.annotate(organisation_id=Coalesce(Subquery(accounts), Subquery(teams)))
