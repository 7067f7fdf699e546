"""The person's inbox (issue "Beyond the best", §4): what they should know, read or not yet, and a
short e-mail for those who asked for one.

Some notices are written by the act they tell of, in its transaction: a team that starts following,
a consent recorded or withdrawn by a worker. Two are found when the inbox is looked at (or by the
``send_notices`` command, for e-mails): a consent about to end, and someone reading the person's
information for the first time, which the log already holds. So no read pays for a check the inbox
can make later, and each is told once (the table's constraints).

An e-mail says what kind of thing happened and where to look, never what or who: whoever reads the
person's mailbox learns nothing else. It is sent after the commit, and a failure to send changes
nothing: the notice stays in the inbox, and the command tries again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from access import compiled
from access.own_space import access_own, access_own_person, own_notices
from audit import recorder
from audit.disclosure import Selection
from audit.models import AccessEvent, Action
from audit.recorder import Event
from consent.models import Consent, Notice, Withdrawal
from consent.notices import email as notice_email
from consent.notices import news
from consent.notices.wording import Worded, worded
from core.domain_errors import Invalid
from records.models import Person
from teams.models import User


def tell(
    person_id: int,
    kind: str,
    *,
    team_id: int | None = None,
    consent_id: int | None = None,
    actor_id: int | None = None,
    representative_id: int | None = None,
) -> Notice:
    """Put a notice in the person's inbox, in the transaction of the act it tells of; e-mail it
    after the commit if the person asked for e-mails."""
    notice = Notice.objects.create(
        person_id=person_id,
        kind=kind,
        team_id=team_id,
        consent_id=consent_id,
        actor_id=actor_id,
        representative_id=representative_id,
        happened_at=timezone.now(),
    )
    if Person.objects.filter(pk=person_id, notify_by_email=True).exists():
        transaction.on_commit(lambda: notice_email.send_by_email(notice.pk))
    return notice


def find_news(person: Person, *, now: datetime | None = None) -> list[Notice]:
    """Write the notices found in the record rather than told by an act: each consent of the person
    that ends within 30 days, and each first read by someone other than the person. Returns the
    notices written now (those already there are left as they are). Both statements are compiled
    once (``access.compiled``): a page of the portal asks them at every visit."""
    now = now or timezone.now()
    ids, shape = news.ids_of(person), news.shape_of(person)
    ending = compiled.rows(f"notices:ending:{shape}", news.ending, ids, now)
    found = [
        Notice(
            person=person, kind=Notice.Kind.CONSENT_ENDING, team_id=team_id, consent_id=pk, happened_at=now
        )
        for pk, team_id in news.ending_soon(ending, now)
    ]
    firsts = news.first_readers(person, now)
    if firsts:
        events = AccessEvent.objects.filter(pk__in=firsts.values())
        for event in events:
            data = event.data
            found.append(
                Notice(
                    person=person,
                    kind=Notice.Kind.FIRST_READER,
                    actor_id=data["actor"],
                    team_id=data["team"],
                    happened_at=event.occurred_at,
                )
            )
    return Notice.objects.bulk_create(found, ignore_conflicts=True) if found else []


def my_notices(*, user: User) -> Selection[Notice]:
    """The person's inbox, newest first, with what the record holds that they should know; a shown
    page is recorded as their own reading, and given in words (``Worded``)."""
    return my_inbox(user=user).notices


@dataclass(frozen=True)
class Inbox:
    """The inbox's page: the notices, and the person whose they are (how they want to be told)."""

    notices: Selection[Notice]
    person: Person


def my_inbox(*, user: User) -> Inbox:
    """``my_notices``, with the person the space reached: the page's e-mail form shows their choice
    without reading them again."""
    access = access_own(user, action=Action.PORTAL_NOTICES)
    person = access.person
    find_news(person)
    notices: QuerySet[Notice] = holding(own_notices(access)).select_related(
        "team", "actor", "consent", "representative"
    )
    return Inbox(Selection(rows=notices, record=lambda page: _record_reading(user, person, page)), person)


def _record_reading(user: User, person: Person, notices: Sequence[Notice]) -> list[Worded]:
    recorder.record(
        user,
        Event(
            action=Action.PORTAL_NOTICES,
            person_id=person.pk,
            object_type="notice",
            object_ids=[n.pk for n in notices],
        ),
    )
    return worded(notices)


