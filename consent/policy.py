"""The one place that decides what a reader may see (R1–R4, R9).

A reader's access comes only from the teams they belong to and whose confidentiality commitment
they accepted: never from a role flag, and never from the descriptive fields of a membership (R3). A team
reaches a person through the guardian grant on the team's group (an open follow-up); it reads a
category of that person when the person's current consent for the team names it and the team's
mission needs it. Decisions are per person and team, never per note, in a fixed number of queries.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from consent.models import Consent
from records.models import CONTACT, FOLLOW_PERMISSION, Note, Person, PersonGroupObjectPermission
from relais.errors import CommitmentRequired, Hidden, NotAMember, NotAnAuditor, NotAPortalAccount
from teams.models import Membership, Team, User

ConsentCategory = Consent.categories.through
TeamCategory = Team.continuity_categories.through


@dataclass(frozen=True)
class Grant:
    """A category a reader may see for a person, and the consent (and team) that allows it."""

    consent_id: int
    team_id: int


@dataclass(frozen=True)
class Reader:
    """A member whose access has been established for this request."""

    user: object
    team_ids: frozenset[int]
    group_ids: frozenset[int]


def reader_for(user) -> Reader:
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


def _follows(person_ref, group_ids_or_ref) -> QuerySet:
    grants = PersonGroupObjectPermission.objects.filter(
        content_object_id=person_ref, permission__codename=FOLLOW_PERMISSION
    )
    if isinstance(group_ids_or_ref, OuterRef):
        return grants.filter(group__team__id=group_ids_or_ref)
    return grants.filter(group_id__in=group_ids_or_ref)


def followed_persons(reader: Reader) -> QuerySet[Person]:
    """Persons followed by at least one of the reader's teams; everyone else does not exist (R9)."""
    return Person.objects.filter(Exists(_follows(OuterRef("pk"), reader.group_ids)))


def person_for(reader: Reader, person_id: int) -> Person:
    person = followed_persons(reader).defer(*Person.CONTACT_FIELDS).filter(pk=person_id).first()
    if person is None:
        raise Hidden()
    return person


def effective_consent_categories(team_ids, *, at=None) -> QuerySet:
    """(consent, category) rows of current consents to the given teams that the teams' missions need
    and that follow the person: the whole of R1, R2 and R7 in one queryset."""
    at = at or timezone.now()
    return ConsentCategory.objects.filter(
        Q(consent__valid_until__isnull=True) | Q(consent__valid_until__gt=at),
        Exists(
            TeamCategory.objects.filter(
                team_id=OuterRef("consent__team_id"), category_id=OuterRef("category_id")
            )
        ),
        Exists(_follows(OuterRef("consent__person_id"), OuterRef("consent__team_id"))),
        consent__team_id__in=team_ids,
        consent__withdrawal__isnull=True,
        consent__superseded_by__isnull=True,
    )


def grants_for(reader: Reader, person_ids) -> dict[int, dict[str, Grant]]:
    """For each person, the categories the reader may see and the consent behind each; one query."""
    rows = (
        effective_consent_categories(reader.team_ids)
        .filter(consent__person_id__in=list(person_ids))
        .order_by("consent_id")
        .values_list("consent__person_id", "category__code", "consent_id", "consent__team_id")
    )
    grants: dict[int, dict[str, Grant]] = defaultdict(dict)
    for person_id, code, consent_id, team_id in rows:
        grants[person_id].setdefault(code, Grant(consent_id, team_id))
    return grants


def readable_notes(reader: Reader, person: Person, grants: dict[str, Grant]) -> QuerySet[Note]:
    """The person's notes the reader may read: their own (R1), and the categories granted (R2)."""
    return Note.objects.filter(person=person).filter(
        Q(author=reader.user) | Q(category__code__in=list(grants))
    )


def note_for(reader: Reader, note_id: int) -> tuple[Note, dict[str, Grant]]:
    """The note and the person's grants, or the 404 of R9 (the same for a hidden and a missing note)."""
    note = (
        Note.objects.filter(pk=note_id, person__in=followed_persons(reader))
        .select_related("category", "author", "team")
        .first()
    )
    if note is None:
        raise Hidden()
    grants = grants_for(reader, [note.person_id]).get(note.person_id, {})
    if note.author_id != reader.user.pk and note.category.code not in grants:
        raise Hidden()
    return note, grants


def may_see_contact(grants: dict[str, Grant]) -> bool:
    return CONTACT in grants


def consent_for(user, consent_id: int) -> Consent:
    """A consent of a person the user follows through a team, or of the user themselves (portal)."""
    consent = Consent.objects.filter(pk=consent_id).select_related("person", "team").first()
    if consent is None:
        raise Hidden()
    if consent.person.account_id is not None and consent.person.account_id == user.pk:
        return consent
    try:
        reader = reader_for(user)
    except NotAMember:
        raise Hidden() from None
    if not followed_persons(reader).filter(pk=consent.person_id).exists():
        raise Hidden()
    return consent


def team_follows(team: Team, person: Person) -> bool:
    return _follows(person.pk, [team.group_id]).exists()


def auditor_for(user: User) -> User:
    """The user, if they may read the access log; auditors read it and nothing else (R4)."""
    if not getattr(user, "is_auditor", False):
        raise NotAnAuditor()
    return user


def portal_person_for(user) -> Person:
    """The person whose portal account ``user`` is, or a 403: the portal shows one's own record only."""
    person = Person.objects.filter(account=user).first() if user.is_authenticated else None
    if person is None:
        raise NotAPortalAccount()
    return person


def shared_with_teams(team_ids, person_id: int) -> dict[int, set[str]]:
    """For each team, the categories of the person it reads now (consent ∩ mission ∩ follow-up).

    What a note's author needs before saving: a note outside these stays theirs alone (R1)."""
    shared: dict[int, set[str]] = defaultdict(set)
    rows = effective_consent_categories(list(team_ids)).filter(consent__person_id=person_id)
    for team_id, code in rows.values_list("consent__team_id", "category__code"):
        shared[team_id].add(code)
    return shared


def notes_about_oneself(person: Person) -> QuerySet[Note]:
    """Every note about the person, for the person themselves: the right of access (GDPR art. 15)
    covers what the teams wrote, whatever the consents say about sharing it between teams."""
    return Note.objects.filter(person=person)
