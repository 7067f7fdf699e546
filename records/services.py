"""Writes on persons and notes (follow-ups are ``records.follow_ups``). Each checks access through
the policy, is audited, and is an ``action``: all or nothing, its events with its rows."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from access.persons import PersonView, created_person_view
from access.reach import access_contact, access_note, access_person
from access.rules import team_follows
from access.who_is_asking import Member, access_member
from audit import recorder
from audit.models import Action
from audit.recorder import Event
from core.domain_errors import Conflict, Invalid
from core.text import fold
from records import changes
from records.changes import NoteCorrection
from records.follow_ups import grant_follow
from records.models import (
    ADDRESS_MAX_CHARS,
    CONTACT,
    PHONE_PATTERN,
    Note,
    Person,
)
from records.validators import validate_birth_date
from teams.models import Category, Team, User
from teams.selectors import team_named_in_input


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
    grant_follow(person, team, user)
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
    # The person's hidings of the note hide its new version too (consent's, wired by the root).
    changes.note_corrected(NoteCorrection(by=user, person_id=old.person_id, old_id=old.pk, new_id=note.pk))
    return note
