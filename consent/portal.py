"""The accompanied person's own space: activation, their consents, who accessed their record, their data.

Every function starts from the signed-in account and reaches only the person linked to it: there is
no person id to tamper with. Every read is recorded like a worker's (R5).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit import recorder
from audit.models import AccessEvent
from audit.recorder import Event
from consent import policy, services
from consent.models import Consent, Method, PortalInvitation, Receipt
from records.models import Category, FollowUp, Person
from relais.errors import Invalid
from teams.models import Membership, Team, User

ACTIVATE = "portal.activate"

# What each recorded action means, told to the person it concerns.
ACTION_WORDS = {
    "person.list": gettext_lazy("saw your name in a list of persons"),
    "person.view": gettext_lazy("opened your record"),
    "person.create": gettext_lazy("created your record"),
    "note.list": gettext_lazy("read notes about you"),
    "note.view": gettext_lazy("read a note about you"),
    "note.create": gettext_lazy("wrote a note about you"),
    "consent.view": gettext_lazy("looked at your consents"),
    "consent.record": gettext_lazy("recorded a consent"),
    "consent.withdraw": gettext_lazy("recorded the withdrawal of a consent"),
    "receipt.view": gettext_lazy("looked at a consent receipt"),
    "follow_up.open": gettext_lazy("started following you with a team"),
    "follow_up.close": gettext_lazy("stopped a team's follow-up"),
    "portal.invite": gettext_lazy("made a code to open your space"),
    ACTIVATE: gettext_lazy("opened your space"),
    "portal.consents": gettext_lazy("looked at your consents"),
    "portal.access_log": gettext_lazy("looked at this journal"),
    "portal.export": gettext_lazy("downloaded your data"),
    "portal.receipts": gettext_lazy("looked at your receipts"),
    "audit.view": gettext_lazy("reviewed the access log about you (auditor)"),
    "audit.export": gettext_lazy("exported the access log about you (auditor)"),
}


def _code_refused(reason: str, message: str, person_id: int | None = None) -> Invalid:
    recorder.deny(None, ACTIVATE, person_id=person_id, object_type="portal_invitation", reason=reason)
    return Invalid("code", message)


def activate(*, code: str, username: str, password: str) -> User:
    """Open the person's account with the one-time code a worker gave them (single use, expiring)."""
    invitation = (
        PortalInvitation.objects.select_for_update()
        .filter(code_hash=services.hash_code(code))
        .select_related("person")
        .first()
    )
    if invitation is None:
        raise _code_refused(
            "unknown code", _("This code is not valid. Check it, or ask your worker for a new one.")
        )
    person_id = invitation.person_id
    if invitation.used_at is not None:
        raise _code_refused(
            "used code", _("This code has already been used. Ask your worker for a new one."), person_id
        )
    if invitation.expires_at <= timezone.now():
        raise _code_refused(
            "expired code", _("This code has expired. Ask your worker for a new one."), person_id
        )
    if invitation.person.account_id is not None:
        raise _code_refused(
            "account exists",
            _("Your space is already open: sign in, or ask your worker for help."),
            person_id,
        )
    if User.objects.filter(username__iexact=username).exists():
        raise Invalid("username", _("This username is taken; choose another one."))
    candidate = User(username=username, display_name=invitation.person.display_name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise Invalid("password", " ".join(exc.messages)) from None
    with transaction.atomic():
        user = User.objects.create_user(username, password=password, display_name=candidate.display_name)
        Person.objects.filter(pk=person_id).update(account=user)
        PortalInvitation.objects.filter(pk=invitation.pk).update(used_at=timezone.now())
    recorder.record(
        user,
        Event(
            action=ACTIVATE, person_id=person_id, object_type="portal_invitation", object_ids=[invitation.pk]
        ),
    )
    return user


def own_person(user, action: str) -> Person:
    """The person behind the account, or a 403 recorded as a denied ``action``."""
    with recorder.denials(user, action, object_type="person"):
        return policy.portal_person_for(user)


# Consents ---------------------------------------------------------------------------------------


def my_consents(*, user) -> tuple[Person, QuerySet[Consent]]:
    person = own_person(user, "portal.consents")
    consents = services.consent_history(user=user, person_id=person.pk)[1]
    return person, consents


def disclose_my_consents(*, user, person: Person, consents: list[Consent]) -> list[Consent]:
    recorder.record(
        user,
        Event(
            action="portal.consents",
            person_id=person.pk,
            object_type="consent",
            object_ids=[c.pk for c in consents],
        ),
    )
    return consents


@dataclass
class TeamOffer:
    """A team that follows the person: what its mission may need, and what the person agreed to."""

    team: Team
    needs: list[Category]
    current: Consent | None = None
    shared: list[str] = field(default_factory=list)


def _offers(person: Person) -> list[TeamOffer]:
    follow_ups = FollowUp.objects.filter(person=person, closed_at__isnull=True).select_related("team")
    teams = {f.team_id: f.team for f in follow_ups}
    needs = Team.continuity_categories.through.objects.filter(team_id__in=teams).select_related("category")
    offers = {team_id: TeamOffer(team=team, needs=[]) for team_id, team in teams.items()}
    for row in needs.order_by("category_id"):
        offers[row.team_id].needs.append(row.category)
    current = (
        Consent.objects.filter(
            person=person, team_id__in=teams, superseded_by__isnull=True, withdrawal__isnull=True
        )
        .prefetch_related("categories")
        .order_by("id")
    )
    for consent in current:
        if consent.status == "current":
            offers[consent.team_id].current = consent
            offers[consent.team_id].shared = sorted(c.code for c in consent.categories.all())
    return sorted(offers.values(), key=lambda o: o.team.name)


def my_teams(*, user) -> list[TeamOffer]:
    """The teams that follow the person, each with the categories it may ask for and the current consent."""
    person = own_person(user, "portal.consents")
    offers = _offers(person)
    recorder.record(
        user,
        Event(
            action="portal.consents",
            person_id=person.pk,
            object_type="team",
            object_ids=sorted(o.team.pk for o in offers),
        ),
    )
    return offers


def give_consent(
    *, user, team_id: int, categories: list[str], purpose: str, valid_until: datetime | None = None
) -> Consent:
    """The person gives (or changes, or refuses) their consent themselves."""
    person = own_person(user, "consent.record")
    return services.record_consent(
        user=user,
        person_id=person.pk,
        team_id=team_id,
        categories=categories,
        purpose=purpose,
        method=Method.PORTAL,
        valid_until=valid_until,
    )


def change_sharing(*, user, team_id: int, category: str, share: bool) -> TeamOffer:
    """Share one more kind of information with a team, or stop sharing one: a new consent replaces
    the current one (R7). Stopping the last one withdraws the consent."""
    person = own_person(user, "consent.record")
    offer = next((o for o in _offers(person) if o.team.pk == team_id), None)
    if offer is None:
        raise Invalid("team", _("This team does not follow you."))
    shared = set(offer.shared) | {category} if share else set(offer.shared) - {category}
    if not shared and offer.current is not None:
        services.withdraw_consent(user=user, consent_id=offer.current.pk, method=Method.PORTAL)
    else:
        give_consent(
            user=user,
            team_id=team_id,
            categories=sorted(shared),
            purpose=offer.current.purpose if offer.current else _("Continuity of my support"),
        )
    return offer


# Access log -------------------------------------------------------------------------------------


@dataclass
class AccessEntry:
    """One event about the person, told in their words."""

    event: AccessEvent
    who: str
    team: str
    profession: str
    what: str
    categories: list[str]
    purpose: str
    by_you: bool


def access_log(*, user) -> tuple[Person, QuerySet[AccessEvent]]:
    """Every event about the person, newest first, refused attempts included."""
    person = own_person(user, "portal.access_log")
    return person, AccessEvent.objects.filter(person_id=person.pk).order_by("-id")


def describe(*, user, person: Person, events: list[AccessEvent]) -> list[AccessEntry]:
    """Name who acted, their team and profession, and why, for a page of events; a fixed number of
    queries whatever the page size. The reading is recorded."""
    data = [e.data for e in events]
    actor_ids = {d["actor"] for d in data if d["actor"]}
    team_ids = {d["team"] for d in data if d["team"]}
    users = dict(User.objects.filter(pk__in=actor_ids).values_list("pk", "display_name"))
    teams = dict(Team.objects.filter(pk__in=team_ids).values_list("pk", "name"))
    professions = {
        (m.user_id, m.team_id): m.profession
        for m in Membership.objects.filter(user_id__in=actor_ids, team_id__in=team_ids).only(
            "user_id", "team_id", "profession"
        )
    }
    purposes = dict(
        Consent.objects.filter(pk__in={d["consent"] for d in data if d["consent"]}).values_list(
            "pk", "purpose"
        )
    )
    codes = {code for d in data for code in d["categories"]}
    labels = {c.code: c.label for c in Category.objects.filter(code__in=codes)}
    entries = []
    for event, d in zip(events, data, strict=True):
        by_you = d["actor"] == user.pk
        who = _("you") if by_you else users.get(d["actor"]) or d["actor_label"] or _("someone unknown")
        entries.append(
            AccessEntry(
                event=event,
                who=who,
                team=teams.get(d["team"], ""),
                profession=professions.get((d["actor"], d["team"]), ""),
                what=str(ACTION_WORDS.get(d["action"], d["action"])),
                categories=[labels.get(code, code) for code in d["categories"]],
                purpose=purposes.get(d["consent"], ""),
                by_you=by_you,
            )
        )
    recorder.record(
        user,
        Event(
            action="portal.access_log",
            person_id=person.pk,
            object_type="audit_event",
            object_ids=[e.pk for e in events],
        ),
    )
    return entries


# Receipts and export ----------------------------------------------------------------------------


def my_receipts(*, user) -> tuple[Person, QuerySet[Receipt]]:
    person = own_person(user, "portal.receipts")
    return person, Receipt.objects.filter(consent__person=person).order_by("-id")


def disclose_receipts(*, user, person: Person, receipts: list[Receipt]) -> list[Receipt]:
    recorder.record(
        user,
        Event(
            action="portal.receipts",
            person_id=person.pk,
            object_type="consent",
            object_ids=sorted({r.consent_id for r in receipts}),
        ),
    )
    return receipts


def _has_contact(person: Person) -> bool:
    return any(getattr(person, name) for name in Person.CONTACT_FIELDS)


def export(*, user) -> dict:
    """Everything Relais holds about the person (GDPR art. 15), contact details and notes included."""
    person = own_person(user, "portal.export")
    consents = list(services.consents_of(person).order_by("id"))
    notes = list(
        policy.notes_about_oneself(person).select_related("author", "team", "category").order_by("id")
    )
    follow_ups = list(FollowUp.objects.filter(person=person).select_related("team").order_by("id"))
    receipts = list(Receipt.objects.filter(consent__person=person).order_by("id"))
    events = list(AccessEvent.objects.filter(person_id=person.pk).order_by("id"))
    recorder.record(
        user,
        Event(
            action="portal.export",
            person_id=person.pk,
            object_type="note",
            object_ids=[n.pk for n in notes],
            categories=sorted(
                {n.category.code for n in notes} | ({policy.CONTACT} if _has_contact(person) else set())
            ),
        ),
    )
    return {
        "generated_at": timezone.now(),
        "person": person,
        "follow_ups": follow_ups,
        "consents": consents,
        "receipts": receipts,
        "notes": notes,
        "access_log": events,
    }
