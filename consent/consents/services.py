"""Consents given, changed and withdrawn (R7), with their receipts, and portal invitations.

Every function here is an ``action``: all or nothing, its events with its rows.

Long on purpose: a consent, its change, its withdrawal and their signed receipts are one record,
and are read together.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from access import organisations as organisation_rules
from access.locks import lock_to_end
from access.own_space import OwnSpace, refuse_while_restricted
from access.reach import access_person, access_person_or_own
from access.reach_consents import access_consent_as
from access.rules import team_follows
from audit import recorder
from audit.models import Action
from audit.recorder import Event
from consent.consents.evidence import (
    EvidenceFile,
    attach_evidence,
    attach_withdrawal_evidence,
    check_evidence,
)
from consent.information.texts import basis_given, text_given
from consent.invitations.services import make_invitation
from consent.models import Consent, Method, Notice, PortalInvitation, Receipt, Representative, Withdrawal
from consent.notices import inbox
from consent.recovery import services as recovery
from core import signing
from core.domain_errors import Conflict, Invalid
from teams import organisations
from teams.asking import Manager, access_administration
from teams.models import Category, Team, User
from teams.organisations import Administration
from teams.selectors import team_named_in_input
from web.presence import presence_for


def _receipt(
    consent: Consent,
    event: str,
    at: datetime,
    method: str,
    codes: list[str],
    representative: Representative | None = None,
    presence: str = "",
) -> Receipt:
    payload: dict[str, object] = {
        "consent": consent.pk,
        "person": consent.person_id,
        "team": consent.team_id,
        "team_name": consent.team.name,
        # Who holds the data, and where the person writes for their rights: signed with the rest.
        "organisation": _organisation_of(consent.team),
        "categories": codes,
        "purpose": consent.purpose,
        "method": method,
        "event": event,
        "at": at.isoformat(),
        "valid_until": consent.valid_until.isoformat() if consent.valid_until else None,
        "supersedes": consent.supersedes_id,
        **informed(consent),
    }
    if representative is not None:  # "given by X for Y": who acted, and in what capacity
        payload["given_by"] = {
            "representative": representative.pk,
            "name": representative.name,
            "role": representative.kind,
        }
    if presence:  # recorded for another team than the worker's: who was there (issue 21)
        payload["presence"] = presence
    text, signature = signing.sign(payload)
    return Receipt.objects.create(consent=consent, event=event, payload=text, signature=signature)


def _organisation_of(team: Team) -> dict[str, object]:
    """The organisation behind a team, as a receipt names it: the data controller and its contacts."""
    organisation = team.organisation
    return {
        "id": organisation.pk,
        "name": organisation.name,
        "legal_name": organisation.legal_name,
        "data_protection_contact": organisation.data_protection_contact,
        "postal_address": organisation.postal_address,
    }


def informed(consent: Consent) -> dict[str, object]:
    """What the person was told and on what basis, as the receipt signs it: the text by version,
    language and reading level, with the digest of its exact words; or, for a consent recorded before
    Relais kept them, that it was."""
    text = consent.information
    if text is None:
        return {"information": None, "legal_basis": None, "before_information": True}
    return {
        "information": {
            "id": text.pk,
            "version": text.version,
            "language": text.language,
            "easy_read": text.easy_read,
            "title": text.title,
            "sha256": hashlib.sha256(text.body.encode()).hexdigest(),
        },
        "legal_basis": consent.legal_basis,
    }


def _check_method(
    from_own_space: bool, method: str, message_for_member: str, message_for_person: str
) -> None:
    if from_own_space != (method == Method.PORTAL):
        raise Invalid("method", message_for_person if from_own_space else message_for_member)


def mission_categories(team: Team, codes: list[str]) -> dict[str, int]:
    """The categories named by ``codes`` (code -> id), or an error on the field if one is unknown or
    one the team's mission does not need (R2): what a consent or an emergency access may name."""
    found = dict(Category.objects.filter(code__in=codes).values_list("code", "pk"))
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise Invalid("categories", _("Unknown category: %(codes)s.") % {"codes": ", ".join(unknown)})
    needed = set(team.continuity_categories.values_list("code", flat=True))
    beyond = [c for c in codes if c not in needed]
    if beyond:
        raise Invalid(
            "categories",
            _("The mission of %(team)s does not need: %(codes)s.")
            % {"team": team.name, "codes": ", ".join(beyond)},
        )
    return found


