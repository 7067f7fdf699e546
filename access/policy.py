"""The one place that decides what a reader may see (R1–R4, R9).

A reader's access comes only from the teams they belong to and whose confidentiality commitment
they accepted: never from a role flag, and never from the descriptive fields of a membership (R3). A team
reaches a person through the guardian grant on the team's group (an open follow-up); it reads a
category of that person when the person's current consent for the team names it and the team's
mission needs it. Decisions are per person and team, never per note, in a fixed number of queries.

Callers reach objects through the ``access_*`` helpers, zulip-style: each establishes the reader,
records any refusal (R5) and raises the 404 of R9, so that no caller can forget a step.

Long on purpose: the rules of access are reviewed as one text, and splitting them would hide how
the queryset rules and the ``access_*`` helpers derive from each other.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypedDict

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Exists, IntegerField, OuterRef, Q, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from access import archived, readership
from access import wording as readership_wording
from access.readership import Readership
from audit import recorder
from audit.models import AccessEvent
from consent.models import Consent, GlassBreak, Notice, Representative, SpaceReset
from core.domain_errors import (
    CommitmentRequired,
    ContactNotShared,
    Hidden,
    NotAMember,
    NotAPortalAccount,
    NotTheAuthor,
    OutOfScope,
    Refusal,
    RestrictedAfterReset,
    Unavailable,
)
from core.ids import is_storable_id
from records.models import CONTACT, FOLLOW_PERMISSION, FollowUp, Note, Person, PersonGroupObjectPermission
from teams.models import Category, Membership, Team, User

ConsentCategory = Consent.categories.through
TeamCategory = Team.continuity_categories.through


@dataclass(frozen=True)
class Grant:
    """A category a reader may see for a person, and the consent (and team) that allows it, or, in
    an emergency, the broken glass (``consent.emergency.services``) that opened it for a few hours."""

    consent_id: int | None
    team_id: int
    glass_break_id: int | None = None


Grants = dict[str, Grant]


@dataclass(frozen=True)
class Reader:
    """A member whose access has been established for this request."""

    user: User
    team_ids: frozenset[int]
    group_ids: frozenset[int]


def _asked(value: int) -> int | None:
    """The id as the log can hold it (an impossible id is named in ``object_ids`` only, as text)."""
    return value if is_storable_id(value) else None


def _named(value: int) -> list[int | str]:
    return [value if is_storable_id(value) else str(value)]


# Readers ------------------------------------------------------------------------------------------


def reader_for(user: User) -> Reader:
    """The member behind ``user``, or a 403: access to person data starts with a membership (R3, R4)."""
    rows = list(
        Membership.objects.filter(user=user).values_list(
            "team_id", "team__group_id", "commitment_accepted_at"
        )
    )
    if not rows:
        raise NotAMember()
    if any(accepted is None for _, _, accepted in rows):
        raise CommitmentRequired()
    return Reader(
        user=user,
        team_ids=frozenset(team_id for team_id, _, _ in rows),
        group_ids=frozenset(group_id for _, group_id, _ in rows),
    )


def access_reader(
    user: User,
    *,
    action: str,
    object_type: str = "",
    object_ids: Sequence[int | str] = (),
    person_id: int | None = None,
) -> Reader:
    """``reader_for``, recording a refusal as a denied ``action``."""
    with recorder.denials(user, action, object_type=object_type, object_ids=object_ids, person_id=person_id):
        return reader_for(user)


# Persons ------------------------------------------------------------------------------------------


def _follows(
    person_ref: int | OuterRef, group_ids_or_ref: Iterable[int] | OuterRef
) -> QuerySet[PersonGroupObjectPermission]:
    grants = PersonGroupObjectPermission.objects.filter(
        content_object_id=person_ref,  # type: ignore[misc]  # an id or a reference to one
        permission__codename=FOLLOW_PERMISSION,
    )
    if isinstance(group_ids_or_ref, OuterRef):
        return grants.filter(group__team__id=group_ids_or_ref)
    return grants.filter(group_id__in=group_ids_or_ref)


def followed_persons(reader: Reader) -> QuerySet[Person]:
    """Persons followed by at least one of the reader's teams, and not archived; everyone else does
    not exist (R9, and the retention of ``access.archived``)."""
    return archived.unarchived(Person.objects.filter(Exists(_follows(OuterRef("pk"), reader.group_ids))))


def _followed_person(reader: Reader, person_id: int) -> Person:
    if not is_storable_id(person_id):
        raise Hidden()
    person = followed_persons(reader).defer(*Person.DEFERRED).filter(pk=person_id).first()
    if person is None:
        raise Hidden()
    return person


@dataclass(frozen=True)
class PersonAccess:
    """A person reached by a member (``reader``), or in the portal (``reader`` is None): by the
    person's own account, or by their ``representative`` acting for them within its scope."""

    reader: Reader | None
    person: Person
    representative: Representative | None = None

    @property
    def by_self(self) -> bool:
        return self.reader is None


