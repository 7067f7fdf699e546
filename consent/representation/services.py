"""A trusted person or legal representative (issue "Beyond the best", §2): someone who manages
consent with, or for, the person in the portal (FHIR R5's grantor and manager).

A worker of a team that follows the person records it with its evidence (a written designation, a
court's judgement), a role (trusted person, guardian, curator) and a scope: manage consents, read the
journal, or both. The representative opens a portal account of their own with a one-time code; it
serves this person only. What they do names them ("given by X for Y") in the consent, its receipt,
the event and the person's inbox. The person's own account can end a trusted person's role; a legal
mandate is ended by a worker, with evidence. A representative never reads notes (``access.own_space``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from access.own_space import access_own_person, representation
from access.reach import access_person
from access.reach_consents import access_representative
from audit import recorder
from audit.models import Action
from audit.recorder import Event
from consent.invitations.services import make_invitation
from consent.models import Notice, PortalInvitation, Representative
from consent.notices import inbox
from core.domain_errors import Invalid
from records.models import Person
from teams import tokens
from teams.models import User

NAME_MAX_CHARS = 150
EVIDENCE_MAX_CHARS = 1000


def _text(field: str, value: str, limit: int, missing: str) -> str:
    value = (value or "").strip()
    if not value:
        raise Invalid(field, missing)
    if len(value) > limit:
        raise Invalid(field, _("At most %(limit)d characters.") % {"limit": limit})
    return value


def _choice(field: str, value: str, choices: type[Representative.Kind] | type[Representative.Scope]) -> str:
    if value not in choices.values:
        raise Invalid(field, _("Choose one of: %(values)s.") % {"values": ", ".join(choices.values)})
    return value


@recorder.action
def record_representative(
    *, user: User, person_id: int, name: str, kind: str, scope: str, evidence: str
) -> tuple[Representative, str, PortalInvitation]:
    """Record that someone represents the person, with its evidence, and make the one-time code (shown
    once) that opens their own portal account. The person is told in their inbox."""
    person = access_person(
        user, person_id, action=Action.REPRESENTATIVE_RECORD, object_type="representative"
    ).person
    kind = _choice("kind", kind, Representative.Kind)
    if kind == Representative.Kind.TRUSTED_PERSON:
        # The law knows one trusted person at a time (CSP L1111-6, CASF L311-5-1): a new one replaces
        # the old only once the old role has ended, on the record.
        current = Representative.objects.filter(person=person, kind=kind, ended_at__isnull=True).first()
        if current is not None:
            raise Invalid(
                "kind",
                _("%(name)s is already the person's trusted person: end that role first.")
                % {"name": current.name},
            )
    agent = Representative.objects.create(
        person=person,
        name=_text("name", name, NAME_MAX_CHARS, _("Give the name of the person who will act.")),
        kind=kind,
        scope=_choice("scope", scope, Representative.Scope),
        evidence=_text(
            "evidence",
            evidence,
            EVIDENCE_MAX_CHARS,
            _("Say what proves it: a written designation, a court's judgement…"),
        ),
        recorded_by=user,
    )
    recorder.record(
        user,
        Event(
            action=Action.REPRESENTATIVE_RECORD,
            person_id=person.pk,
            object_type="representative",
            object_ids=[agent.pk],
            representative_id=agent.pk,
        ),
    )
    code, invitation = make_invitation(user, agent.person_id, agent)
    inbox.tell(person.pk, Notice.Kind.REPRESENTATIVE_RECORDED, actor_id=user.pk, representative_id=agent.pk)
    return agent, code, invitation


@recorder.action
def new_code_for(*, user: User, representative_id: int) -> tuple[str, PortalInvitation]:
    """A new one-time code for a representative whose role lasts: to open their account, or to choose
    a new password if they lost it (their sessions and API tokens end when they use it)."""
    # Codes are made by a worker, with the person: not by the person's own account.
    access = access_representative(user, representative_id, action=Action.PORTAL_INVITE, by_a_worker=True)
    agent = access.representative
    if agent.ended_at is not None:
        raise Invalid("representative", _("This role has ended: record a new one if it starts again."))
    return make_invitation(user, agent.person_id, agent)


@recorder.action
def end_representative(*, user: User, representative_id: int, evidence: str = "") -> Representative:
    """End a representative's role now. A worker of a following team ends any role, with evidence (a
    judgement lifting the measure, the person's word); the person's own account ends a trusted
    person's role, not a legal mandate. The representative's account closes at once: its sessions,
    API tokens and unused codes end with the role."""
    access = access_representative(user, representative_id, action=Action.REPRESENTATIVE_END)
    agent = access.representative
    if agent.ended_at is not None:
        raise Invalid("representative", _("This role has already ended."))
    if access.reader is None:
        if agent.is_legal:
            raise Invalid(
                "representative",
                _("A legal mandate (tutelle, curatelle) is ended by your worker, with the court's decision."),
            )
        # Left empty unless the person says more: the pages word it in each reader's language.
        end_evidence = (evidence or "").strip()[:EVIDENCE_MAX_CHARS]
    else:
        end_evidence = _text(
            "evidence",
            evidence,
            EVIDENCE_MAX_CHARS,
            _("Say what proves it ends: a judgement, the person's word…"),
        )
    now = timezone.now()
    Representative.objects.filter(pk=agent.pk).update(ended_at=now, ended_by=user, end_evidence=end_evidence)
    PortalInvitation.objects.filter(representative=agent, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    if agent.account is not None:
        User.objects.filter(pk=agent.account.pk).update(is_active=False)
        tokens.revoke_all(agent.account)
    recorder.record(
        user,
        Event(
            action=Action.REPRESENTATIVE_END,
            person_id=agent.person_id,
            object_type="representative",
            object_ids=[agent.pk],
            representative_id=agent.pk,
            reason="by the person" if access.reader is None else "",
        ),
    )
    if access.reader is not None:
        inbox.tell(
            agent.person_id, Notice.Kind.REPRESENTATIVE_ENDED, actor_id=user.pk, representative_id=agent.pk
        )
    agent.refresh_from_db()
    return agent


@dataclass(frozen=True)
class Roles:
    """A person, and who acts or acted for them (current roles first)."""

    person: Person
    representatives: list[Representative]
    by_representative: bool = False  # read by the representative, who sees their own role only


def _recorded(
    user: User, person: Person, found: list[Representative], *, by_representative: bool = False
) -> Roles:
    recorder.record(
        user,
        Event(
            action=Action.REPRESENTATIVE_LIST,
            person_id=person.pk,
            object_type="representative",
            object_ids=[r.pk for r in found],
        ),
    )
    return Roles(person, found, by_representative)


def _of(person: Person) -> list[Representative]:
    return list(Representative.objects.filter(person=person))


def representatives_of(*, user: User, person_id: int) -> Roles:
    """Who acts, or acted, for a person the user's teams follow; recorded."""
    person = access_person(
        user, person_id, action=Action.REPRESENTATIVE_LIST, object_type="representative"
    ).person
    return _recorded(user, person, _of(person))


def my_representatives(*, user: User) -> Roles:
    """In the portal: for the person, who acts or acted for them; for a representative, their own
    role (whatever its scope: they always see what they are). Recorded like any reading."""
    agent = representation(user)
    if agent is not None:
        return _recorded(user, agent.person, [agent], by_representative=True)
    person = access_own_person(user, action=Action.REPRESENTATIVE_LIST)
    return _recorded(user, person, _of(person))


def person_of(*, user: User, representative_id: int) -> int:
    """The person a representation reached by the user concerns (a page shown again after a refusal)."""
    return access_representative(
        user, representative_id, action=Action.REPRESENTATIVE_END
    ).representative.person_id


def open_code(*, person: Person, invitation_id: object) -> PortalInvitation | None:
    """A representative's code the worker just made, while it can still be used; ``person`` is one
    the caller has reached through the policy."""
    if not isinstance(invitation_id, int):
        return None
    return (
        PortalInvitation.objects.filter(
            pk=invitation_id,
            person=person,
            representative__isnull=False,
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("representative")
        .first()
    )