@recorder.action
def record_consent(
    *,
    user: User,
    person_id: int,
    team_id: int,
    categories: list[str],
    purpose: str,
    method: str,
    valid_until: datetime | None = None,
    evidence: EvidenceFile | None = None,
    replaces: int | None = None,
    renewing: int | None = None,
    presence: str | None = None,
    confirmed: bool = False,
    information: int | None = None,
    legal_basis: str | None = None,
) -> Consent:
    """Record what the person agreed to share with a team; it supersedes the team's previous consent.

    An empty list of categories is an explicit refusal. ``evidence`` is an optional scan of the signed
    form, kept encrypted. ``replaces`` names the consent a change starts from (as the worker saw it),
    ``renewing`` the one a renewal continues: either must still be the team's running consent once
    locked, or nothing is recorded. For a team that is not one of the worker's own, ``presence``
    (who is there: ``web.presence.Presence``) and ``confirmed`` are required, and recorded.
    ``information`` names the text the person saw or was read and ``legal_basis`` the basis of the
    processing (``consent.models.LegalBasis``): both are required, and signed into the receipt.
    """
    access = access_person_or_own(user, person_id, action=Action.CONSENT_RECORD, object_type="consent")
    person = access.person
    from_own_space = isinstance(access, OwnSpace)
    agent = access.representative if isinstance(access, OwnSpace) else None
    if from_own_space:
        refuse_while_restricted(user, action=Action.CONSENT_RECORD, person_id=person.pk)
    _check_method(
        from_own_space,
        method,
        _("“portal” is for consents the person gives themselves."),
        _("A consent given through the portal has the method “portal”."),
    )
    team = team_named_in_input(team_id)
    if not team_follows(team, person):
        raise Invalid("team", _("This team does not follow this person."))
    if not isinstance(access, OwnSpace):
        organisation_rules.refuse_consent_for_another_organisation(user, team)
    present = presence_for(
        own_team=isinstance(access, OwnSpace) or team.pk in access.member.team_ids,
        presence=presence,
        confirmed=confirmed,
    )
    if valid_until is not None and valid_until <= timezone.now():
        raise Invalid("valid_until", _("The end date must be in the future."))
    codes = sorted(set(categories))
    found = mission_categories(team, codes)
    text, basis = text_given(information), basis_given(legal_basis)
    previous = (
        Consent.objects.filter(person=person, team=team)
        .annotate(was_withdrawn=Exists(Withdrawal.objects.filter(consent=OuterRef("pk"))))
        .order_by("-id")
        .first()
    )
    if previous is not None:
        lock_to_end(previous.pk)
        _still_as_seen(previous, replaces=replaces, renewing=renewing)
    elif replaces is not None or renewing is not None:
        raise Conflict(_("This consent was changed meanwhile; reload and try again."))
    try:
        with transaction.atomic():
            consent = Consent.objects.create(
                person=person,
                team=team,
                purpose=purpose,
                method=method,
                recorded_by=user,
                valid_until=valid_until,
                supersedes=previous,
                representative=agent,
                information=text,
                legal_basis=basis,
            )
    except IntegrityError:
        raise Conflict(_("This consent was changed meanwhile; reload and try again.")) from None
    consent.categories.set(found[c] for c in codes)
    if evidence is not None:
        attach_evidence(user=user, consent=consent, evidence=evidence)
    _receipt(consent, Receipt.Event.GIVEN, consent.recorded_at, method, codes, agent, present)
    recorder.record(
        user,
        Event(
            action=Action.CONSENT_RECORD,
            person_id=person.pk,
            team_id=team.pk,
            object_type="consent",
            object_ids=[consent.pk],
            categories=codes,
            consent_id=consent.pk,
            reason="; ".join(part for part in ("" if codes else "refusal", present) if part),
            representative_id=agent.pk if agent else None,
        ),
    )
    if not from_own_space or agent is not None:  # the person is told of what others did for them
        inbox.tell(
            person.pk,
            Notice.Kind.CONSENT_RECORDED,
            team_id=team.pk,
            consent_id=consent.pk,
            actor_id=user.pk,
            representative_id=agent.pk if agent else None,
        )
    return consent


def _still_as_seen(previous: Consent, *, replaces: int | None, renewing: int | None) -> None:
    """Under the consent's lock, read its life again (R7: a renewal, a change and a withdrawal of one
    consent are serialised, and a withdrawal, once answered, holds). A withdrawal that landed while
    this request waited for the lock wins over whatever was about to replace the consent; so does any
    end of the consent that a change (``replaces``) or a renewal (``renewing``) was made from. A new
    consent after a withdrawal already on the record stays possible: that is how sharing starts again."""
    withdrawn_now = Withdrawal.objects.filter(consent_id=previous.pk).exists()
    if withdrawn_now and not previous.was_withdrawn:  # type: ignore[attr-defined]  # annotated above
        raise Conflict(_("This consent was withdrawn meanwhile: nothing was recorded. Reload to see it."))
    expected = renewing if renewing is not None else replaces
    if expected is None:
        return
    expired = previous.valid_until is not None and previous.valid_until <= timezone.now()
    if previous.pk != expected or withdrawn_now or (renewing is not None and expired):
        raise Conflict(
            _("This consent was changed or ended meanwhile: nothing was recorded. Reload to see it.")
        )