class _Denial(TypedDict):
    object_type: str
    object_ids: Sequence[int | str]
    person_id: int | None


def access_person(
    user: User, person_id: int, *, action: str, object_type: str = "person", self_allowed: bool = False
) -> PersonAccess:
    """The person, reached through one of the user's teams (or, if ``self_allowed``, as their own
    account), or the recorded refusal: a 403 for a non-member, the 404 of R9 for everyone else."""
    # An id the log's columns cannot hold is kept in ``object_ids``, as text, whatever the object.
    object_ids = _named(person_id) if object_type == "person" or not is_storable_id(person_id) else []
    denial: _Denial = {"object_type": object_type, "object_ids": object_ids, "person_id": _asked(person_id)}
    if self_allowed:
        own = (
            Person.objects.filter(pk=person_id, account=user).defer(*Person.DEFERRED).first()
            if is_storable_id(person_id)
            else None
        )
        if own is not None:
            watched_reset(user)
            return PersonAccess(reader=None, person=own)
        if _has_portal_space(user):
            # A portal account reaches its own person only (a representative, within its scope, the
            # person it serves); any other is as if it did not exist.
            with recorder.denials(user, action, **denial):
                agent = representation(user)
                if agent is None or agent.person_id != person_id:
                    raise Hidden()
                if not covers(agent, Need.CONSENTS):
                    raise OutOfScope()
                return PersonAccess(reader=None, person=agent.person, representative=agent)
    reader = access_reader(user, action=action, **denial)
    with recorder.denials(user, action, **denial):
        return PersonAccess(reader=reader, person=_followed_person(reader, person_id))


@dataclass(frozen=True)
class ContactAccess:
    """A person whose contact details the reader may see, and so change, with the grant that allows it."""

    reader: Reader
    person: Person
    grant: Grant


def access_contact(user: User, person_id: int, *, action: str) -> ContactAccess:
    """The person, if the person's consent shares their contact details with one of the user's teams
    (R1): who may not read them may not overwrite them either. Otherwise a recorded 403, or R9's 404."""
    access = access_person(user, person_id, action=action)
    assert access.reader is not None
    grant = grants_for(access.reader, [access.person.pk]).get(access.person.pk, {}).get(CONTACT)
    if grant is None:
        with recorder.denials(
            user, action, object_type="person", object_ids=[person_id], person_id=person_id
        ):
            raise ContactNotShared()
    return ContactAccess(reader=access.reader, person=access.person, grant=grant)


class Need:
    """What a portal path asks of a representative's scope; a path that asks none is the person's alone."""

    CONSENTS = "consents"
    JOURNAL = "journal"


_SCOPES = {
    Need.CONSENTS: {Representative.Scope.CONSENTS, Representative.Scope.BOTH},
    Need.JOURNAL: {Representative.Scope.JOURNAL, Representative.Scope.BOTH},
}