def holding(notices: QuerySet[Notice]) -> QuerySet[Notice]:
    """The notices that still hold (issue 21, item 9). The end of a consent offers a renewal: it goes
    once the team's consent is withdrawn (there is nothing left to renew), and of several ends told
    for one team, only the latest stays, so that "renewed or changed since" is said once. Each end
    carries the end date of the team's latest consent (``latest_until``), which its words compare."""
    latest = Consent.objects.filter(person_id=OuterRef("person_id"), team_id=OuterRef("team_id")).order_by(
        "-id"
    )
    later_end = Notice.objects.filter(
        person_id=OuterRef("person_id"),
        team_id=OuterRef("team_id"),
        kind=Notice.Kind.CONSENT_ENDING,
        id__gt=OuterRef("id"),
    )
    stale = Q(kind=Notice.Kind.CONSENT_ENDING) & (Q(Exists(later_end)) | Q(latest_withdrawn=True))
    return (
        notices.annotate(
            latest_id=Subquery(latest.values("pk")[:1]),
            latest_until=Subquery(latest.values("valid_until")[:1]),
        )
        .annotate(latest_withdrawn=Exists(Withdrawal.objects.filter(consent_id=OuterRef("latest_id"))))
        .exclude(stale)
    )


def _unread(ids: Mapping[str, list[int]], _at: datetime) -> QuerySet[Any]:
    return holding(Notice.objects.filter(person_id=ids["person"][0], read_at__isnull=True)).values("id")


def unread_count(person: Person) -> int:
    """How many notices the person has not read yet, what the record holds included: the number
    their space's first page shows (the notices that still hold), counted by a statement compiled
    once."""
    find_news(person)
    return compiled.values("notices:unread", _unread, {"person": [person.pk]}, timezone.now()).count()


@recorder.action
def mark_read(*, user: User, notice_ids: list[int] | None = None) -> int:
    """Mark notices as read: those named, or every one if none is named. Returns how many changed."""
    person = access_own_person(user, action=Action.NOTICE_READ)
    notices = Notice.objects.filter(person=person, read_at__isnull=True)
    if notice_ids is not None:
        unknown = set(notice_ids) - set(
            Notice.objects.filter(person=person, pk__in=notice_ids).values_list("pk", flat=True)
        )
        if unknown:
            raise Invalid(
                "notices",
                _("These notices are not in your inbox: %(ids)s.")
                % {"ids": ", ".join(map(str, sorted(unknown)))},
            )
        notices = notices.filter(pk__in=notice_ids)
    ids = sorted(notices.values_list("pk", flat=True))
    notices.filter(pk__in=ids).update(read_at=timezone.now())
    recorder.record(
        user, Event(action=Action.NOTICE_READ, person_id=person.pk, object_type="notice", object_ids=ids)
    )
    return len(ids)


@recorder.action
def choose_email(*, user: User, email: str, enabled: bool) -> Person:
    """The person gives (or changes, or removes) the address to be told at, and says whether they
    want e-mails. The address is theirs alone: no team sees it. The log says what changed, never
    the address."""
    # While restricted after a reset, no: the next code would go to an address its maker chose (R10).
    person = access_own_person(user, action=Action.NOTICE_EMAIL, closed_while_restricted=True)
    email = email.strip()
    if enabled and not email:
        raise Invalid("email", _("Give the address to write to, or untick the box."))
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise Invalid("email", _("This is not an e-mail address.")) from None
    changed = [
        name
        for name, before, after in (
            ("notice_email", person.notice_email, email),
            ("notify_by_email", person.notify_by_email, enabled),
        )
        if before != after
    ]
    if changed:
        person.notice_email, person.notify_by_email = email, enabled
        person.save(update_fields=["notice_email", "notify_by_email"])
        recorder.record(
            user,
            Event(
                action=Action.NOTICE_EMAIL,
                person_id=person.pk,
                object_type="person",
                object_ids=[person.pk],
                changes={name: ["changed"] for name in changed},
            ),
        )
    return person


def send_pending(*, since: timedelta = timedelta(days=7)) -> tuple[int, int]:
    """For every person who asked for e-mails: find what is new, and e-mail every notice of the last
    ``since`` not sent yet. Returns (notices found, e-mails sent). Run it from cron."""
    found = sent = 0
    for person in Person.objects.filter(notify_by_email=True).only("pk", "account_id"):
        with transaction.atomic():
            found += len(find_news(person))
        pending = (
            holding(Notice.objects.filter(person=person))
            .filter(
                person=person,
                emailed_at__isnull=True,
                read_at__isnull=True,
                created_at__gte=timezone.now() - since,
            )
            .values_list("pk", flat=True)
        )
        sent += sum(notice_email.send_by_email(pk) for pk in pending)
    return found, sent
