"""Organisations on the side of person data: which organisation's records an auditor's queues show,
and who may act, across organisations, for another organisation's team.

Each team belongs to one organisation, the data controller of what its workers record. Across
organisations nothing is shared by default: a team of another organisation reads nothing until the
person's consent to that team (as for any team, ``access.policy``); and a worker never starts a
follow-up, nor records a consent, for a team of another organisation than their own: a member of
that team does, or the person themselves (their space). The administration's side (which teams,
accounts and memberships a manager reaches) is ``teams.organisations``, below this layer.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

from audit.auditors import Auditor
from audit.selectors import auditable
from consent.models import Disagreement
from core.domain_errors import Invalid
from teams.models import Team, User

M = TypeVar("M", bound=Model)


def audited(auditor: Auditor, rows: QuerySet[M], team_path: str) -> QuerySet[M]:
    """The rows of an auditor's queue (emergency accesses, disagreements, resets of spaces) that
    concern their organisation: ``team_path`` leads from a row to the organisation it answers to.
    The deployment's auditor reads them all; an auditor of no organisation, none."""
    if auditor.whole_deployment:
        return rows
    if auditor.organisation_id is None:
        return rows.none()
    return rows.filter(**{f"{team_path}organisation_id": auditor.organisation_id})


def audited_disagreements(auditor: Auditor, rows: QuerySet[Disagreement]) -> QuerySet[Disagreement]:
    """A person's disagreement concerns their organisation's emergency access, or a line of the
    journal that the auditor may read in the log (``audit.selectors.auditable``)."""
    if auditor.whole_deployment:
        return rows
    if auditor.organisation_id is None:
        return rows.none()
    return rows.filter(
        Q(glass_break__team__organisation_id=auditor.organisation_id)
        | Q(event_id__in=auditable(auditor).values("id"))
    )


def of_another_organisation(user: User, team: Team) -> bool:
    """Whether ``team`` belongs to another organisation than the worker's. Members are accounts of
    their team's organisation (``teams.organisations.may_join``), so such a worker is none of its
    members."""
    return user.organisation_id != team.organisation_id


def refuse_consent_for_another_organisation(user: User, team: Team) -> None:
    """A worker records a consent for a team of their own organisation only: for another's, one of
    its members does, or the person in their space. A 400 on the team, as a mistake of the form."""
    if of_another_organisation(user, team):
        raise Invalid(
            "team",
            _(
                "%(team)s belongs to another organisation: one of its members records its consent with "
                "the person, or the person does in their space."
            )
            % {"team": team.name},
        )


def refuse_follow_up_for_another_organisation(user: User, team: Team) -> None:
    """A worker brings in a team of their own organisation only: another organisation's team starts
    following the person when the person asks it, in their space (``records.follow_ups.ask_to_be_followed``).
    A 400 on the team, as a mistake of the form."""
    if of_another_organisation(user, team):
        raise Invalid(
            "team",
            _(
                "%(team)s belongs to another organisation: it starts following the person when the "
                "person asks it, in their space."
            )
            % {"team": team.name},
        )


def teams_of_own_organisation(user: User, teams: list[Team]) -> list[Team]:
    """The teams a worker may record a consent for, or bring in (the forms' choices)."""
    return [team for team in teams if not of_another_organisation(user, team)]