def covers(agent: Representative, need: str | None) -> bool:
    """Whether a representative's scope includes what a path needs. Nothing else is ever theirs:
    notes, the person's copy of their data, their inbox and their e-mail stay the person's."""
    return need is not None and agent.scope in _SCOPES[need]


def representation(user: User) -> Representative | None:
    """The person an account acts for while its role lasts (one account serves one person)."""
    if not user.is_authenticated:
        return None
    return Representative.objects.filter(account=user, ended_at__isnull=True).select_related("person").first()


def _has_portal_space(user: User) -> bool:
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
class OwnAccess:
    """The person reached in the portal: by their own account, or by their ``representative``;
    ``reset`` is the space's reset with a worker's code while it is watched (``is_restricted``)."""

    person: Person
    representative: Representative | None = None
    reset: SpaceReset | None = None

    @property
    def restricted(self) -> bool:
        return is_restricted(self.reset)


def access_own(
    user: User, *, action: str, need: str | None = None, closed_while_restricted: bool = False
) -> OwnAccess:
    """The person the portal account serves, or a recorded 403. The person's own account reaches
    everything of theirs; a representative's reaches what its scope ``need``s, and nothing else. A
    path ``closed_while_restricted`` is refused while the space is restricted after a reset (R10):
    the copy of one's data (every team's notes), and what would let the space reach more later (the
    address codes are e-mailed to)."""
    person = Person.objects.filter(account=user).first() if user.is_authenticated else None
    reset = watched_reset(user) if user.is_authenticated else None
    if person is not None:
        access = OwnAccess(person, reset=reset)
    else:
        agent = representation(user)
        if agent is None:
            with recorder.denials(user, action, object_type="person"):
                raise NotAPortalAccount()
        if not covers(agent, need):
            # Named with the person, so that their journal shows the attempt.
            with recorder.denials(user, action, object_type="person", person_id=agent.person_id):
                raise OutOfScope()
        access = OwnAccess(agent.person, agent, reset)
    if closed_while_restricted and access.restricted:
        with recorder.denials(user, action, object_type="person", person_id=access.person.pk):
            raise RestrictedAfterReset()
    return access


def access_own_person(
    user: User, *, action: str, need: str | None = None, closed_while_restricted: bool = False
) -> Person:
    """``access_own``'s person: the portal shows one's own record, or the record of the person one
    represents within one's scope."""
    return access_own(user, action=action, need=need, closed_while_restricted=closed_while_restricted).person


def refuse_while_restricted(user: User, *, action: str, person_id: int) -> None:
    """A space restricted after a reset gives nothing the person had not given (R10): a consent
    recorded through it would widen what the code's maker's teams read. A recorded 403."""
    if is_restricted(watched_reset(user)):
        with recorder.denials(user, action, object_type="person", person_id=person_id):
            raise RestrictedAfterReset()


def own_journal(user: User, access: OwnAccess) -> QuerySet[AccessEvent]:
    """The events about the person that their space may read, newest first: all of them; or, while
    the space is restricted after a reset, the acts of the members of the code's maker's teams and
    what the space did since the reset, never other teams' reads (R10)."""
    events = AccessEvent.objects.filter(person_id=access.person.pk).order_by("-id")
    if access.reset is None or not access.restricted:
        return events
    return events.filter(
        Q(actor_id__in=_makers_colleagues(access.reset))
        | Q(actor_id=user.pk, occurred_at__gte=access.reset.reset_at)
    )


def own_notices(access: OwnAccess) -> QuerySet[Notice]:
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


# Consents and grants ------------------------------------------------------------------------------


