""" "I do not agree" (issue 21, item 11): the person says why they disagree with an emergency access to
their information or with a line of their journal; the auditors read it in a queue and answer; the
person reads the answer in their space and is told in their inbox.

A representative may say it for the person when their scope includes the journal (what they read is
what they may disagree with). Everything here goes through the policy's own-space access and the
recorder: what the person disagrees with is reached as their journal reaches it, and another
person's line or emergency access answers exactly as a missing one (R9).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from access import archived, organisations
from access.auditors import access_auditor, reached_by_auditor
from access.own_space import OwnSpace, ScopeNeeded, access_own, own_journal
from access.reach import reached_by_id
from audit import recorder
from audit.disclosure import Selection
from audit.models import AccessEvent, Action
from audit.recorder import Event
from consent.models import Disagreement, GlassBreak, Notice
from consent.notices import inbox
from consent.space import journal
from core.domain_errors import Invalid
from records.models import Person
from teams.models import User

STATEMENT_MAX = 2000


@dataclass(frozen=True)
class About:
    """What a disagreement is about, as the person reads it: a journal line, or an emergency access."""

    event_id: int | None
    glass_break: GlassBreak | None
    line: journal.Line | None

    @property
    def text(self) -> str:
        if self.line is not None:
            return f"{self.line.when} — {self.line.sentence}"
        glass = self.glass_break
        assert glass is not None
        day = formats.date_format(timezone.localtime(glass.opened_at), "DATETIME_FORMAT")
        return _("The emergency access %(team)s opened on %(day)s.") % {"team": glass.team.name, "day": day}


@dataclass(frozen=True)
class Told:
    """A disagreement as its person reads it: what it was about, their words, and the answer."""

    disagreement: Disagreement
    about: About


def _reached(
    user: User, access: OwnSpace, *, action: str, event_id: int | None, glass_break_id: int | None
) -> tuple[AccessEvent | None, GlassBreak | None]:
    """The journal line or the emergency access of the person's own, or the recorded 404 of R9."""
    if (event_id is None) == (glass_break_id is None):
        raise Invalid(
            "about", _("Say what you disagree with: one line of your journal or one emergency access.")
        )
    if event_id is not None:
        event: AccessEvent = reached_by_id(
            user, action, own_journal(user, access), event_id, object_type="audit_event"
        )
        return event, None
    glass: GlassBreak = reached_by_id(
        user,
        action,
        GlassBreak.objects.select_related("team"),
        glass_break_id or 0,
        object_type="glass_break",
        belongs=lambda found: found.person_id == access.person.pk,
    )
    return None, glass


def _about(user: User, person: Person, event: AccessEvent | None, glass: GlassBreak | None) -> About:
    line = journal.tell(user=user, person=person, events=[event], record=False)[0] if event else None
    return About(event.pk if event else None, glass, line)


def about(*, user: User, event_id: int | None = None, glass_break_id: int | None = None) -> About:
    """What the person is about to disagree with, shown above the form; the reading is recorded."""
    access = access_own(user, action=Action.PORTAL_DISAGREEMENTS, scope_needed=ScopeNeeded.JOURNAL)
    event, glass = _reached(
        user, access, action=Action.PORTAL_DISAGREEMENTS, event_id=event_id, glass_break_id=glass_break_id
    )
    recorder.record(
        user,
        Event(
            action=Action.PORTAL_DISAGREEMENTS,
            person_id=access.person.pk,
            object_type="audit_event" if event else "glass_break",
            object_ids=[event.pk if event else glass.pk],  # type: ignore[union-attr]
        ),
    )
    return _about(user, access.person, event, glass)


@recorder.action
def disagree(
    *, user: User, statement: str, event_id: int | None = None, glass_break_id: int | None = None
) -> Disagreement:
    """The person (or their representative, for them) says why they disagree; the auditors' queue
    gets it, and the log holds it as an event of its own."""
    access = access_own(user, action=Action.DISAGREEMENT_RECORD, scope_needed=ScopeNeeded.JOURNAL)
    event, glass = _reached(
        user, access, action=Action.DISAGREEMENT_RECORD, event_id=event_id, glass_break_id=glass_break_id
    )
    statement = (statement or "").strip()
    if not statement:
        raise Invalid("statement", _("Say in a few words why you disagree."))
    if len(statement) > STATEMENT_MAX:
        raise Invalid("statement", _("At most %(count)s characters.") % {"count": STATEMENT_MAX})
    agent = access.representative
    disagreement = Disagreement.objects.create(
        person=access.person,
        glass_break=glass,
        event_id=event.pk if event else None,
        statement=statement,
        written_by=user,
        representative=agent,
    )
    recorder.record(
        user,
        Event(
            action=Action.DISAGREEMENT_RECORD,
            person_id=access.person.pk,
            team_id=glass.team_id if glass else None,
            object_type="disagreement",
            object_ids=[disagreement.pk],
            reason=f"about event {event.pk}" if event else f"about emergency access {glass.pk}",  # type: ignore[union-attr]
            representative_id=agent.pk if agent else None,
        ),
    )
    return disagreement


