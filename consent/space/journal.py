"""The person's journal: every event about them, told in plain words (R5, GDPR art. 15).

The wording lives here only: the API's serializer and the pages both show ``Line.sentence`` and its
parts. A refused attempt reads as an attempt ("tried to …, refused"), never as if it happened; what
the person did themselves is said to them ("You …"). The team shown is the actor's own.

Long on purpose: every action's three wordings are in one table, so that each is reviewed next to
the others and no action reaches a person's journal without words of its own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from django.db.models import Q, QuerySet
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access.own_space import ScopeNeeded, access_own, own_journal, person_events, reads_whole_journal
from audit import recorder
from audit.disclosure import Selection
from audit.models import AccessEvent, Action, Outcome
from audit.recorder import Event
from consent.models import Consent, GlassBreak, Representative
from consent.space import journal_groups
from core.date_words import DateWords
from core.text import with_role
from records.models import Person
from teams.models import Category, Membership, Team, User
from teams.presentation import presented_title


@dataclass(frozen=True)
class Wording:
    """One action told three ways: done by someone, tried and refused, done by the person."""

    done: Promise
    tried: Promise
    yours: Promise | None = None


WORDING: dict[str, Wording] = {
    Action.PERSON_LIST: Wording(
        gettext_lazy("%(who)s saw your name in a list."),
        gettext_lazy("%(who)s tried to see your name in a list (refused)."),
    ),
    Action.PERSON_VIEW: Wording(
        gettext_lazy("%(who)s opened your record."),
        gettext_lazy("%(who)s tried to open your record (refused)."),
    ),
    Action.PERSON_CREATE: Wording(
        gettext_lazy("%(who)s created your record."),
        gettext_lazy("%(who)s tried to create your record (refused)."),
    ),
    Action.NOTE_CORRECT: Wording(
        gettext_lazy("%(who)s corrected a note about you."),
        gettext_lazy("%(who)s tried to correct a note about you (refused)."),
    ),
    Action.PERSON_UPDATE: Wording(
        gettext_lazy("%(who)s changed your contact details."),
        gettext_lazy("%(who)s tried to change your contact details (refused)."),
    ),
    Action.NOTE_LIST: Wording(
        gettext_lazy("%(who)s read notes about you."),
        gettext_lazy("%(who)s tried to read notes about you (refused)."),
    ),
    Action.NOTE_VIEW: Wording(
        gettext_lazy("%(who)s read a note about you."),
        gettext_lazy("%(who)s tried to read a note about you (refused)."),
    ),
    Action.NOTE_CREATE: Wording(
        gettext_lazy("%(who)s wrote a note about you."),
        gettext_lazy("%(who)s tried to write a note about you (refused)."),
    ),
    Action.CONSENT_VIEW: Wording(
        gettext_lazy("%(who)s looked at your consents."),
        gettext_lazy("%(who)s tried to look at your consents (refused)."),
        gettext_lazy("You looked at your consents."),
    ),
    Action.CONSENT_RECORD: Wording(
        gettext_lazy("%(who)s recorded your consent."),
        gettext_lazy("%(who)s tried to record a consent for you (refused)."),
        gettext_lazy("You gave your consent."),
    ),
    Action.CONSENT_WITHDRAW: Wording(
        gettext_lazy("%(who)s recorded that you withdrew a consent."),
        gettext_lazy("%(who)s tried to record the withdrawal of a consent (refused)."),
        gettext_lazy("You withdrew a consent."),
    ),
    Action.CONSENT_EVIDENCE: Wording(
        gettext_lazy("%(who)s downloaded your signed consent form."),
        gettext_lazy("%(who)s tried to download your signed consent form (refused)."),
        gettext_lazy("You downloaded your signed consent form."),
    ),
    Action.RECEIPT_VIEW: Wording(
        gettext_lazy("%(who)s looked at a consent receipt."),
        gettext_lazy("%(who)s tried to look at a consent receipt (refused)."),
        gettext_lazy("You looked at a consent receipt."),
    ),
    Action.FOLLOW_UP_OPEN: Wording(
        gettext_lazy("%(who)s asked another team to follow you."),
        gettext_lazy("%(who)s tried to ask another team to follow you (refused)."),
    ),
    Action.FOLLOW_UP_CLOSE: Wording(
        gettext_lazy("%(who)s ended a team's follow-up."),
        gettext_lazy("%(who)s tried to end a team's follow-up (refused)."),
    ),
    Action.PORTAL_INVITE: Wording(
        gettext_lazy("%(who)s made a code to open your space."),
        gettext_lazy("%(who)s tried to make a code to open your space (refused)."),
    ),
    Action.PORTAL_ACTIVATE: Wording(
        gettext_lazy("Your space was opened."),
        gettext_lazy("Someone tried to open your space with a code (refused)."),
        gettext_lazy("You opened your space."),
    ),
    Action.PORTAL_RESET: Wording(
        gettext_lazy("Your space was given a new password, with a code from your worker."),
        gettext_lazy("Someone tried to change the password of your space with a code (refused)."),
        # Not "you chose": whoever held the code did, and it may not have been the person (R10, R11).
        gettext_lazy(
            "Your space was given a new password with a code a worker made. "
            "If it was not you, tell your team."
        ),
    ),
    Action.SPACE_RESET_CONFIRM: Wording(
        gettext_lazy("Your space confirmed that its new password is yours."),
        gettext_lazy("Someone tried to confirm your space's new password (refused)."),
        gettext_lazy("You confirmed that your space's new password is yours."),
    ),
    Action.SPACE_RESET_REVIEW: Wording(
        gettext_lazy("%(who)s reviewed the new password given to your space."),
        gettext_lazy("%(who)s tried to review the new password given to your space (refused)."),
    ),
    Action.PORTAL_CONSENTS: Wording(
        gettext_lazy("%(who)s looked at your consents."),
        gettext_lazy("%(who)s tried to look at your consents (refused)."),
        gettext_lazy("You looked at your consents."),
    ),
    Action.PORTAL_ACCESS_LOG: Wording(
        gettext_lazy("%(who)s looked at this journal."),
        gettext_lazy("%(who)s tried to look at this journal (refused)."),
        gettext_lazy("You looked at this journal."),
    ),
    Action.PORTAL_RECEIPTS: Wording(
        gettext_lazy("%(who)s looked at your receipts."),
        gettext_lazy("%(who)s tried to look at your receipts (refused)."),
        gettext_lazy("You looked at your receipts."),
    ),
    Action.PORTAL_EXPORT: Wording(
        gettext_lazy("%(who)s downloaded your data."),
        gettext_lazy("%(who)s tried to download your data (refused)."),
        gettext_lazy("You downloaded your data."),
    ),
    Action.GLASS_BREAK: Wording(
        gettext_lazy("%(who)s opened an emergency access to your information."),
        gettext_lazy("%(who)s tried to open an emergency access to your information (refused)."),
    ),
    Action.GLASS_BREAK_REVIEW: Wording(
        gettext_lazy("%(who)s reviewed an emergency access to your information."),
        gettext_lazy("%(who)s tried to review an emergency access (refused)."),
    ),
    Action.GLASS_BREAK_ACKNOWLEDGE: Wording(
        gettext_lazy("%(who)s acknowledged an emergency access."),
        gettext_lazy("%(who)s tried to acknowledge an emergency access (refused)."),
        gettext_lazy("You acknowledged an emergency access to your information."),
    ),
    # Its end is the record's, whoever caused it (a manager, the team, the clock): told without a name.
    Action.GLASS_BREAK_END: Wording(
        gettext_lazy("An emergency access to your information ended."),
        gettext_lazy("An emergency access to your information ended."),
    ),
    Action.PORTAL_NOTICES: Wording(
        gettext_lazy("%(who)s looked at your notices."),
        gettext_lazy("%(who)s tried to look at your notices (refused)."),
        gettext_lazy("You looked at your notices."),
    ),
    Action.NOTICE_READ: Wording(
        gettext_lazy("%(who)s marked notices as read."),
        gettext_lazy("%(who)s tried to mark your notices as read (refused)."),
        gettext_lazy("You marked notices as read."),
    ),
    Action.NOTICE_EMAIL: Wording(
        gettext_lazy("%(who)s changed how you are told by e-mail."),
        gettext_lazy("%(who)s tried to change how you are told by e-mail (refused)."),
        gettext_lazy("You changed how you are told by e-mail."),
    ),
    Action.DISAGREEMENT_RECORD: Wording(
        gettext_lazy("%(who)s said for you that you disagree, and why; the auditors read it."),
        gettext_lazy("%(who)s tried to say that you disagree (refused)."),
        gettext_lazy("You said you disagree, and why; the auditors read it."),
    ),
    Action.DISAGREEMENT_LIST: Wording(
        gettext_lazy("%(who)s read your disagreement, to answer it."),
        gettext_lazy("%(who)s tried to read your disagreements (refused)."),
    ),
    Action.DISAGREEMENT_ANSWER: Wording(
        gettext_lazy("%(who)s answered your disagreement."),
        gettext_lazy("%(who)s tried to answer your disagreement (refused)."),
    ),
    Action.PORTAL_DISAGREEMENTS: Wording(
        gettext_lazy("%(who)s looked at your disagreements."),
        gettext_lazy("%(who)s tried to look at your disagreements (refused)."),
        gettext_lazy("You looked at your disagreements."),
    ),
    Action.REPRESENTATIVE_RECORD: Wording(
        gettext_lazy("%(who)s recorded someone who acts for you."),
        gettext_lazy("%(who)s tried to record someone who acts for you (refused)."),
    ),
    Action.REPRESENTATIVE_LIST: Wording(
        gettext_lazy("%(who)s looked at who acts for you."),
        gettext_lazy("%(who)s tried to look at who acts for you (refused)."),
        gettext_lazy("You looked at who acts for you."),
    ),
    Action.REPRESENTATIVE_END: Wording(
        gettext_lazy("%(who)s ended the role of someone who acted for you."),
        gettext_lazy("%(who)s tried to end the role of someone who acts for you (refused)."),
        gettext_lazy("You ended the role of someone who acted for you."),
    ),
    Action.EXCLUSION_RECORD: Wording(
        gettext_lazy("%(who)s recorded, with you, a worker who must not read your record."),
        gettext_lazy("%(who)s tried to record a worker who must not read your record (refused)."),
        gettext_lazy("You chose a worker who must not read your record."),
    ),
    Action.EXCLUSION_LIST: Wording(
        gettext_lazy("%(who)s looked at who must not read your record."),
        gettext_lazy("%(who)s tried to look at who must not read your record (refused)."),
        gettext_lazy("You looked at who must not read your record."),
    ),
    Action.EXCLUSION_LIFT: Wording(
        gettext_lazy("%(who)s recorded, with you, that a worker may read your record again."),
        gettext_lazy("%(who)s tried to let a worker read your record again (refused)."),
        gettext_lazy("You let a worker read your record again."),
    ),
    Action.NOTE_HIDE: Wording(
        gettext_lazy("%(who)s hid a note about you."),
        gettext_lazy("%(who)s tried to hide a note about you (refused)."),
        gettext_lazy("You hid a note."),
    ),
    Action.NOTE_SHOW: Wording(
        gettext_lazy("%(who)s showed a hidden note again."),
        gettext_lazy("%(who)s tried to show a hidden note again (refused)."),
        gettext_lazy("You showed a hidden note again."),
    ),
    Action.PORTAL_NOTES: Wording(
        gettext_lazy("%(who)s looked at your notes in your space."),
        gettext_lazy("%(who)s tried to look at your notes in your space (refused)."),
        gettext_lazy("You looked at your notes."),
    ),
    Action.AUDIT_VIEW: Wording(
        gettext_lazy("%(who)s checked the journal about you (audit)."),
        gettext_lazy("%(who)s tried to check the journal about you (refused)."),
    ),
    Action.AUDIT_EXPORT: Wording(
        gettext_lazy("%(who)s exported the journal about you (audit)."),
        gettext_lazy("%(who)s tried to export the journal about you (refused)."),
    ),
}
# Acts on a consent, told with the team it is for (issue 21, item 10), when the event names it.
WITH_TEAM: dict[str, Wording] = {
    Action.CONSENT_RECORD: Wording(
        gettext_lazy("%(who)s recorded your consent for %(team)s."),
        gettext_lazy("%(who)s tried to record a consent for you for %(team)s (refused)."),
        gettext_lazy("You gave your consent to %(team)s."),
    ),
    Action.CONSENT_WITHDRAW: Wording(
        gettext_lazy("%(who)s recorded that you withdrew your consent for %(team)s."),
        gettext_lazy("%(who)s tried to record the withdrawal of your consent for %(team)s (refused)."),
        gettext_lazy("You withdrew your consent for %(team)s."),
    ),
}
# A consent that shares nothing is a refusal (R7): told as one.
REFUSAL = Wording(
    gettext_lazy("%(who)s recorded that you share nothing with %(team)s."),
    gettext_lazy("%(who)s tried to record a consent for you for %(team)s (refused)."),
    gettext_lazy("You chose to share nothing with %(team)s."),
)
# The same acts, when they concern a representative's own space rather than the person's.
FOR_A_REPRESENTATIVE: dict[str, Wording] = {
    Action.PORTAL_INVITE: Wording(
        gettext_lazy("%(who)s made a code for someone who acts for you to open their space."),
        gettext_lazy("%(who)s tried to make a code for someone who acts for you (refused)."),
    ),
    Action.PORTAL_ACTIVATE: Wording(
        gettext_lazy("%(who)s opened their space, to act for you."),
        gettext_lazy("Someone tried to open a space to act for you with a code (refused)."),
        gettext_lazy("You opened your space, to act for this person."),
    ),
    Action.PORTAL_RESET: Wording(
        gettext_lazy("%(who)s chose a new password for the space where they act for you."),
        gettext_lazy("Someone tried to change the password of a space that acts for you (refused)."),
        gettext_lazy(
            "Your space was given a new password with a code a worker made. If it was not you, tell the team."
        ),
    ),
}
OTHER = Wording(
    gettext_lazy("%(who)s acted on your information."),
    gettext_lazy("%(who)s tried to act on your information (refused)."),
)
# What the person does in their own space: left out of the journal unless they ask to see it.
OWN_VIEWS = (
    Action.PORTAL_CONSENTS,
    Action.PORTAL_ACCESS_LOG,
    Action.PORTAL_RECEIPTS,
    Action.CONSENT_VIEW,
    Action.RECEIPT_VIEW,
    Action.PORTAL_NOTICES,
    Action.NOTICE_READ,
    Action.REPRESENTATIVE_LIST,
    Action.PORTAL_DISAGREEMENTS,
    Action.PORTAL_NOTES,
)


@dataclass
class Line:
    """One event about the person, told in their words."""

    event_id: int
    at: datetime
    who: str
    team: str
    title: str
    sentence: str
    categories: list[str]
    purpose: str
    refused: bool
    by_you: bool
    emergency: str = ""  # the reason of the emergency access that allowed it, in words
    organisation: str = ""  # the organisation behind the actor's team: who holds what they did
    count: int = 1  # how many events the line tells (a team's lists of a day: ``journal_groups``)

    # Each part is told once: a page asks for the time twice and for the others to test and to show.

    @cached_property
    def when(self) -> str:
        return _when(self.at)

    @cached_property
    def information(self) -> str:
        return (
            _("Information: %(labels)s.") % {"labels": ", ".join(self.categories)} if self.categories else ""
        )

    @cached_property
    def why(self) -> str:
        if self.emergency:
            return _("Emergency access: %(reason)s.") % {"reason": self.emergency}
        return _("Purpose: %(purpose)s.") % {"purpose": self.purpose} if self.purpose else ""

    @cached_property
    def outcome(self) -> str:
        return _("Nothing was shown.") if self.refused else ""

    @property
    def summary(self) -> str:
        """The whole line as one text (the API, the printed journal)."""
        parts = [f"{self.when} — {self.sentence}", self.outcome, self.information, self.why]
        return " ".join(part for part in parts if part)


# Each language's date format, read once (``core.date_words``), not once per line of every page.
_FORMATS: dict[str, DateWords] = {}


def _when(at: datetime) -> str:
    """``formats.date_format(localtime(at), "DATETIME_FORMAT")``, the same words."""
    format_string = str(formats.get_format("DATETIME_FORMAT"))
    words = _FORMATS.get(format_string)
    if words is None:
        words = _FORMATS[format_string] = DateWords.of(format_string)
    return words(timezone.localtime(at))


def _without_own_views(events: QuerySet[AccessEvent], account_id: int) -> QuerySet[AccessEvent]:
    # The account first: a number compared, where ten actions would be for every event.
    return events.exclude(Q(actor_id=account_id) & Q(action__in=OWN_VIEWS))


def _whole(ids: Mapping[str, list[int]], _at: datetime) -> QuerySet[AccessEvent]:
    """The journal of a space that reads it whole (``own_journal``), its own visits left out for
    ``account`` if named: the events ``journal`` reads, from ids."""
    events = person_events(ids["person"][0])
    return _without_own_views(events, ids["account"][0]) if "account" in ids else events


def journal(*, user: User, include_own: bool = False) -> Selection[AccessEvent]:
    """Every event about the person, newest first, refused attempts included; the person's own
    visits to their space only if asked. A shown page is told in words and recorded."""
    access = access_own(user, action=Action.PORTAL_ACCESS_LOG, scope_needed=ScopeNeeded.JOURNAL)
    person = access.person
    whole = reads_whole_journal(access)
    events: QuerySet[AccessEvent] = own_journal(user, access, whole=whole)
    if not include_own:
        events = _without_own_views(events, user.pk)
    statement = None
    if whole:  # the same events, as a statement compiled once (its count)
        ids = {"person": [person.pk], **({} if include_own else {"account": [user.pk]})}
        statement = journal_groups.Compiled(f"journal:{'all' if include_own else 'others'}", _whole, ids)
    lists = journal_groups.listed(events)
    return Selection(
        rows=journal_groups.lines(events, statement),
        record=lambda page: tell(user=user, person=person, events=page, lists=lists),
    )


def tell(
    *,
    user: User,
    person: Person,
    events: Sequence[AccessEvent],
    lists: QuerySet[AccessEvent] | None = None,
    record: bool = True,
) -> list[Line]:
    """Tell a page of events in words, in a fixed number of queries; the reading is recorded, every
    event a grouped line stands for included (``lists``: the names seen in lists, ungrouped)."""
    data = [e.data for e in events]
    groups = journal_groups.groups_of(lists, events) if lists is not None else {}
    actor_ids = {d["actor"] for d in data if d["actor"]} | {
        actor for members in groups.values() for _pk, actor in members if actor
    }
    accounts = User.objects.filter(pk__in=actor_ids).values_list(
        "pk", "display_name", "is_auditor", "representation__kind", "representation__person_id"
    )
    names = {pk: name for pk, name, _auditor, _kind, _for in accounts}
    auditors = {pk for pk, _name, auditor, _kind, _for in accounts if auditor}
    kinds = dict(Representative.Kind.choices)
    # Who acts, or acted, for this person: named with their role ("Name (trusted person)").
    roles = {pk: str(kinds[kind]) for pk, _name, _auditor, kind, of in accounts if kind and of == person.pk}
    teams_of: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    organisations: dict[int, str] = {}
    for user_id, team_id, team_name, title, profession, peer, shown, organisation in (
        Membership.objects.filter(user_id__in=actor_ids)
        .order_by("team__name")
        .values_list(
            "user_id",
            "team_id",
            "team__name",
            "title",
            "profession",
            "is_peer_worker",
            "peer_role_shown",
            "team__organisation__name",
        )
    ):
        organisations[team_id] = organisation
        # As the member chose to be presented: a peer role is told only if they chose to tell it.
        words = presented_title(
            title=title, profession=profession, is_peer_worker=peer, peer_role_shown=shown
        )
        teams_of[user_id].append((team_id, team_name, words))
    purposes = dict(
        Consent.objects.filter(pk__in={d["consent"] for d in data if d["consent"]}).values_list(
            "pk", "purpose"
        )
    )
    reasons = dict(GlassBreak.Reason.choices)
    emergencies = {
        pk: str(reasons.get(reason, reason))
        for pk, reason in GlassBreak.objects.filter(
            pk__in={d["glass_break"] for d in data if d.get("glass_break")}
        ).values_list("pk", "reason")
    }
    codes = {code for d in data for code in d["categories"]}
    labels = {c.code: c.label for c in Category.objects.filter(code__in=codes)}
    consent_teams = {d["team"] for d in data if d["action"] in WITH_TEAM and d["team"]}
    team_names = (
        dict(Team.objects.filter(pk__in=consent_teams).values_list("pk", "name")) if consent_teams else {}
    )
    lines = []
    for event, d in zip(events, data, strict=True):
        by_you = d["actor"] == user.pk
        refused = d["outcome"] == Outcome.DENIED
        own_teams = teams_of.get(d["actor"], [])
        actor_team_id, team, title = next(
            (t for t in own_teams if t[0] == d["team"]), own_teams[0] if own_teams else (None, "", "")
        )
        if not team and not title and d["actor"] in auditors:
            title = str(_("access control"))  # one word for the role, whatever the account's name says
        if not team and not title and d["actor"] in roles:
            title = roles[d["actor"]]
        who = names.get(d["actor"]) or d["actor_label"] or str(_("Someone unknown"))
        wording = WORDING.get(d["action"], OTHER)
        if d.get("representative") and d["action"] in FOR_A_REPRESENTATIVE:
            wording = FOR_A_REPRESENTATIVE[d["action"]]
        recipient = team_names.get(d["team"], "") if d["action"] in WITH_TEAM else ""
        if recipient:
            refusal = d["action"] == Action.CONSENT_RECORD and d.get("reason") == "refusal"
            wording = REFUSAL if refusal else WITH_TEAM[d["action"]]
        members = groups.get(event.pk, [])
        if len(members) > 1:
            sentence = _seen_in_lists(members, team, names, teams_of, d["team"])
        elif by_you and wording.yours is not None and not refused:
            sentence = str(wording.yours) % {"team": recipient}
        else:
            label = with_role(who, ", ".join(x for x in (team, title) if x))
            sentence = str(wording.tried if refused else wording.done) % {"who": label, "team": recipient}
        lines.append(
            Line(
                event_id=event.pk,
                at=event.occurred_at,
                who=str(_("You")) if by_you else who,
                team=team,
                title=title,
                sentence=sentence,
                categories=[labels.get(code, code) for code in d["categories"]],
                purpose=purposes.get(d["consent"], ""),
                refused=refused,
                by_you=by_you,
                emergency=emergencies.get(d.get("glass_break") or 0, ""),
                organisation=organisations.get(actor_team_id or 0, ""),
                count=max(len(members), 1),
            )
        )
    if not record:  # told inside a page that records its own reading (``consent.disagreements.services``)
        return lines
    told = [e.pk for e in events] + [pk for members in groups.values() for pk, _actor in members]
    recorder.record(
        user,
        Event(
            action=Action.PORTAL_ACCESS_LOG,
            person_id=person.pk,
            object_type="audit_event",
            object_ids=sorted(set(told), reverse=True),
        ),
    )
    return lines


def _seen_in_lists(
    members: list[tuple[int, int]],
    team: str,
    names: dict[int, str],
    teams_of: dict[int, list[tuple[int, str, str]]],
    team_id: int,
) -> str:
    """One line for a team's lists of a day: how many times, and who, each named once."""
    who: list[str] = []
    for actor in dict.fromkeys(actor for _pk, actor in members):
        title = next((t[2] for t in teams_of.get(actor, []) if t[0] == team_id), "")
        label = with_role(names.get(actor) or str(_("Someone unknown")), title)
        if label not in who:
            who.append(label)
    return _("Your name was seen in a list %(count)s times that day by %(team)s: %(names)s.") % {
        "count": len(members),
        "team": team or _("a team"),
        "names": ", ".join(who),
    }
