"""The person's own space: what the portal reaches, by the person's own account or by someone
acting for them (a representative, within the scope of their role), and, after a reset of the
space with a worker's code, the little it reads until the person confirms it is theirs (R10).

A portal account reaches one person only; a representative never reads notes, the person's copy of
their data, their inbox or their e-mail. Refusals are recorded here, with the 403 they answer.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from audit import context, recorder
from audit.models import AccessEvent
from consent.models import Notice, Representative, SpaceReset
from core.domain_errors import NotAPortalAccount, OutOfScope, RestrictedAfterReset
from records.models import Person
from teams.models import Membership, User

# Representatives ----------------------------------------------------------------------------------


class ScopeNeeded:
    """What a portal path asks of a representative's scope; a path that asks none is the person's alone."""

    CONSENTS = "consents"
    JOURNAL = "journal"


_SCOPES = {
    ScopeNeeded.CONSENTS: {Representative.Scope.CONSENTS, Representative.Scope.BOTH},
    ScopeNeeded.JOURNAL: {Representative.Scope.JOURNAL, Representative.Scope.BOTH},
}


def in_scope(agent: Representative, needed: str | None) -> bool:
    """Whether a representative's scope includes what a path needs. Nothing else is ever theirs:
    notes, the person's copy of their data, their inbox and their e-mail stay the person's."""
    return needed is not None and agent.scope in _SCOPES[needed]


def representation(user: User) -> Representative | None:
    """The person an account acts for while its role lasts (one account serves one person)."""
    if not user.is_authenticated:
        return None
    return Representative.objects.filter(account=user, ended_at__isnull=True).select_related("person").first()


# The representations ``access_own`` found in the current unit of work, by account: what the page it
# answers shows in its banner and menu (``acting_for``) without asking again. Access decisions never
# read them: each asks ``representation``.
_found: ContextVar[tuple[context.RequestContext, dict[int, Representative]] | None] = ContextVar(
    "own_space_representations", default=None
)


def _keep(user: User, agent: Representative) -> None:
    work = context.current()
    if work is None:
        return
    held = _found.get()
    if held is None or held[0] is not work:
        held = (work, {})
        _found.set(held)
    held[1][user.pk] = agent


def acting_for(user: User) -> Representative | None:
    """The representation the account serves, for the page's banner and menu: the one this unit of
    work's ``access_own`` already found for it, or else ``representation``'s answer."""
    held = _found.get()
    work = context.current()
    if work is not None and held is not None and held[0] is work and user.pk in held[1]:
        return held[1][user.pk]
    return representation(user)


def has_portal_space(user: User) -> bool:
    """Whether the account is a person's own, or a representative's (even one whose role ended)."""
    return User.objects.filter(Q(person__isnull=False) | Q(representation__isnull=False), pk=user.pk).exists()


# Spaces reset with a worker's code (R10) ----------------------------------------------------------


def watched_reset(user: User, *, at: datetime | None = None) -> SpaceReset | None:
    """The latest reset of this portal account with a worker's code, while it is watched (its first
    hours); from now on in this unit of work, the account's events name it and the code's maker."""
    at = at or timezone.now()
    reset = SpaceReset.objects.filter(account=user, watched_until__gt=at).order_by("-id").first()
    if reset is not None:
        recorder.after_reset(user.pk, reset_id=reset.pk, code_made_by=reset.code_made_by_id)
    return reset


def is_restricted(reset: SpaceReset | None, *, at: datetime | None = None) -> bool:
    """A space reopened with a code its worker handed over, not yet confirmed by the person, within
    the cooling period: it reads no more than the code's maker's teams read."""
    at = at or timezone.now()
    return bool(reset and reset.restricted and reset.confirmed_at is None and reset.watched_until > at)


@dataclass(frozen=True)
class OwnSpace:
    """The person's own space, reached by their own account, or by their ``representative`` (who
    acts for them within its scope); ``reset`` is the space's reset with a worker's code while it
    is watched (``is_restricted``)."""

    person: Person
    representative: Representative | None = None
    reset: SpaceReset | None = None

    @property
    def restricted(self) -> bool:
        return is_restricted(self.reset)


def access_own(
    user: User, *, action: str, scope_needed: str | None = None, closed_while_restricted: bool = False
) -> OwnSpace:
    """The person the portal account serves, or a recorded 403. The person's own account reaches
    everything of theirs; a representative's, the ``scope_needed`` if its role includes it, and
    nothing else. A path ``closed_while_restricted`` is refused while the space is restricted after
    a reset (R10): the copy of one's data (every team's notes), and what would let the space reach
    more later (the address codes are e-mailed to)."""
    person = _own_person(user)
    reset = watched_reset(user) if user.is_authenticated else None
    if person is not None:
        access = OwnSpace(person, reset=reset)
    else:
        agent = representation(user)
        if agent is None:
            with recorder.denials(user, action, object_type="person"):
                raise NotAPortalAccount()
        if not in_scope(agent, scope_needed):
            # Named with the person, so that their journal shows the attempt.
            with recorder.denials(user, action, object_type="person", person_id=agent.person_id):
                raise OutOfScope()
        access = OwnSpace(agent.person, agent, reset)
        _keep(user, agent)
    if closed_while_restricted and access.restricted:
        with recorder.denials(user, action, object_type="person", person_id=access.person.pk):
            raise RestrictedAfterReset()
    return access


def _own_person(user: User) -> Person | None:
    """The person whose account this is. The signed-in user read by ``teams.backends.UserBackend``
    already says when there is none (``menu_person``): then nothing is asked. Only an absence is
    taken from it, so that a stale answer could refuse, never open."""
    if not user.is_authenticated or getattr(user, "menu_person", 0) is None:
        return None
    return Person.objects.filter(account=user).first()


def access_own_person(
    user: User, *, action: str, scope_needed: str | None = None, closed_while_restricted: bool = False
) -> Person:
    """``access_own``'s person: the portal shows one's own record, or the record of the person one
    represents within one's scope."""
    return access_own(
        user, action=action, scope_needed=scope_needed, closed_while_restricted=closed_while_restricted
    ).person


