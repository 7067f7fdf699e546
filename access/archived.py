"""Archived persons (issue 24, retention): once the retention job has archived a person, no team
reads them, whatever follow-up, consent or emergency access the record still holds; the job itself,
and an auditor's count, are the only readers left until the erasure.

One rule, applied where the policy decides which persons a reader reaches (``followed_persons``),
where the auditors' page names persons and in the auditors' queues (``about_unarchived``), so
that every path (API, page, portal for another person's team, admin, command) inherits it. The
person's own space is not a team's reading: the right of access (GDPR art. 15) lasts until the
erasure, and the notices they were given say so.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet

from records.models import Person


def unarchived(persons: QuerySet[Person]) -> QuerySet[Person]:
    """``persons`` without the archived ones: what any reader but the retention job may reach."""
    return persons.filter(archived_at__isnull=True)


M = TypeVar("M", bound=Model)


def about_unarchived(rows: QuerySet[M]) -> QuerySet[M]:
    """Rows about a person (an auditor's queues: emergency accesses, disagreements, resets of a
    space) of persons not archived: an archived person is counted, never named, and nothing about
    them is left to review."""
    return rows.filter(person__archived_at__isnull=True)


def archived(using: str = "default") -> QuerySet[Person]:
    """The archived persons, for the retention job alone (it erases them when their time comes)."""
    return Person.objects.using(using).filter(archived_at__isnull=False)


def archived_count(using: str = "default") -> int:
    """How many persons are archived: the one thing an auditor learns of them."""
    return archived(using).count()