@recorder.action
def withdraw_consent(
    *, user: User, consent_id: int, method: str, evidence: EvidenceFile | None = None
) -> Consent:
    """End a consent now; it cannot be undone, only followed by a new consent. ``evidence`` is an
    optional scan of the signed withdrawal, kept encrypted like a consent's.

    The consent is locked first: the withdrawal waits for the reads it allowed to commit, and every
    later read sees it ended.
    """
    access = access_consent_as(user, consent_id, action=Action.CONSENT_WITHDRAW)
    consent, agent = access.consent, access.representative
    _check_method(
        access.from_own_space,
        method,
        _("“portal” is for withdrawals the person makes themselves."),
        _("“portal” is for withdrawals the person makes themselves."),
    )
    if evidence is not None:
        check_evidence(evidence)  # a wrong file is refused before anything ends
    lock_to_end(consent.pk)
    if Consent.objects.filter(supersedes=consent).exists():
        raise Conflict(_("This consent has been replaced by a newer one; withdraw that one."))
    try:
        with transaction.atomic():
            withdrawal = Withdrawal.objects.create(
                consent=consent, method=method, recorded_by=user, representative=agent
            )
    except IntegrityError:
        raise Conflict(_("This consent is already withdrawn.")) from None
    if evidence is not None:
        attach_withdrawal_evidence(user=user, withdrawal=withdrawal, evidence=evidence)
    codes = sorted(consent.categories.values_list("code", flat=True))
    _receipt(consent, Receipt.Event.WITHDRAWN, withdrawal.recorded_at, method, codes, agent)
    recorder.record(
        user,
        Event(
            action=Action.CONSENT_WITHDRAW,
            person_id=consent.person_id,
            team_id=consent.team_id,
            object_type="consent",
            object_ids=[consent.pk],
            categories=codes,
            consent_id=consent.pk,
            representative_id=agent.pk if agent else None,
        ),
    )
    if not access.from_own_space or agent is not None:
        inbox.tell(
            consent.person_id,
            Notice.Kind.CONSENT_WITHDRAWN,
            team_id=consent.team_id,
            consent_id=consent.pk,
            actor_id=user.pk,
            representative_id=agent.pk if agent else None,
        )
    return consent


@recorder.action
def invite_to_portal(*, user: User, person_id: int) -> tuple[str | None, PortalInvitation]:
    """A one-time code for the person to open their space, shown once to the worker; or, for a space
    already open whose person gave an address for notices, e-mailed there and never shown (R10):
    then no code is returned."""
    person = access_person(user, person_id, action=Action.PORTAL_INVITE).person
    by_email = recovery.goes_by_email(person)
    code, invitation = make_invitation(user, person.pk, by_email=by_email)
    if by_email:
        recovery.send_code(person, code, invitation)
        return None, invitation
    return code, invitation


def administered_invitations(admin: Administration) -> QuerySet[PortalInvitation]:
    """The portal codes a manager sees: made by an account of their organisation."""
    return PortalInvitation.objects.filter(
        created_by__in=organisations.administered_accounts(admin).values("pk")
    )


@recorder.action
def cancel_portal_codes(*, by: Manager, invitation_ids: list[int]) -> int:
    """A manager cancels codes not yet used (a code given to the wrong person, say); each is recorded.
    A manager reaches the codes made by their organisation's workers only: another's are as if they
    did not exist."""
    admin = access_administration(by, action=Action.PORTAL_CODE_CANCEL, object_type="portal_invitation")
    now = timezone.now()
    open_codes = list(
        administered_invitations(admin).filter(
            pk__in=invitation_ids, used_at__isnull=True, expires_at__gt=now
        )
    )
    PortalInvitation.objects.filter(pk__in=[i.pk for i in open_codes]).update(expires_at=now)
    recorder.record(
        by,
        *(
            Event(
                action=Action.PORTAL_CODE_CANCEL,
                person_id=invitation.person_id,
                object_type="portal_invitation",
                object_ids=[invitation.pk],
                changes={"expires_at": [invitation.expires_at.isoformat(), now.isoformat()]},
            )
            for invitation in open_codes
        ),
    )
    return len(open_codes)
