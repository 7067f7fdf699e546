"""Emergency access (docs/rules.md): whether a member may open categories of a person that no
consent gives their team, and the refusal on the record when the rules say no.

Only for one of the member's teams that follows the person and allows it, within its mission (R2),
for what that team does not read already, and what the person refused or withdrew only when life
is in danger. Which categories an open access reads, and until when, is a rule of
``access.rules.open_glass_categories``; how an access is opened, reviewed and ended is
``consent.emergency``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from access import wording
from access.grants import readership_of
from access.rules import TeamCategory, follows, team_follows
from access.who_is_asking import Member
from audit import recorder
from audit.models import Action
from audit.recorder import Event
from consent.models import Consent
from core.domain_errors import Invalid
from records.models import Person
from teams.models import Category, Team


@dataclass(frozen=True)
class GlassRefusal:
    """Why the rules do not open an emergency access: ``why`` for the log, a message on ``field``."""

    why: str
    field: str
    message: object  # a translated text, perhaps lazy


def _refused_or_withdrawn(person_id: int, team_id: int, codes: Iterable[str]) -> list[str]:
    """The categories the person decided not to share with this team: those their latest consent
    to it leaves out, or all of them if they withdrew it. None if they were never asked."""
    latest = Consent.objects.filter(person_id=person_id, team_id=team_id).order_by("-id").first()
    if latest is None:
        return []
    if hasattr(latest, "withdrawal"):
        return list(codes)
    shared = set(latest.categories.values_list("code", flat=True))
    return [code for code in codes if code not in shared]


def _labels(codes: Sequence[str]) -> str:
    """The categories as a worker reads them (their labels, in the reader's language), in order."""
    labels = {c.code: c.label for c in Category.objects.filter(code__in=codes)}
    return ", ".join(str(labels.get(code, code)) for code in codes)


def glass_refusal(
    member: Member, person: Person, team: Team, codes: Sequence[str], *, danger_to_life: bool
) -> GlassRefusal | None:
    """Whether a member may open ``codes`` of the person for ``team`` in an emergency, or why not:
    only for one of their teams that follows the person and allows it, within its mission (R2), for
    what that team does not read already, and what the person refused or withdrew only when life is
    in danger. ``allow_glass_break`` puts each refusal on the record, as an attempt."""
    if team.pk not in member.team_ids:
        return GlassRefusal(
            "not_a_team_of_the_member", "team", _("Choose one of your teams that follows this person.")
        )
    if not team_follows(team, person):
        return GlassRefusal(
            "team_does_not_follow", "team", _("Choose one of your teams that follows this person.")
        )
    if not team.glass_break_allowed:
        message = _("The managers of %(team)s have turned emergency access off.") % {"team": team.name}
        return GlassRefusal("switched_off", "team", message)
    needed = set(team.continuity_categories.values_list("code", flat=True))
    beyond = [code for code in codes if code not in needed]
    if beyond:
        message = _("The mission of %(team)s does not need: %(codes)s.") % {
            "team": team.name,
            "codes": _labels(beyond),
        }
        return GlassRefusal("beyond_the_mission", "categories", message)
    readable = readership_of(person.pk).of_team(team.pk)
    already = {code: readable[code] for code in codes if code in readable}
    if already:
        labels = {c.code: c.label for c in Category.objects.filter(code__in=already)}
        message = wording.already_readable(team.name, already, labels)
        return GlassRefusal("already_readable", "categories", message)
    refused = _refused_or_withdrawn(person.pk, team.pk, codes)
    if refused and not danger_to_life:
        message = _("The person refused or withdrew %(codes)s: only a danger to life opens it.") % {
            "codes": _labels(refused)
        }
        return GlassRefusal("refused_by_the_person", "reason", message)
    return None


def allow_glass_break(
    member: Member, person: Person, team: Team, codes: Sequence[str], *, danger_to_life: bool
) -> None:
    """Return if the rules open ``codes`` of the person for ``team`` (``glass_refusal``); otherwise
    record the refused attempt, with its reason, and raise the 400 that says why on the form's
    field (R5: each refusal of the rules is an attempt; the form's own mistakes are not)."""
    refusal = glass_refusal(member, person, team, codes, danger_to_life=danger_to_life)
    if refusal is not None:
        recorder.refuse(
            member.user,
            Event(
                action=Action.GLASS_BREAK,
                person_id=person.pk,
                team_id=team.pk,
                object_type="glass_break",
                categories=list(codes),
                reason=refusal.why,
            ),
            Invalid(refusal.field, refusal.message),
        )


def missions_of_following_teams(team_ids: Iterable[int], person_id: int) -> QuerySet[Any]:
    """(team, category) rows of the missions of these teams that follow the person and allow
    emergency access, with their teams and categories: what an emergency access could open."""
    return TeamCategory.objects.filter(
        Exists(follows(person_id, OuterRef("team_id"))),
        team_id__in=list(team_ids),
        team__glass_break_allowed=True,
    ).select_related("team", "category")