def effective_consent_categories(
    team_ids: Iterable[int] | None, *, at: datetime | None = None
) -> QuerySet[Any]:  # rows of the consents' through table
    """(consent, category) rows of current consents to the given teams (every team if ``None``) that
    the teams' missions need and that follow the person: the whole of R1, R2 and R7 in one queryset."""
    at = at or timezone.now()
    rows = ConsentCategory.objects.filter(
        Q(consent__valid_until__isnull=True) | Q(consent__valid_until__gt=at),
        Exists(
            TeamCategory.objects.filter(
                team_id=OuterRef("consent__team_id"), category_id=OuterRef("category_id")
            )
        ),
        Exists(_follows(OuterRef("consent__person_id"), OuterRef("consent__team_id"))),
        consent__withdrawal__isnull=True,
        consent__superseded_by__isnull=True,
    )
    return rows if team_ids is None else rows.filter(consent__team_id__in=list(team_ids))


# Reads and the end of a consent serialise on the consent (issue "All or nothing", §5), through
# PostgreSQL's advisory locks, which queue fairly: a withdrawal waiting for the reads in flight is
# not starved by the reads that keep coming, which wait behind it. A read holds a shared lock on
# each consent it relies on until it commits; ending a consent takes it exclusively first. So every
# read a consent allowed is recorded before that consent's end, in the log's order and in time.
# SQLite runs one writer at a time (transactions begin IMMEDIATE): the same order, without locks.
CONSENT_LOCKS = 0x52454C41  # the advisory lock class of consents ("RELA")


# An advisory lock's key within its class is a 32-bit integer: a consent's id folds into it (two
# consents sharing a key only wait for each other a little more).
def _lock_key(column: str) -> str:
    return f"({column} %% 2147483647)::int"


DECISION_ATTEMPTS = 3


def _share_current_consents(
    team_ids: Iterable[int], person_ids: Iterable[int] | QuerySet[Any]
) -> set[int] | None:
    """Take a shared lock on the current consents of these persons for these teams; return their ids
    (``None`` where the database needs no lock). May wait for a consent being ended right now."""
    if connection.vendor != "postgresql":
        return None
    current = (
        Consent.objects.filter(
            person_id__in=person_ids if isinstance(person_ids, QuerySet) else list(person_ids),
            team_id__in=list(team_ids),
            superseded_by__isnull=True,
            withdrawal__isnull=True,
        )
        .values("pk")
        .order_by()
    )
    try:
        inner, params = current.query.get_compiler(using=current.db).as_sql()
    except EmptyResultSet:  # asked about no one
        return set()
    sql = (
        f"SELECT q.pk, pg_advisory_xact_lock_shared(%s, {_lock_key('q.pk')}) "  # noqa: S608 (no input)
        f"FROM ({inner}) q ORDER BY q.pk"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [CONSENT_LOCKS, *params])
        return {row[0] for row in cursor.fetchall()}


# person, category, consent, team, glass break; and, if named, the team's name and the end
DecisionRow = tuple[Any, ...]


def open_glass_categories(team_ids: Iterable[int] | None, *, at: datetime | None = None) -> QuerySet[Any]:
    """(glass break, category) rows of emergency accesses open now for the given teams (every team if
    ``None``): not ended
    on the record, before their end time, in teams that still allow them, that follow the person and
    whose mission still needs the category (R2 holds for an emergency access too), and, unless life
    is in danger, for a category the person has not refused or withdrawn since. What a broken glass
    adds to R1 for a few hours (``consent.emergency``). The record's end (``ended_at``) is what keeps an
    access ended; the other conditions repeat, at read time, what ends it, so that a read between the
    cause and its record shows nothing either."""
    at = at or timezone.now()
    # The person's word since the access opened: their current consent to the team, recorded or
    # withdrawn since, that does not share the category. Only a danger to life reads past it.
    decided_since = Consent.objects.filter(
        Q(recorded_at__gte=OuterRef("glassbreak__opened_at"))
        | Q(withdrawal__recorded_at__gte=OuterRef("glassbreak__opened_at")),
        person_id=OuterRef("glassbreak__person_id"),
        team_id=OuterRef("glassbreak__team_id"),
        superseded_by__isnull=True,
    )
    shares = ConsentCategory.objects.filter(
        consent_id=OuterRef("pk"), category_id=OuterRef(OuterRef("category_id"))
    )
    refused_since = decided_since.filter(Q(withdrawal__isnull=False) | ~Exists(shares))
    rows = GlassBreak.categories.through.objects.filter(
        Q(glassbreak__reason=GlassBreak.Reason.DANGER_TO_LIFE) | ~Exists(refused_since),
        Exists(_follows(OuterRef("glassbreak__person_id"), OuterRef("glassbreak__team_id"))),
        Exists(
            TeamCategory.objects.filter(
                team_id=OuterRef("glassbreak__team_id"), category_id=OuterRef("category_id")
            )
        ),
        glassbreak__ended_at__isnull=True,
        glassbreak__ends_at__gt=at,
        glassbreak__team__glass_break_allowed=True,
    )
    return rows if team_ids is None else rows.filter(glassbreak__team_id__in=list(team_ids))


