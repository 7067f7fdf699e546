"""Consents and representations reached by id: by a member of a team that follows the person, or
by the person's own space (their account, or their representative within its scope). Anything else
is the recorded 404 of R9, as in ``access.reach``.
"""

from __future__ import annotations

from dataclasses import dataclass

from access.own_space import Need, covers, representation, watched_reset
from access.reach import refusals_naming_the_person
from access.rules import followed_persons
from access.who_is_asking import Reader, reader_for
from audit import recorder
from consent.models import Consent, Evidence, Representative, WithdrawalEvidence
from core.domain_errors import Hidden, NotAMember, OutOfScope
from core.ids import is_storable_id
from teams.models import User


@dataclass(frozen=True)
class ConsentAccess:
    """A consent reached by a member, or in the portal (``by_self``): by the person's own account or
    by their ``representative``."""

    consent: Consent
    by_self: bool
    representative: Representative | None = None


def access_consent_as(user: User, consent_id: int, *, action: str) -> ConsentAccess:
    """A consent of a person the user follows through a team, of the user themselves (portal), or of
    the person the user represents with the consents in its scope; anything else is the recorded 404
    of R9 (a representative beyond its scope gets a recorded 403)."""
    with refusals_naming_the_person(user, action, object_type="consent", object_id=consent_id, model=Consent):
        consent = (
            Consent.objects.filter(pk=consent_id).select_related("person", "team").first()
            if is_storable_id(consent_id)
            else None
        )
        if consent is None:
            raise Hidden()
        if consent.person.account_id is not None and consent.person.account_id == user.pk:
            watched_reset(user)
            return ConsentAccess(consent, by_self=True)
        try:
            reader = reader_for(user)
        except NotAMember:
            agent = representation(user)
            if agent is None or agent.person_id != consent.person_id:
                raise Hidden() from None
            if not covers(agent, Need.CONSENTS):
                raise OutOfScope() from None
            return ConsentAccess(consent, by_self=True, representative=agent)
        if not followed_persons(reader).filter(pk=consent.person_id).exists():
            raise Hidden()
        return ConsentAccess(consent, by_self=False)


def access_consent(user: User, consent_id: int, *, action: str) -> Consent:
    """``access_consent_as``'s consent."""
    return access_consent_as(user, consent_id, action=action).consent


def access_consent_evidence(
    user: User, consent_id: int, *, action: str, withdrawn: bool = False
) -> tuple[Consent, Evidence | WithdrawalEvidence]:
    """The scan of a consent form (or, if ``withdrawn``, of its withdrawal), for whoever may see the
    consent; a consent without one is a recorded 404, like a consent one may not see."""
    consent = access_consent(user, consent_id, action=action)
    evidence: Evidence | WithdrawalEvidence | None = (
        WithdrawalEvidence.objects.filter(withdrawal__consent=consent).first()
        if withdrawn
        else Evidence.objects.filter(consent=consent).first()
    )
    if evidence is None:
        with recorder.denials(user, action, object_type="consent", object_ids=[consent_id]):
            raise Hidden()
    return consent, evidence


# Representatives ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RepresentativeAccess:
    """A representation reached by a member of a team that follows the person (``reader``), or by
    the person's own account (``reader`` is None)."""

    reader: Reader | None
    representative: Representative


def access_representative(
    user: User, representative_id: int, *, action: str, by_a_worker: bool = False
) -> RepresentativeAccess:
    """A representation of a person the user follows through a team, or of the user themselves;
    anything else (another person's, or the representative's own account) is the recorded 404 of R9.
    With ``by_a_worker``, what only a worker does (a code for the representative, made with them):
    the person's own account gets a recorded 403."""
    with refusals_naming_the_person(
        user, action, object_type="representative", object_id=representative_id, model=Representative
    ):
        found = (
            Representative.objects.filter(pk=representative_id).select_related("person", "account").first()
            if is_storable_id(representative_id)
            else None
        )
        if found is None:
            raise Hidden()
        if found.person.account_id is not None and found.person.account_id == user.pk:
            watched_reset(user)
            if by_a_worker:
                raise NotAMember()
            return RepresentativeAccess(reader=None, representative=found)
        try:
            reader = reader_for(user)
        except NotAMember:
            raise Hidden() from None
        if not followed_persons(reader).filter(pk=found.person_id).exists():
            raise Hidden()
        return RepresentativeAccess(reader=reader, representative=found)
