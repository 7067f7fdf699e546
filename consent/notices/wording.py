"""The person's inbox in words (``consent.notices.inbox``): one plain sentence per notice, in the person's
language, when, and where to look. Who acted is named as they chose to be presented in the notice's
team, or, for someone who acts for the person, with their role."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from consent.models import Notice
from core.text import with_role
from teams.presentation import names_in_teams


@dataclass(frozen=True)
class Worded:
    """A notice as the person reads it: one plain sentence, when, and where to look."""

    notice: Notice
    text: str
    link: str
    link_text: str

    @property
    def unread(self) -> bool:
        return self.notice.read_at is None


def worded(notices: Sequence[Notice]) -> list[Worded]:
    """Notices in plain words, in the person's language, each actor named as they chose to be
    presented in the notice's team (one query for the page)."""
    actors = {n.actor.pk: n.actor for n in notices if n.actor is not None}
    pairs = {(n.actor.pk, n.team_id) for n in notices if n.actor is not None and n.team_id is not None}
    names = names_in_teams(actors, pairs)
    return [
        _worded(
            n, names.get((n.actor_id or 0, n.team_id or 0)) or (n.actor.label if n.actor else _("Someone"))
        )
        for n in notices
    ]


def _worded(notice: Notice, who: str) -> Worded:
    team = notice.team.name if notice.team else _("a team")
    receipt = reverse("consent-receipt-page", args=[notice.consent_id]) if notice.consent_id else ""
    kind = notice.kind
    if kind == Notice.Kind.FOLLOW_UP:
        text = _("%(team)s started to accompany you. It sees only your name until you agree to more.")
        return Worded(notice, text % {"team": team}, reverse("portal-home"), _("Choose what it sees"))
    agent = notice.representative
    if agent is not None:
        who = with_role(agent.name, str(agent.get_kind_display()))
        if kind == Notice.Kind.REPRESENTATIVE_RECORDED:
            text = _("%(who)s can now act for you in your space: %(scope)s.")
            return Worded(
                notice,
                text % {"who": who, "scope": agent.get_scope_display()},
                reverse("portal-representatives"),
                _("See who acts for you"),
            )
        if kind == Notice.Kind.REPRESENTATIVE_ENDED:
            text = _("%(who)s no longer acts for you.") % {"who": who}
            return Worded(notice, text, reverse("portal-representatives"), _("See who acts for you"))
        if kind == Notice.Kind.SPACE_RESET:
            text = _(
                "The space of %(who)s, who acts for you, was given a new password with a worker's code. "
                "If it was not them, tell your team: an auditor checks every such code."
            ) % {"who": who}
            return Worded(notice, text, reverse("portal-journal"), _("See who looked"))
    if kind == Notice.Kind.CONSENT_RECORDED:
        text = _("%(who)s recorded your consent for %(team)s.") % {"who": who, "team": team}
        return Worded(notice, text, receipt, _("See the receipt"))
    if kind == Notice.Kind.CONSENT_WITHDRAWN:
        text = (
            _("%(who)s withdrew your consent for %(team)s.")
            if agent is not None
            else _("%(who)s recorded that you withdrew your consent for %(team)s.")
        ) % {"who": who, "team": team}
        return Worded(notice, text, receipt + "?event=withdrawn" if receipt else "", _("See the receipt"))
    if kind == Notice.Kind.CONSENT_ENDING:
        # Compared with the team's latest consent (``inbox.holding``): the same end still ahead is
        # still an offer to renew; another end means it was renewed or changed since.
        consent = notice.consent
        ends = consent.valid_until if consent else None
        day = date_format(timezone.localtime(ends), "DATE_FORMAT") if ends else ""
        latest_until = getattr(notice, "latest_until", ends)
        if ends is None or latest_until != ends:
            text = _(
                "Your consent for %(team)s, which was to end on %(day)s, has been renewed or changed since."
            )
            return Worded(
                notice, text % {"team": team, "day": day}, reverse("portal-home"), _("See who sees what")
            )
        if ends <= timezone.now():
            text = _("Your consent for %(team)s ended on %(day)s.")
            return Worded(
                notice, text % {"team": team, "day": day}, reverse("portal-home"), _("See who sees what")
            )
        text = _("Your consent for %(team)s ends on %(day)s. You can renew it in one click.")
        return Worded(notice, text % {"team": team, "day": day}, reverse("portal-home"), _("Renew it"))
    if kind == Notice.Kind.SPACE_RESET:
        text = _(
            "Your space was given a new password with a code made by %(who)s. If it was not you, "
            "tell another worker of your team: an auditor checks every such code."
        ) % {"who": who}
        return Worded(notice, text, reverse("portal-journal"), _("See what your space did since"))
    if kind == Notice.Kind.GLASS_BROKEN:
        text = _(
            "%(who)s opened an emergency access to your information for %(team)s, for a few hours. "
            "It is recorded and an auditor reviews it."
        ) % {"who": who, "team": team}
        return Worded(notice, text, reverse("portal-home"), _("See what was opened"))
    if kind == Notice.Kind.DISAGREEMENT_ANSWERED:
        text = _("An auditor answered what you said you disagree with.")
        return Worded(notice, text, reverse("portal-disagreements"), _("Read the answer"))
    if kind in (Notice.Kind.RECORD_ARCHIVING, Notice.Kind.RECORD_ERASING):
        return _retention_worded(notice)
    text = _("%(who)s read your information for the first time.") % {"who": who}
    return Worded(notice, text, reverse("portal-journal"), _("See who looked"))


def _retention_worded(notice: Notice) -> Worded:
    """The retention job's notices (``relais.retention``): what will happen to the file, and when."""
    due = notice.due_at or notice.happened_at
    day = date_format(timezone.localtime(due), "DATE_FORMAT")
    if notice.kind == Notice.Kind.RECORD_ARCHIVING:
        text = _(
            "No team has accompanied you for a long time. From %(day)s, your file will be put away: "
            "no team will read it any more. You can still see it here until it is erased."
        )
        return Worded(notice, text % {"day": day}, reverse("portal-print"), _("See my data"))
    text = _(
        "From %(day)s, your file will be erased from Relais: your notes, your consents and this space. "
        "If you want a copy, download it before."
    )
    return Worded(notice, text % {"day": day}, reverse("portal-download"), _("Download my data"))