def _rows(
    team_ids: Iterable[int] | None, persons: list[int] | QuerySet[Any], *, named: bool = False
) -> list[DecisionRow]:
    """(person, category, consent, team, glass break) rows of the effective consents and open
    emergency accesses of these teams (every team if ``None``) to these persons, in one statement:
    consents first (by id), then emergency accesses, so that a consent's grant is named before a
    glass's. ``named`` rows also carry the team's name and the end (the consent's end date, or the
    emergency access's), for the sentences of ``readership``."""
    nothing = Value(None, output_field=IntegerField())
    consent_columns = ["consent__person_id", "category__code", "consent_id", "consent__team_id", "glass"]
    glass_columns = [
        "glassbreak__person_id",
        "category__code",
        "no_consent",
        "glassbreak__team_id",
        "glassbreak_id",
    ]
    if named:
        consent_columns += ["consent__team__name", "consent__valid_until"]
        glass_columns += ["glassbreak__team__name", "glassbreak__ends_at"]
    consents = (
        effective_consent_categories(team_ids)
        .filter(consent__person_id__in=persons)
        .annotate(glass=nothing)
        .order_by()
        .values_list(*consent_columns)
    )
    glass = (
        open_glass_categories(team_ids)
        .filter(glassbreak__person_id__in=persons)
        .annotate(no_consent=nothing)
        .order_by()
        .values_list(*glass_columns)
    )
    return sorted(consents.union(glass, all=True), key=lambda r: (r[4] is not None, r[2] or 0, r[4] or 0))


def _decision_rows(
    reader: Reader, persons: list[int] | QuerySet[Any], *, every_team: bool = False
) -> list[DecisionRow]:
    """``_rows`` of the reader's teams (of every team if ``every_team``, named for ``readership``).
    The reader's consents are locked first (shared), then the decision is made on a fresh view of
    them; a consent made meanwhile, which the lock did not see, is locked in its turn and the
    decision made again."""
    for _attempt in range(DECISION_ATTEMPTS):
        locked = _share_current_consents(reader.team_ids, persons)
        rows = _rows(None if every_team else reader.team_ids, persons, named=every_team)
        relied_on = {r[2] for r in rows if r[2] is not None and r[3] in reader.team_ids}
        if locked is None or relied_on <= locked:
            return rows
    raise Unavailable(_("The consents changed while this was read; try again."))


def _grants_of(reader: Reader, rows: Iterable[DecisionRow]) -> dict[int, Grants]:
    grants: dict[int, Grants] = defaultdict(dict)
    for person_id, code, consent_id, team_id, glass_id, *_named in rows:
        if team_id in reader.team_ids:
            grants[person_id].setdefault(code, Grant(consent_id, team_id, glass_id))
    return grants