def mine(*, user: User) -> Selection[Disagreement]:
    """The person's disagreements, newest first, each with what it was about and its answer; a shown
    page is recorded as their own reading."""
    access = access_own(user, action=Action.PORTAL_DISAGREEMENTS, scope_needed=ScopeNeeded.JOURNAL)
    rows = Disagreement.objects.filter(person=access.person).select_related("glass_break__team")
    return Selection(rows=rows, record=lambda page: _told(user, access, page))


def _told(user: User, access: OwnSpace, page: Sequence[Disagreement]) -> list[Told]:
    recorder.record(
        user,
        Event(
            action=Action.PORTAL_DISAGREEMENTS,
            person_id=access.person.pk,
            object_type="disagreement",
            object_ids=[d.pk for d in page],
        ),
    )
    ids = {d.event_id for d in page if d.event_id}
    events = list(own_journal(user, access).filter(pk__in=ids)) if ids else []
    lines = dict(
        zip(
            [e.pk for e in events],
            journal.tell(user=user, person=access.person, events=events, record=False),
            strict=True,
        )
    )
    return [Told(d, About(d.event_id, d.glass_break, lines.get(d.event_id or 0))) for d in page]


def queue(*, user: User, waiting_only: bool = True) -> Selection[Disagreement]:
    """For auditors: the disagreements waiting for an answer, oldest first (or every one, newest
    first). A shown page is recorded once per person it names (R5)."""
    auditor = access_auditor(user, Action.DISAGREEMENT_LIST, object_type="disagreement")
    rows = Disagreement.objects.select_related("glass_break__team", "written_by", "answered_by")
    rows = archived.about_unarchived(organisations.audited_disagreements(auditor, rows))
    if waiting_only:
        rows = rows.filter(answered_at__isnull=True).order_by("written_at", "pk")
    return Selection(rows=rows, record=lambda page: _listed(user, page))


def _listed(user: User, page: Sequence[Disagreement]) -> Sequence[Disagreement]:
    by_person: dict[int, list[int]] = defaultdict(list)
    for d in page:
        by_person[d.person_id].append(d.pk)
    events = [
        Event(
            action=Action.DISAGREEMENT_LIST, person_id=person_id, object_type="disagreement", object_ids=ids
        )
        for person_id, ids in by_person.items()
    ]
    recorder.record(user, *(events or [Event(action=Action.DISAGREEMENT_LIST, object_type="disagreement")]))
    return page


def to_answer(*, user: User, disagreement_id: int) -> Disagreement:
    """The disagreement an auditor is about to answer, or a recorded refusal (a 403 for anyone but an
    auditor, a 404 for one that does not exist)."""
    found: Disagreement = reached_by_auditor(
        user,
        Action.DISAGREEMENT_ANSWER,
        lambda auditor: archived.about_unarchived(
            organisations.audited_disagreements(auditor, Disagreement.objects.all())
        ),
        disagreement_id,
        object_type="disagreement",
    )
    return found


@recorder.action
def answer(*, user: User, disagreement_id: int, text: str) -> Disagreement:
    """An auditor's answer, written once; the person is told in their inbox."""
    disagreement = to_answer(user=user, disagreement_id=disagreement_id)
    text = (text or "").strip()
    if not text:
        raise Invalid("answer", _("Write the answer the person will read."))
    if len(text) > STATEMENT_MAX:
        raise Invalid("answer", _("At most %(count)s characters.") % {"count": STATEMENT_MAX})
    now = timezone.now()
    # Written once: of two auditors at the same moment, the second is told it is done.
    if not Disagreement.objects.filter(pk=disagreement.pk, answered_at__isnull=True).update(
        answer=text, answered_by=user, answered_at=now
    ):
        raise Invalid("answer", _("This disagreement has been answered already."))
    disagreement.refresh_from_db()
    recorder.record(
        user,
        Event(
            action=Action.DISAGREEMENT_ANSWER,
            person_id=disagreement.person_id,
            object_type="disagreement",
            object_ids=[disagreement.pk],
        ),
    )
    inbox.tell(disagreement.person_id, Notice.Kind.DISAGREEMENT_ANSWERED, actor_id=user.pk)
    return disagreement
