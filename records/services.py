"""Writes on persons, follow-ups and notes. Each checks access through the policy, is audited, and is
an ``action``: all or nothing, its events with its rows."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from access.organisations import refuse_follow_up_for_another_organisation
from access.own_space import ScopeNeeded, access_own_person
from access.persons import PersonView, created_person_view
from access.reach import access_contact, access_follow_up, access_note, access_person
from access.rules import team_follows
from access.who_is_asking import Member, access_member
from audit import recorder
from audit.models import Action
from audit.recorder import Event
from core.domain_errors import Conflict, Invalid
from core.text import fold
from records import changes
from records.changes import FollowUpChange
from records.models import (
    ADDRESS_MAX_CHARS,
    CONTACT,
    FOLLOW_PERMISSION,
    PHONE_PATTERN,
    FollowUp,
    Note,
    Person,
)
from records.validators import validate_birth_date
from teams.models import Category, Team, User
from teams.selectors import team_named_in_input
from web.presence import presence_for

PERMISSION = f"records.{FOLLOW_PERMISSION}"


def _writer_team(member: Member, team_id: int, field: str = "team") -> Team:
    team = team_named_in_input(team_id, field)
    if team.pk not in member.team_ids:
        raise Invalid(field, _("You are not a member of this team."))
    return team


def _category(code: str, field: str = "category") -> Category:
    category = Category.objects.filter(code=code).first()
    if category is None:
        raise Invalid(field, _("Unknown category “%(code)s”.") % {"code": code})
    return category


def _checked_birth_date(birth_date: date | None) -> None:
    try:
        validate_birth_date(birth_date)
    except ValidationError as exc:
        raise Invalid("birth_date", " ".join(exc.messages)) from None


def _grant_follow(person: Person, team: Team, user: User) -> FollowUp:
    try:
        with transaction.atomic():
            follow_up = FollowUp.objects.create(person=person, team=team, opened_by=user)
    except IntegrityError:
        raise Conflict(_("This team already follows this person.")) from None
    assign_perm(PERMISSION, team.group, person)
    return follow_up


def _search_keys(display_name: str, first_name: str, last_name: str) -> dict[str, str]:
    """The folded names a search compares (``Person.name_key``, ``Person.identity_key``)."""
    return {"name_key": fold(display_name), "identity_key": fold(f"{first_name} {last_name}".strip())}


@recorder.action
def create_person(
    *,
    user: User,
    team_id: int,
    display_name: str,
    first_name: str = "",
    last_name: str = "",
    birth_date: date | None = None,
    phone: str = "",
    email: str = "",
    address: str = "",
) -> PersonView:
    """Create a person followed by one of the writer's teams; contact stays hidden until consent."""
    member = access_member(user, action=Action.PERSON_CREATE, object_type="person")
    team = _writer_team(member, team_id)
    _checked_birth_date(birth_date)
    person = Person.objects.create(
        display_name=display_name,
        first_name=first_name,
        last_name=last_name,
        birth_date=birth_date,
        phone=phone,
        email=email,
        address=address,
        created_by=user,
        **_search_keys(display_name, first_name, last_name),
    )
    _grant_follow(person, team, user)
    recorder.record(
        user,
        Event(
            action=Action.PERSON_CREATE,
            person_id=person.pk,
            team_id=team.pk,
            object_type="person",
            object_ids=[person.pk],
        ),
    )
    return created_person_view(member, person)


@recorder.action
def write_note(*, user: User, person_id: int, team_id: int, category: str, body: str) -> Note:
    """Write a note. Whatever its category, it is readable by its author alone until consent (R1)."""
    access = access_person(user, person_id, action=Action.NOTE_CREATE, object_type="note")
    team = _writer_team(access.member, team_id)
    if not team_follows(team, access.person):
        raise Invalid("team", _("This team does not follow this person."))
    note = Note.objects.create(
        person=access.person, team=team, author=user, category=_category(category), body=body
    )
    recorder.record(
        user,
        Event(
            action=Action.NOTE_CREATE,
            person_id=access.person.pk,
            team_id=team.pk,
            object_type="note",
            object_ids=[note.pk],
            categories=[category],
        ),
    )
    return note


def _checked_contact(values: dict[str, str]) -> None:
    """The same checks on every path (page, API, command): a phone people can dial, a real address."""
    if values.get("phone") and not re.fullmatch(PHONE_PATTERN, values["phone"]):
        raise Invalid("phone", _("Write a phone number with digits, for example 06 12 34 56 78."))
    if values.get("email"):
        try:
            validate_email(values["email"])
        except ValidationError:
            raise Invalid("email", _("Enter a valid email address.")) from None
    if len(values.get("address", "")) > ADDRESS_MAX_CHARS:
        raise Invalid("address", _("At most %(max)s characters.") % {"max": ADDRESS_MAX_CHARS})