def grants_for(reader: Reader, person_ids: Iterable[int] | QuerySet[Any]) -> dict[int, Grants]:
    """For each person, the categories the reader may see and the consent behind each.

    ``person_ids`` may be a query, so that the persons are found in the same statement."""
    persons = person_ids if isinstance(person_ids, QuerySet) else list(person_ids)
    return _grants_of(reader, _decision_rows(reader, persons))


def grants_and_readership(reader: Reader, person_id: int) -> tuple[Grants, Readership]:
    """The reader's grants for one person, and who reads each category of them now (every following
    team, by consent or emergency access): both from one decision, for the person page, which shows
    both (R11: what the page says about who reads is what decided the reader's own access)."""
    rows = _decision_rows(reader, [person_id], every_team=True)
    return _grants_of(reader, rows).get(person_id, {}), readership.of_rows(rows)


def readership_of(person_id: int) -> Readership:
    """Who reads each category of the person now, and on what basis: the rows of every team's
    effective consents and open emergency accesses, the same rows that decide each read (R11). For
    the pages that speak of readers without being one: the portal, the message after a note."""
    return readership.of_rows(_rows(None, [person_id], named=True))


# Emergency access ---------------------------------------------------------------------------------


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


def glass_refusal(
    reader: Reader, person: Person, team: Team, codes: Sequence[str], *, danger_to_life: bool
) -> GlassRefusal | None:
    """Whether a member may open ``codes`` of the person for ``team`` in an emergency, or why not:
    only for one of their teams that follows the person and allows it, within its mission (R2), for
    what that team does not read already, and what the person refused or withdrew only when life is
    in danger. Each refusal is an attempt on the record (``consent.emergency.services``)."""
    if team.pk not in reader.team_ids:
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
            "codes": ", ".join(beyond),
        }
        return GlassRefusal("beyond_the_mission", "categories", message)
    readable = readership_of(person.pk).of_team(team.pk)
    already = {code: readable[code] for code in codes if code in readable}
    if already:
        labels = {c.code: c.label for c in Category.objects.filter(code__in=already)}
        message = readership_wording.already_readable(team.name, already, labels)
        return GlassRefusal("already_readable", "categories", message)
    refused = _refused_or_withdrawn(person.pk, team.pk, codes)
    if refused and not danger_to_life:
        message = _("The person refused or withdrew %(codes)s: only a danger to life opens it.") % {
            "codes": ", ".join(refused)
        }
        return GlassRefusal("refused_by_the_person", "reason", message)
    return None


def may_see_contact(grants: Grants) -> bool:
    return CONTACT in grants


def may_see_identity(reader: Reader, person: Person, grants: Grants) -> bool:
    """R2: before its first consent a team sees the name the person goes by, and that it follows
    them; names and birth date come with a consent that shares something. An emergency access opens
    the categories it names, never the identity (as a search by name finds nothing through it).
    Whoever created the record keeps what they typed."""
    by_consent = any(grant.consent_id is not None for grant in grants.values())
    return by_consent or person.created_by_id == reader.user.pk


def identity_shown(reader: Reader) -> Q:
    """``may_see_identity`` as a condition on persons, for a search by name."""
    shared = effective_consent_categories(reader.team_ids).filter(consent__person_id=OuterRef("pk"))
    return Q(created_by=reader.user) | Q(Exists(shared))


