"""The events of one organisation: what its auditor reads (``audit.selectors.auditable``) and what
the auditors' filter by organisation selects (``audit.filters``).

The accounts and teams are read through the models above the log by name (``teams``), so that the
log imports no app.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import BigIntegerField, Case, F, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact, In

from audit.expressions import BodyFirstObject, BodyText
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


# The administration of one account or of the organisation itself, named by ``object_ids``: what its
# auditor reads whoever did it (a deployment's administrator who deactivates one of its accounts, or
# makes a setup code for it, is seen by the organisation's auditor).
ACCOUNT_ADMINISTRATION = (
    Action.ACCOUNT_CREATE,
    Action.ACCOUNT_UPDATE,
    Action.ACCOUNT_CODE,
    Action.MFA_RESET,
)
ORGANISATION_ADMINISTRATION = (Action.ORGANISATION_CREATE, Action.ORGANISATION_UPDATE)


def of_organisation(organisation_id: int) -> Q:
    """The events whose actor is one of the organisation's accounts, and the administration of its
    teams, of its accounts and of itself: subqueries of the statement that reads the events, no query
    of their own."""
    accounts = get_user_model().objects.filter(organisation_id=organisation_id).values("pk")
    teams = apps.get_model("teams", "Team").objects.filter(organisation_id=organisation_id).values("pk")
    about = BodyText("object_type")
    return (
        Q(actor_id__in=accounts)
        | Q(team_id__in=teams, action__in=TEAM_ADMINISTRATION)
        | Q(Exact(about, "account"), In(BodyFirstObject(), accounts), action__in=ACCOUNT_ADMINISTRATION)
        | Q(
            Exact(about, "organisation"),
            Exact(BodyFirstObject(), organisation_id),
            action__in=ORGANISATION_ADMINISTRATION,
        )
    )


def with_organisation(events: QuerySet[AccessEvent]) -> QuerySet[AccessEvent]:
    """Each event with ``organisation_id``: its actor's organisation, or else its team's (an act of
    the deployment's administrators on a team), or else the account's or organisation's it
    administers; none for persons' own acts and the system's. Read in the statement that reads the
    events (correlated subqueries), no query of their own."""
    users = get_user_model().objects
    actors = users.filter(pk=OuterRef("actor_id")).values("organisation_id")[:1]
    teams = (
        apps.get_model("teams", "Team").objects.filter(pk=OuterRef("team_id")).values("organisation_id")[:1]
    )
    about = BodyText("object_type")
    of_an_account = Q(Exact(about, "account"), action__in=ACCOUNT_ADMINISTRATION)
    of_an_organisation = Q(Exact(about, "organisation"), action__in=ORGANISATION_ADMINISTRATION)
    administered = users.filter(pk=OuterRef("administered")).values("organisation_id")[:1]
    return events.alias(
        administered=Case(When(of_an_account, then=BodyFirstObject())),
        administered_organisation=Case(When(of_an_organisation, then=BodyFirstObject())),
    ).annotate(
        organisation_id=Coalesce(
            Subquery(actors),
            Subquery(teams),
            Subquery(administered),
            F("administered_organisation"),
            output_field=BigIntegerField(),
        ),
    )