def refuse_while_restricted(user: User, *, action: str, person_id: int) -> None:
    """A space restricted after a reset gives nothing the person had not given (R10): a consent
    recorded through it would widen what the code's maker's teams read. A recorded 403."""
    if is_restricted(watched_reset(user)):
        with recorder.denials(user, action, object_type="person", person_id=person_id):
            raise RestrictedAfterReset()


def person_events(person_id: int) -> QuerySet[AccessEvent]:
    """Every event about the person, newest first: what their space reads unless it is restricted."""
    return AccessEvent.objects.filter(person_id=person_id).order_by("-id")


def reads_whole_journal(access: OwnSpace) -> bool:
    """Whether the space reads every event about the person (``person_events``): unless it is
    restricted after a reset (R10)."""
    return access.reset is None or not access.restricted


def own_journal(user: User, access: OwnSpace, *, whole: bool | None = None) -> QuerySet[AccessEvent]:
    """The events about the person that their space may read, newest first: all of them; or, while
    the space is restricted after a reset, the acts of the members of the code's maker's teams and
    what the space did since the reset, never other teams' reads (R10). ``whole``: the caller's
    reading of ``reads_whole_journal``, so that what a page lists and what it counts are decided at
    the same instant (a restriction may end between two readings of the clock)."""
    events = person_events(access.person.pk)
    if access.reset is None or (reads_whole_journal(access) if whole is None else whole):
        return events
    return events.filter(
        Q(actor_id__in=_makers_colleagues(access.reset))
        | Q(actor_id=user.pk, occurred_at__gte=access.reset.reset_at)
    )


def own_notices(access: OwnSpace) -> QuerySet[Notice]:
    """The person's notices their space may read: all of them; or, while it is restricted after a
    reset, only those of acts by the members of the code's maker's teams, or by no one (R10)."""
    notices = Notice.objects.filter(person=access.person)
    if access.reset is None or not access.restricted:
        return notices
    return notices.filter(Q(actor__isnull=True) | Q(actor_id__in=_makers_colleagues(access.reset)))


def _makers_colleagues(reset: SpaceReset) -> QuerySet[Membership, Any]:
    """The accounts of the members of the code's maker's teams (the maker included)."""
    teams = Membership.objects.filter(user_id=reset.code_made_by_id).values("team_id")
    return Membership.objects.filter(team_id__in=teams).values("user_id")