def lock_to_end(consent_id: int) -> None:
    """Before a consent is ended (withdrawn or replaced): wait for the reads that rely on it, and make
    the reads that come meanwhile wait for the end."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            exclusive = f"SELECT pg_advisory_xact_lock(%s, {_lock_key('%s')})"
            cursor.execute(exclusive, [CONSENT_LOCKS, consent_id])


# Notes --------------------------------------------------------------------------------------------


def readable_notes_of_persons(reader: Reader, grants: Mapping[int, Grants]) -> QuerySet[Note]:
    """The notes of several reached persons the reader may read: the same rule as ``readable_notes``
    (their own, and each person's granted categories), for a page that summarises many persons."""
    if not grants:
        return Note.objects.none()
    allowed = Q(author=reader.user, person_id__in=list(grants))
    for person_id, person_grants in grants.items():
        if person_grants:
            allowed |= Q(person_id=person_id, category__code__in=list(person_grants))
    return Note.objects.filter(allowed)


def readable_notes(reader: Reader, person: Person | QuerySet[Person, Any], grants: Grants) -> QuerySet[Note]:
    """The person's notes the reader may read: their own (R1), and the categories granted (R2).

    ``person`` is one the reader already reached (or a query for one): the rule is written here only.
    """
    return Note.objects.filter(person__in=[person] if isinstance(person, Person) else person).filter(
        Q(author=reader.user) | Q(category__code__in=list(grants))
    )


@dataclass(frozen=True)
class NoteAccess:
    reader: Reader
    note: Note
    grants: Grants


@contextmanager
def _refusals_naming_the_person(
    user: User,
    action: str,
    *,
    object_type: str,
    object_id: int,
    model: type[Note | Consent | FollowUp | Representative],
) -> Iterator[None]:
    """Record a refusal about an object by id, naming the person it concerns when it exists, so that
    the person's own journal shows the attempt (the answer stays the 404 of R9 all the same)."""
    try:
        yield
    except Refusal as exc:
        person_id = (
            model.objects.filter(pk=object_id).values_list("person_id", flat=True).first()
            if is_storable_id(object_id)
            else None
        )
        recorder.deny(
            user,
            action,
            person_id=person_id,
            object_type=object_type,
            object_ids=_named(object_id),
            reason=type(exc).__name__,
        )
        raise


def access_note(user: User, note_id: int, *, action: str, own: bool = False) -> NoteAccess:
    """The note, if the user may read it, or the recorded 404 of R9 (the same for hidden and missing).
    With ``own``, only its author passes (a correction); another reader gets a recorded 403."""
    with _refusals_naming_the_person(user, action, object_type="note", object_id=note_id, model=Note):
        reader = reader_for(user)
        if not is_storable_id(note_id):
            raise Hidden()
        person = followed_persons(reader).filter(notes=note_id).values("pk")
        grants = grants_for(reader, person)
        person_grants = next(iter(grants.values()), {})
        note = (
            readable_notes(reader, person, person_grants)
            .filter(pk=note_id)
            .select_related("category", "author", "team")
            .first()
        )
        if note is None:
            raise Hidden()
        if own and note.author_id != user.pk:
            raise NotTheAuthor()
    return NoteAccess(reader=reader, note=note, grants=person_grants)


def notes_about_oneself(person: Person) -> QuerySet[Note]:
    """Every note about the person, for the person themselves: the right of access (GDPR art. 15)
    covers what the teams wrote, whatever the consents say about sharing it between teams."""
    return Note.objects.filter(person=person)


def reached_by_id(
    user: User,
    action: str,
    objects: QuerySet[Any],
    object_id: int,
    *,
    object_type: str,
    belongs: Callable[[Any], bool] | None = None,
) -> Any:
    """The object of ``objects`` with this id, if it exists and ``belongs`` to the caller; otherwise
    the recorded 404 of R9, naming the object's person when it has one, so that their journal shows
    the attempt. For objects whose reach is decided before they are asked for (the caller's own
    space, an auditor's queue)."""
    found = objects.filter(pk=object_id).first() if is_storable_id(object_id) else None
    if found is None or (belongs is not None and not belongs(found)):
        with recorder.denials(
            user,
            action,
            object_type=object_type,
            object_ids=_named(object_id),
            person_id=getattr(found, "person_id", None),
        ):
            raise Hidden()
    return found


# Consents by id -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsentAccess:
    """A consent reached by a member, or in the portal (``by_self``): by the person's own account or
    by their ``representative``."""

    consent: Consent
    by_self: bool
    representative: Representative | None = None


def access_consent_as(user: User, consent_id: int, *, action: str) -> ConsentAccess:
    """A consent of a person the user follows through a team, of the user themselves (portal), or of
    the person the user represents with the consents in its scope; anything else is the recorded 404
    of R9 (a representative beyond its scope gets a recorded 403)."""
    with _refusals_naming_the_person(
        user, action, object_type="consent", object_id=consent_id, model=Consent
    ):
        consent = (
            Consent.objects.filter(pk=consent_id).select_related("person", "team").first()
            if is_storable_id(consent_id)
            else None
        )
        if consent is None:
            raise Hidden()
        if consent.person.account_id is not None and consent.person.account_id == user.pk:
            watched_reset(user)
            return ConsentAccess(consent, by_self=True)
        try:
            reader = reader_for(user)
        except NotAMember:
            agent = representation(user)
            if agent is None or agent.person_id != consent.person_id:
                raise Hidden() from None
            if not covers(agent, Need.CONSENTS):
                raise OutOfScope() from None
            return ConsentAccess(consent, by_self=True, representative=agent)
        if not followed_persons(reader).filter(pk=consent.person_id).exists():
            raise Hidden()
        return ConsentAccess(consent, by_self=False)


def access_consent(user: User, consent_id: int, *, action: str) -> Consent:
    """``access_consent_as``'s consent."""
    return access_consent_as(user, consent_id, action=action).consent


# Representatives ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RepresentativeAccess:
    """A representation reached by a member of a team that follows the person (``reader``), or by
    the person's own account (``reader`` is None)."""

    reader: Reader | None
    representative: Representative


def access_representative(user: User, representative_id: int, *, action: str) -> RepresentativeAccess:
    """A representation of a person the user follows through a team, or of the user themselves;
    anything else (another person's, or the representative's own account) is the recorded 404 of R9."""
    with _refusals_naming_the_person(
        user, action, object_type="representative", object_id=representative_id, model=Representative
    ):
        found = (
            Representative.objects.filter(pk=representative_id).select_related("person", "account").first()
            if is_storable_id(representative_id)
            else None
        )
        if found is None:
            raise Hidden()
        if found.person.account_id is not None and found.person.account_id == user.pk:
            watched_reset(user)
            return RepresentativeAccess(reader=None, representative=found)
        try:
            reader = reader_for(user)
        except NotAMember:
            raise Hidden() from None
        if not followed_persons(reader).filter(pk=found.person_id).exists():
            raise Hidden()
        return RepresentativeAccess(reader=reader, representative=found)


# Follow-ups ---------------------------------------------------------------------------------------


def access_follow_up(user: User, follow_up_id: int, *, action: str) -> FollowUp:
    """A follow-up of a person the user's teams follow, or the recorded 404 of R9."""
    with _refusals_naming_the_person(
        user, action, object_type="follow_up", object_id=follow_up_id, model=FollowUp
    ):
        reader = reader_for(user)
        follow_up = (
            FollowUp.objects.filter(pk=follow_up_id, person__in=followed_persons(reader))
            .select_related("team__group", "person")
            .first()
            if is_storable_id(follow_up_id)
            else None
        )
        if follow_up is None:
            raise Hidden()
        return follow_up


# Teams --------------------------------------------------------------------------------------------


def team_follows(team: Team, person: Person) -> bool:
    return _follows(person.pk, [team.group_id]).exists()


def missions_of_following_teams(team_ids: Iterable[int], person: Person) -> QuerySet[Any]:
    """(team, category) rows of the missions of these teams that follow the person and allow
    emergency access, with their teams and categories: what an emergency access could open."""
    return TeamCategory.objects.filter(
        Exists(_follows(person.pk, OuterRef("team_id"))),
        team_id__in=list(team_ids),
        team__glass_break_allowed=True,
    ).select_related("team", "category")
