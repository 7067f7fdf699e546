"""The retention job (issue 24): a person whose every follow-up ended long ago is archived, then,
later, erased (``relais.retention.periods`` says how long). A person whose space is open is told
before each step, in their inbox (and by e-mail if they asked), and the step waits until the notice
has been there for the notice period. A person with an open follow-up is never touched.

Run by ``manage.py apply_retention`` as the owner role; each person's step is one transaction with
its event in the log (``retention.notice``, ``retention.archive``, ``retention.erase``). A dry run
answers the same question and writes nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.db.models.functions import Coalesce
from django.utils import timezone

from access import archived
from audit import recorder
from audit.models import Action
from audit.recorder import Actor, Event
from consent.models import Notice
from consent.notices import email as notice_email
from records.models import FollowUp, Person
from relais.retention import erasure
from relais.retention.periods import periods_for


@dataclass
class Report:
    """What the job did (or, in a dry run, would do): person ids by step, and the rows erased."""

    told_of_archiving: list[int] = field(default_factory=list)
    archived: list[int] = field(default_factory=list)
    told_of_erasure: list[int] = field(default_factory=list)
    erased: list[int] = field(default_factory=list)
    removed: Counter[str] = field(default_factory=Counter)


def run(*, actor: Actor, using: str, dry_run: bool = False, now: datetime | None = None) -> Report:
    """One pass over the persons whose time has come."""
    now = now or timezone.now()
    report = Report()
    open_follow_up = FollowUp.objects.using(using).filter(person=OuterRef("pk"), closed_at__isnull=True)
    untouchable = Exists(open_follow_up)
    in_use = (
        Person.objects.using(using)
        .filter(archived_at__isnull=True)
        .exclude(untouchable)
        .annotate(last_end=Coalesce(Max("follow_ups__closed_at"), "created_at"))
        .only("pk", "account_id", "created_at")
        .order_by("pk")
    )
    for person in in_use:
        due = periods_for(person.pk, using).archive_due(person.last_end)  # type: ignore[attr-defined]
        step = _step(person, Notice.Kind.RECORD_ARCHIVING, due, now=now, using=using)
        if step == "tell":
            report.told_of_archiving.append(person.pk)
            if not dry_run:
                _tell(person, Notice.Kind.RECORD_ARCHIVING, due, now=now, actor=actor, using=using)
        elif step == "go":
            report.archived.append(person.pk)
            if not dry_run:
                _archive(person, now=now, actor=actor, using=using)
    for kept in archived.archived(using).exclude(untouchable).only("pk", "account_id", "archived_at"):
        due = periods_for(kept.pk, using).erase_due(kept.archived_at)  # type: ignore[arg-type]
        step = _step(kept, Notice.Kind.RECORD_ERASING, due, now=now, using=using)
        if step == "tell":
            report.told_of_erasure.append(kept.pk)
            if not dry_run:
                _tell(kept, Notice.Kind.RECORD_ERASING, due, now=now, actor=actor, using=using)
        elif step == "go":
            report.erased.append(kept.pk)
            if not dry_run:
                report.removed.update(_erase(kept, actor=actor, using=using))
    return report


def _step(person: Person, kind: str, due: datetime, *, now: datetime, using: str) -> str:
    """ "wait", "tell" (the step is near and the person, whose space is open, was not told yet) or
    "go" (its time has come, and a person whose space is open has had the notice long enough)."""
    notice = periods_for(person.pk, using).notice
    if now < due - notice:
        return "wait"
    if person.account_id is None:
        return "go" if now >= due else "wait"
    # A notice of this step announces this due date or a later one; an older one (of a record that
    # came back into use since) announces nothing any more.
    told = (
        Notice.objects.using(using).filter(person=person, kind=kind, due_at__gte=due).order_by("-id").first()
    )
    if told is None:
        return "tell"
    return "go" if now >= told.due_at else "wait"  # type: ignore[operator]  # set with its kind


def _tell(person: Person, kind: str, due: datetime, *, now: datetime, actor: Actor, using: str) -> None:
    """The notice, due no sooner than the notice period from now, and its event."""
    when = max(due, now + periods_for(person.pk, using).notice)
    with transaction.atomic(using=using):
        notice = Notice.objects.using(using).create(person=person, kind=kind, happened_at=now, due_at=when)
        recorder.record_on(
            using,
            actor,
            Event(
                action=Action.RETENTION_NOTICE,
                person_id=person.pk,
                object_type="notice",
                object_ids=[notice.pk],
                reason=f"{kind} due {when:%Y-%m-%d}",
            ),
        )
        if Person.objects.using(using).filter(pk=person.pk, notify_by_email=True).exists():
            transaction.on_commit(lambda: notice_email.send_by_email(notice.pk), using=using)


def _archive(person: Person, *, now: datetime, actor: Actor, using: str) -> None:
    with transaction.atomic(using=using):
        Person.objects.using(using).filter(pk=person.pk, archived_at__isnull=True).update(archived_at=now)
        recorder.record_on(
            using,
            actor,
            Event(
                action=Action.RETENTION_ARCHIVE,
                person_id=person.pk,
                object_type="person",
                object_ids=[person.pk],
                changes={"archived_at": [None, now.isoformat()]},
            ),
        )


def _erase(person: Person, *, actor: Actor, using: str) -> dict[str, int]:
    with transaction.atomic(using=using):
        # Read again under the transaction: a follow-up opened meanwhile keeps the record.
        if FollowUp.objects.using(using).filter(person=person, closed_at__isnull=True).exists():
            return {}
        removed = erasure.erase(person, using=using)
        recorder.record_on(
            using,
            actor,
            Event(
                action=Action.RETENTION_ERASE,
                person_id=person.pk,
                object_type="person",
                object_ids=[person.pk],
                reason="erased: " + ", ".join(f"{table} {count}" for table, count in removed.items()),
            ),
        )
        return removed
