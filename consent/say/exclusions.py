""" "Not this person" (issue 24, item 1): the person names a member of a following team who must not
read their record: someone they know from elsewhere, as happens with peer work in small places.

The person does it in their space, or a worker of a following team does it with them (as a consent
is recorded with them). It names one account, whatever its role or profession (R3: peers and
colleagues alike); the member's team keeps reading, and the member gets the 404 of a person they
do not follow, told nothing more (``access.exclusions``). Each act is an event in the person's
journal; the person may let the member back, which is refused while their space is restricted
after a reset (it would widen what is read, R10).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access.own_space import access_own_person, refuse_while_restricted
from access.reach import access_person, reached_by_id
from access.rules import followed_persons
from access.who_is_asking import access_member
from audit import recorder
from audit.models import Action
from audit.recorder import Event
from consent.models import Exclusion
from core.domain_errors import Invalid
from core.ids import is_storable_id
from records.models import FollowUp, Person
from teams.models import Membership, User
from web.presence import asked_by_the_person


@dataclass(frozen=True)
class Candidate:
    """A member of a team that follows the person, as the person chooses among them."""

    user_id: int
    name: str
    teams: tuple[str, ...]


@dataclass(frozen=True)
class KeptOut:
    """The person, the members they keep out (and let back), and whom they could name."""

    person: Person
    exclusions: list[Exclusion]
    candidates: list[Candidate]


def _following_members(person: Person) -> list[Candidate]:
    """The members of the teams that follow the person now, by name; each once, with their teams."""
    teams = FollowUp.objects.filter(person=person, closed_at__isnull=True).values("team_id")
    rows = Membership.objects.filter(team_id__in=teams).select_related("user", "team").order_by("user_id")
    found: dict[int, tuple[str, list[str]]] = {}
    for membership in rows:
        found.setdefault(membership.user_id, (membership.user.label, []))[1].append(membership.team.name)
    return sorted(
        (Candidate(user_id, name, tuple(sorted(teams))) for user_id, (name, teams) in found.items()),
        key=lambda c: (c.name.casefold(), c.user_id),
    )


def _person(user: User, person_id: int | None, action: str) -> Person:
    """The person, reached by a worker of a following team (``person_id``) or in their own space
    (the person's account only: what a representative may do does not include this)."""
    if person_id is not None:
        return access_person(user, person_id, action=action, object_type="exclusion").person
    return access_own_person(user, action=action)


def _listed(user: User, person: Person) -> KeptOut:
    exclusions = list(Exclusion.objects.filter(person=person).select_related("member"))
    recorder.record(
        user,
        Event(
            action=Action.EXCLUSION_LIST,
            person_id=person.pk,
            object_type="exclusion",
            object_ids=[e.pk for e in exclusions],
        ),
    )
    return KeptOut(person, exclusions, _following_members(person))


def kept_out(*, user: User, person_id: int | None = None) -> KeptOut:
    """The members the person keeps out, for a worker of a following team (``person_id``) or for the
    person in their space; the reading is recorded."""
    return _listed(user, _person(user, person_id, Action.EXCLUSION_LIST))


@recorder.action
def keep_out(
    *,
    user: User,
    member_id: int,
    person_id: int | None = None,
    presence: str | None = None,
    confirmed: bool = False,
) -> Exclusion:
    """The person keeps one member of a following team out of their record, from now on: in their
    space, or through a worker who says who is present and confirms that the person asks it."""
    person = _person(user, person_id, Action.EXCLUSION_RECORD)
    reason = (
        "by the person" if person_id is None else asked_by_the_person(presence=presence, confirmed=confirmed)
    )
    named = {c.user_id for c in _following_members(person)}
    if not is_storable_id(member_id) or member_id not in named:
        raise Invalid("member", _("Choose someone from a team that follows the person."))
    try:
        with transaction.atomic():  # one current exclusion per member: a second at the same moment fails
            exclusion = Exclusion.objects.create(person=person, member_id=member_id, recorded_by=user)
    except IntegrityError:
        raise Invalid("member", _("This person is already kept out.")) from None
    recorder.record(
        user,
        Event(
            action=Action.EXCLUSION_RECORD,
            person_id=person.pk,
            object_type="exclusion",
            object_ids=[exclusion.pk],
            reason=reason,
        ),
    )
    return exclusion


def reach_exclusion(*, user: User, exclusion_id: int, action: str = Action.EXCLUSION_LIFT) -> Exclusion:
    """An exclusion of the person's own (their space), or of a person a worker's teams follow and
    who has not kept the worker out; any other is the recorded 404 of R9, naming its person."""
    own = (
        Person.objects.filter(account=user).values_list("pk", flat=True).first()
        if user.is_authenticated
        else None
    )
    if own is not None:
        found: Exclusion = reached_by_id(
            user,
            action,
            Exclusion.objects.select_related("member", "person"),
            exclusion_id,
            object_type="exclusion",
            belongs=lambda e: e.person_id == own,
        )
        return found
    asked = [exclusion_id if is_storable_id(exclusion_id) else str(exclusion_id)]
    reader = access_member(user, action=action, object_type="exclusion", object_ids=asked)
    found = reached_by_id(
        user,
        action,
        Exclusion.objects.select_related("member", "person"),
        exclusion_id,
        object_type="exclusion",
        belongs=lambda e: followed_persons(reader).filter(pk=e.person_id).exists(),
    )
    return found


@recorder.action
def let_back(
    *, user: User, exclusion_id: int, presence: str | None = None, confirmed: bool = False
) -> Exclusion:
    """The person lets a member they kept out read their record again (with their team): in their
    space, or through a worker who says who is present and confirms that the person asks it. A
    worker alone never undoes the person's choice."""
    exclusion = reach_exclusion(user=user, exclusion_id=exclusion_id)
    refuse_while_restricted(user, action=Action.EXCLUSION_LIFT, person_id=exclusion.person_id)
    by_the_person = exclusion.person.account_id == user.pk
    reason = "by the person" if by_the_person else asked_by_the_person(presence=presence, confirmed=confirmed)
    # Lifted once: of two lifts at the same moment, the second is told it is done.
    if not Exclusion.objects.filter(pk=exclusion.pk, lifted_at__isnull=True).update(
        lifted_at=timezone.now(), lifted_by=user
    ):
        raise Invalid("exclusion", _("This person may already read your record again."))
    recorder.record(
        user,
        Event(
            action=Action.EXCLUSION_LIFT,
            person_id=exclusion.person_id,
            object_type="exclusion",
            object_ids=[exclusion.pk],
            reason=reason,
        ),
    )
    exclusion.refresh_from_db()
    return exclusion