@recorder.action
def update_contact(*, user: User, person_id: int, **values: str) -> Person:
    """Change a person's phone, e-mail or address, as a member who may read them (R1). The event
    names the fields that changed, never their values: those stay encrypted (R8)."""
    access = access_contact(user, person_id, action=Action.PERSON_UPDATE)
    unknown = set(values) - set(Person.CONTACT_FIELDS)
    if unknown:
        raise Invalid(sorted(unknown)[0], _("This cannot be changed here."))
    if not values:
        raise Invalid("phone", _("Nothing to change: send the phone, the e-mail or the address."))
    _checked_contact(values)
    person = access.person
    changed = recorder.assign(person, values)
    if changed:
        person.save(update_fields=changed)
    # The answer shows the contact details: a write that changes nothing is a read, and is recorded as
    # one (R5: every disclosure, whatever the verb).
    recorder.record(
        user,
        Event(
            action=Action.PERSON_UPDATE if changed else Action.PERSON_VIEW,
            person_id=person.pk,
            team_id=access.grant.team_id,
            consent_id=access.grant.consent_id,
            glass_break_id=access.grant.glass_break_id,
            object_type="person",
            object_ids=[person.pk],
            categories=[CONTACT],
            changes={name: ["changed"] for name in sorted(changed)},
        ),
    )
    return person


@recorder.action
def correct_note(*, user: User, note_id: int, body: str) -> Note:
    """Its author corrects a note: a new version that names the one it replaces, which is kept.

    Both are in the log (one event names the two), and readers see the latest version marked as
    corrected. The correction keeps the note's person, team and category: a note in the wrong
    category is another note, since who may read it would change."""
    access = access_note(user, note_id, action=Action.NOTE_CORRECT, own=True)
    old = access.note
    team = _writer_team(access.member, old.team_id, field="note")
    if not body.strip():
        raise Invalid("body", _("Write the corrected note."))
    if Note.objects.filter(corrects=old).exists():
        raise Conflict(_("This note was already corrected: correct its latest version."))
    note = Note.objects.create(
        person_id=old.person_id, team=team, author=user, category=old.category, body=body, corrects=old
    )
    recorder.record(
        user,
        Event(
            action=Action.NOTE_CORRECT,
            person_id=old.person_id,
            team_id=team.pk,
            object_type="note",
            object_ids=[old.pk, note.pk],
            categories=[old.category.code],
        ),
    )
    return note


@recorder.action
def open_follow_up(
    *, user: User, person_id: int, team_id: int, presence: str | None = None, confirmed: bool = False
) -> FollowUp:
    """A member of a following team brings another team in (it sees the name used only, until consent).

    Another team than one of the member's own starts only with the person asked: ``presence`` (who
    is there) and ``confirmed`` are required then, and who was there is in the event."""
    access = access_person(user, person_id, action=Action.FOLLOW_UP_OPEN)
    person = access.person
    team = team_named_in_input(team_id)
    refuse_follow_up_for_another_organisation(user, team)
    present = presence_for(own_team=team.pk in access.member.team_ids, presence=presence, confirmed=confirmed)
    follow_up = _grant_follow(person, team, user)
    recorder.record(
        user,
        Event(
            action=Action.FOLLOW_UP_OPEN,
            person_id=person.pk,
            team_id=team.pk,
            object_type="follow_up",
            object_ids=[follow_up.pk],
            reason=present,
        ),
    )
    # The person's inbox tells them (consent's, wired by the composition root: ``records.changes``).
    changes.follow_up_changed(FollowUpChange(by=user, person_id=person.pk, team_id=team.pk, opened=True))
    return follow_up


@recorder.action
def ask_to_be_followed(*, user: User, team_id: int) -> FollowUp:
    """The person brings a team in themselves, from their space (or their representative, within a
    scope that covers consents): the one way a team of another organisation than the following
    teams' starts, since no worker speaks for the person to another organisation. The team sees the
    name used only, until the person shares something with it. Refused while the space is
    restricted after a reset (R10): it would let more people see the person's name."""
    person = access_own_person(
        user,
        action=Action.FOLLOW_UP_OPEN,
        scope_needed=ScopeNeeded.CONSENTS,
        closed_while_restricted=True,
    )
    team = team_named_in_input(team_id)
    if person.follow_ups.filter(team=team, closed_at__isnull=True).exists():
        raise Conflict(_("This team already follows you."))
    follow_up = _grant_follow(person, team, user)
    recorder.record(
        user,
        Event(
            action=Action.FOLLOW_UP_OPEN,
            person_id=person.pk,
            team_id=team.pk,
            object_type="follow_up",
            object_ids=[follow_up.pk],
        ),
    )
    changes.follow_up_changed(FollowUpChange(by=user, person_id=person.pk, team_id=team.pk, opened=True))
    return follow_up


@recorder.action
def close_follow_up(*, user: User, follow_up_id: int) -> FollowUp:
    """A team stops following the person: its members lose access at once, and its emergency
    accesses to the person end."""
    follow_up = access_follow_up(user, follow_up_id, action=Action.FOLLOW_UP_CLOSE)
    if follow_up.closed_at is not None:
        raise Conflict(_("This follow-up is already closed."))
    follow_up.closed_at = timezone.now()
    follow_up.closed_by = user
    follow_up.save(update_fields=["closed_at", "closed_by"])
    remove_perm(PERMISSION, follow_up.team.group, follow_up.person)
    recorder.record(
        user,
        Event(
            action=Action.FOLLOW_UP_CLOSE,
            person_id=follow_up.person_id,
            team_id=follow_up.team_id,
            object_type="follow_up",
            object_ids=[follow_up.pk],
        ),
    )
    # The team's emergency accesses to the person end with it, for good: reopening revives none
    # (consent's, wired by the composition root: ``records.changes``).
    changes.follow_up_changed(
        FollowUpChange(by=user, person_id=follow_up.person_id, team_id=follow_up.team_id, opened=False)
    )
    return follow_up
