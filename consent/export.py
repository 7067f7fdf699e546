"""Everything Relais holds about a person, for the person (GDPR art. 15)."""

from __future__ import annotations

from django.utils import timezone

from audit import recorder
from audit.models import AccessEvent, Action
from audit.recorder import Event
from consent import policy, selectors
from consent.models import Receipt
from records.models import CONTACT, FollowUp, Person
from teams.models import User


def _has_contact(person: Person) -> bool:
    return any(getattr(person, name) for name in Person.CONTACT_FIELDS)


def my_data(*, user: User) -> dict:
    """Everything about the person, contact details and notes included; the reading is recorded."""
    person = policy.access_own_person(user, action=Action.PORTAL_EXPORT)
    consents = list(selectors.consents_of(person).order_by("id"))
    notes = list(
        policy.notes_about_oneself(person).select_related("author", "team", "category").order_by("id")
    )
    follow_ups = list(FollowUp.objects.filter(person=person).select_related("team").order_by("id"))
    receipts = list(Receipt.objects.filter(consent__person=person).order_by("id"))
    events = list(AccessEvent.objects.filter(person_id=person.pk).order_by("id"))
    recorder.record(
        user,
        Event(
            action=Action.PORTAL_EXPORT,
            person_id=person.pk,
            object_type="note",
            object_ids=[n.pk for n in notes],
            categories=sorted(
                {n.category.code for n in notes} | ({CONTACT} if _has_contact(person) else set())
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
