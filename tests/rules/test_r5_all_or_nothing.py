"""R5, all or nothing: an action that fails changes nothing but the record of its refusal.

Every service module is walked: each public function is an ``action`` (or a named step of one), and
each action has its failures written down here, so that a new service fails this test until it is
covered. Two proofs per action:

- every domain error it can raise leaves every row of every table as it was (refusals aside);
- failing at its very last step, once all its rows are written, leaves them as they were too.
"""

from __future__ import annotations

import importlib
import inspect
from binascii import unhexlify
from datetime import timedelta

import pytest
from django.apps import apps
from django.test import RequestFactory
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit import recorder
from audit.models import AccessEvent, ChainHead
from consent.consents.evidence import EvidenceFile
from core.domain_errors import (
    CommitmentRequired,
    Conflict,
    ContactNotShared,
    DomainError,
    Hidden,
    Invalid,
    NotAManager,
    NotAMember,
    NotAnAuditor,
    NotAPortalAccount,
    NotIndependent,
    NotTheAuthor,
)
from teams import factors, recovery
from teams.models import Category, Organisation
from tests.factories import (
    PASSWORD,
    UserFactory,
    give_consent,
    informed,
    make_member,
    make_note,
    make_organisation,
    make_person,
    make_portal_account,
    make_team,
)

SERVICE_MODULES = [
    "teams.services",
    "teams.accounts",
    "teams.factors",
    "teams.recovery",
    "records.services",
    "records.follow_ups",
    "consent.consents.services",
    "consent.space.portal",
    "consent.space.activation",
    "consent.notices.inbox",
    "consent.emergency.services",
    "consent.emergency.ending",
    "consent.representation.services",
    "consent.recovery.services",
    "consent.disagreements.services",
    "consent.information.texts",
]
# Public functions of those modules that are not actions themselves, and why.
NOT_ACTIONS = {
    "records.follow_ups.grant_follow": "a step of create_person and of the follow-up actions",
    "consent.consents.services.informed": "a step of the receipts: what the person was told, as signed",
    "consent.information.texts.current_texts": "a read of the deployment's public texts",
    "consent.information.texts.current_text": "a read of the deployment's public texts",
    "consent.information.texts.current_pair": "a read of the deployment's public texts",
    "consent.information.texts.text_given": "a check, a step of record_consent",
    "consent.information.texts.basis_given": "a check, a step of record_consent",
    "consent.information.texts.basis_for": "a step of the portal's give_consent and of the consent form",
    "consent.information.texts.published": "a read of one public text, for anyone",
    "teams.accounts.create_account": "a step of create_user and of activate, which record it",
    "teams.accounts.reset_access": "a step of activate, which records it",
    "consent.recovery.services.goes_by_email": "a check, a step of invite_to_portal",
    "consent.recovery.services.send_code": "a step of invite_to_portal: the e-mail leaves after its commit",
    "consent.recovery.services.record_reset": "a step of activate, which records it",
    "consent.recovery.services.restriction": "a read of the account's own reset, nothing of the person",
    "consent.recovery.services.review_queue": "a read for auditors, recorded",
    "consent.recovery.services.to_review": "a step of review (and of its page): its refusals only are recorded",
    "consent.consents.services.administered_invitations": "a read of the portal codes a manager reaches",
    "teams.factors.is_staff": "a check of roles",
    "teams.factors.has_factor": "a check",
    "teams.factors.kinds": "a check, for the pages",
    "teams.factors.steps": "a check: what a sign-in still needs",
    "teams.factors.refuse_if_stopped": "a step of second_step and open_with_code: its refusal is recorded",
    "teams.factors.failed": "a step of second_step and open_with_code: records and counts the failure",
    "teams.factors.check_code": "a step of second_step and open_with_code",
    "teams.factors.new_totp_key": "a secret for the session, before enrol",
    "teams.factors.totp_uri": "a step of the enrolment page, nothing written",
    "teams.factors.forget_devices": "a step of enrol (after a reset) and open_with_code, which record it",
    "consent.space.portal.my_consents": "a read (recorded as it is shown)",
    "consent.space.portal.my_teams": "a read, recorded",
    "consent.space.portal.my_receipts": "a read (recorded as it is shown)",
    "consent.space.portal.my_space": "a read, recorded",
    "consent.space.portal.team_reads_now": "a read of one's own space for the message after a change",
    "consent.notices.inbox.tell": "a step of the actions whose act it tells of (a follow-up, a consent)",
    "consent.notices.inbox.find_news": "a step of the inbox's reads, idempotent (the table's constraints)",
    "consent.notices.inbox.my_notices": "a read (recorded as it is shown)",
    "consent.notices.inbox.my_inbox": "a read (recorded as it is shown): my_notices and their person",
    "consent.notices.inbox.unread_count": "a step of my_space, a read",
    "consent.emergency.services.review_queue": "a read for auditors, recorded",
    "consent.emergency.services.unacknowledged": "a step of the portal's first page, a read",
    "consent.emergency.services.glass_choices": "the form's choices: nothing of the person is shown",
    "consent.emergency.services.openable": "a step of glass_choices: nothing is written",
    "consent.emergency.services.anything_openable": "a step of the person page: nothing is written",
    "consent.consents.services.mission_categories": "a check, a step of record_consent",
    "consent.emergency.services.reviewable": "a check, a step of review and of the review queue's page",
    "consent.emergency.ending.end_with_team_change": "a step of teams.services.update_team (teams.changes)",
    "consent.emergency.ending.end_with_follow_up": "a step of records.follow_ups.close_follow_up (records.changes)",
    "consent.emergency.services.to_review": "a step of review (and of its page): its refusals only are recorded",
    "consent.notices.inbox.send_pending": "the send_notices command: each person's news in a transaction of its own",
    "consent.representation.services.representatives_of": "a read, recorded",
    "consent.representation.services.my_representatives": "a read, recorded",
    "consent.representation.services.person_of": "a step of a refused page: the policy's access, its refusals recorded",
    "consent.representation.services.open_code": "a read of the code the worker just made, in their session",
    "consent.space.portal.consent_to_stop": "a step of the page that asks to confirm a withdrawal: refusals only",
    "consent.notices.inbox.holding": "a filter of the inbox's notices (issue 21, item 9), a step of its reads",
    "consent.disagreements.services.about": "a read of what the person disagrees with, recorded",
    "consent.disagreements.services.mine": "a read (recorded as it is shown)",
    "consent.disagreements.services.queue": "a read for auditors (recorded as it is shown)",
    "consent.disagreements.services.to_answer": "a step of answer (and of its page): its refusals only are recorded",
}


def discovered() -> dict[str, object]:
    found = {}
    for name in SERVICE_MODULES:
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if attr.startswith("_") or not inspect.isfunction(value) or value.__module__ != name:
                continue
            found[f"{name}.{attr}"] = value
    return found


def world() -> dict:
    """A small world: two teams, a person followed by one, a consent, a note, a portal code. Written
    once for the module (``world_written_once`` in tests/conftest.py), each test rolled back after it."""
    from consent.consents import services as consent_services

    team = make_team("Maraude Nord", ("contact", "housing", "support_plan", "administrative"))
    other_team = make_team("CSAPA Est", ("contact", "health", "addiction"))
    person = make_person(team, display_name="Jo")
    worker = make_member(team, username="camille")
    colleague = make_member(team, username="lea")
    consent = give_consent(person, team, ["housing", "contact"], by=worker)
    code, _invitation = consent_services.invite_to_portal(user=worker, person_id=person.pk)
    other_person = make_person(team, display_name="Sam")
    return {
        "team": team,
        "other_team": other_team,
        "person": person,
        "other_person": other_person,
        "worker": worker,
        "colleague": colleague,
        "consent": consent,
        "note": make_note(person, worker, team, "housing"),
        "code": code,
        "manager": UserFactory(is_manager=True),
        "administrator": UserFactory(is_superuser=True, is_staff=True, organisation=None),
        "horizon_manager": UserFactory(is_manager=True, organisation=make_organisation("Horizon")),
        "horizon_worker": UserFactory(organisation=make_organisation("Horizon")),
        "outsider": UserFactory(),
        "auditor": UserFactory(is_auditor=True),
        "elsewhere": make_person(make_team("Ailleurs"), display_name="Ailleurs"),
        "jo": make_portal_account(other_person, "sam"),
    }


@pytest.fixture
def w(world_of_the_module):
    return world_of_the_module


def follow_up(w):
    return w["person"].follow_ups.get(team=w["team"])


def glass_body(w):
    return dict(
        person_id=w["person"].pk,
        team_id=w["team"].pk,
        categories=["support_plan"],
        reason="danger_to_life",
        statement="Hospitalisé, injoignable.",
    )


def open_glass(w, person=None):
    from consent.models import GlassBreak

    return GlassBreak.objects.create(
        person=person or w["person"],
        team=w["team"],
        opened_by=w["worker"],
        reason="cannot_be_asked",
        statement="Injoignable.",
        ends_at=timezone.now() + timedelta(hours=4),
    )


def line_of(w, person):
    """A line of the person's journal: a worker opened their record."""
    recorder.record(w["worker"], recorder.Event(action="person.view", person_id=person.pk))
    return AccessEvent.objects.filter(person_id=person.pk).latest("id").pk


def disagreement_of_sam(w, *, answered=False):
    from consent.models import Disagreement

    return Disagreement.objects.create(
        person=w["other_person"],
        event_id=line_of(w, w["other_person"]),
        statement="Non.",
        written_by=w["jo"],
        answered_by=w["auditor"] if answered else None,
        answered_at=timezone.now() if answered else None,
        answer="Vu." if answered else "",
    )


def reset_of_sam(w):
    """Sam's space (the portal account ``jo``), reopened with a code the worker handed over: restricted."""
    from django.contrib.auth.hashers import make_password

    from consent.models import PortalInvitation, SpaceReset

    now = timezone.now()
    invitation = PortalInvitation.objects.create(
        person=w["other_person"], code_hash="0" * 64, created_by=w["worker"], expires_at=now, used_at=now
    )
    return SpaceReset.objects.create(
        invitation=invitation,
        person=w["other_person"],
        account=w["jo"],
        code_made_by=w["worker"],
        reset_at=now,
        watched_until=now + timedelta(hours=72),
        restricted=True,
        previous_password=make_password(PASSWORD),
    )


def passed_glass(w):
    """An emergency access whose time passed, its end not on the record yet."""
    glass = open_glass(w)
    glass.ends_at = timezone.now() - timedelta(minutes=1)
    glass.save(update_fields=["ends_at"])
    return glass


def other_teams_glass(w):
    """An emergency access of a team the worker is not a member of (the CSAPA's, on Jo)."""
    from consent.models import GlassBreak
    from tests.factories import follow

    follow(w["person"], w["other_team"])
    return GlassBreak.objects.create(
        person=w["person"],
        team=w["other_team"],
        opened_by=make_member(w["other_team"]),
        reason="cannot_be_asked",
        statement="Injoignable.",
        ends_at=timezone.now() + timedelta(hours=4),
    )


def auditor_in_team(w):
    """An auditor who is also a member of the team whose emergency access is to be reviewed."""
    auditor = make_member(w["team"], is_auditor=True)
    return auditor


def both_teams_member(w):
    """The worker, made a member of the other team too (which does not follow Jo)."""
    from teams import services as team_services
    from teams.models import Membership

    team_services.add_member(by=w["manager"], team=w["other_team"], user=w["worker"])
    Membership.objects.filter(user=w["worker"]).update(commitment_accepted_at=timezone.now())
    return w["worker"]


def switched_off(w):
    from teams.models import Team

    Team.objects.filter(pk=w["team"].pk).update(glass_break_allowed=False)
    return w["worker"]


# Each refusal of the rules of emergency access (issue "Written in stone", §3): the call, and the
# reason its denied event gives. The form's own mistakes (hours, sentence) are not among them.
REFUSED_GLASS = {
    "not_a_team_of_the_member": lambda w: {**glass_body(w), "team_id": w["other_team"].pk},
    "team_does_not_follow": lambda w: {
        **glass_body(w),
        "user": both_teams_member(w),
        "team_id": w["other_team"].pk,
        "categories": ["health"],
    },
    "switched_off": lambda w: {**glass_body(w), "user": switched_off(w)},
    "beyond_the_mission": lambda w: {**glass_body(w), "categories": ["health"]},
    "already_readable": lambda w: {**glass_body(w), "categories": ["housing"]},
    "refused_by_the_person": lambda w: {**glass_body(w), "reason": "cannot_be_asked"},
}


def refused_glass(w, case):
    """The arguments of a refused emergency access, and the reason its event must give."""
    return {"user": w["worker"], **REFUSED_GLASS[case](w)}, case


def own_consent(w, *, ends):
    """A consent of Sam's (the portal account ``jo``), ending in ten days or never."""
    until = timezone.now() + timedelta(days=10) if ends else None
    return give_consent(w["other_person"], w["team"], ["housing"], by=w["worker"], valid_until=until)


def unread_notice(w):
    from consent.models import Notice
    from consent.notices import inbox

    return inbox.tell(w["other_person"].pk, Notice.Kind.FOLLOW_UP, team_id=w["team"].pk)


def an_agent(w, *, person=None, kind="trusted_person", ended=False):
    """Someone who acts for the person (Jo unless told), recorded by the worker."""
    from consent.models import Representative

    return Representative.objects.create(
        person=person or w["person"],
        name="Marie",
        kind=kind,
        scope="both",
        evidence="Désignation écrite",
        recorded_by=w["worker"],
        ended_at=timezone.now() if ended else None,
    )


def agent_body(w, **changes):
    return dict(
        user=w["worker"],
        person_id=w["person"].pk,
        name="Marie",
        kind="trusted_person",
        scope="both",
        evidence="Désignation écrite",
        **changes,
    )


# Each action: the calls that must fail, each with the domain error it raises.
FAILURES = {
    "consent.information.texts.publish": [
        (lambda w: dict(version="2", language="de", easy_read=False, title="T", body="B"), Invalid),
        (lambda w: dict(version="2", language="fr", easy_read=False, title="", body="B"), Invalid),
        (lambda w: dict(version="1", language="fr", easy_read=False, title="T", body="B"), Invalid),
    ],
    "consent.representation.services.record_representative": [
        (lambda w: {**agent_body(w), "user": w["outsider"]}, NotAMember),
        (lambda w: {**agent_body(w), "person_id": w["elsewhere"].pk}, Hidden),
        (lambda w: {**agent_body(w), "evidence": " "}, Invalid),
        (lambda w: {**agent_body(w), "kind": "friend"}, Invalid),
        (lambda w: {**agent_body(w), "scope": "notes"}, Invalid),
        (lambda w: {**agent_body(w), "person_id": an_agent(w).person_id}, Invalid),  # a second trusted person
    ],
    "consent.representation.services.new_code_for": [
        (lambda w: dict(user=w["worker"], representative_id=an_agent(w, ended=True).pk), Invalid),
        (lambda w: dict(user=w["jo"], representative_id=an_agent(w).pk), Hidden),  # Sam's account, Jo's agent
        (
            lambda w: dict(user=w["jo"], representative_id=an_agent(w, person=w["other_person"]).pk),
            NotAMember,
        ),
        (lambda w: dict(user=w["worker"], representative_id=2**40), Hidden),
    ],
    "consent.representation.services.end_representative": [
        (lambda w: dict(user=w["worker"], representative_id=an_agent(w).pk, evidence=" "), Invalid),
        (
            lambda w: dict(user=w["worker"], representative_id=an_agent(w, ended=True).pk, evidence="e"),
            Invalid,
        ),
        (
            lambda w: dict(
                user=w["jo"], representative_id=an_agent(w, person=w["other_person"], kind="guardian").pk
            ),
            Invalid,
        ),
        (lambda w: dict(user=w["outsider"], representative_id=an_agent(w).pk, evidence="e"), Hidden),
    ],
    "teams.accounts.create_user": [
        (lambda w: dict(by=w["worker"], username="x1"), NotAManager),
        (lambda w: dict(by=w["manager"], username=w["worker"].username.upper()), Invalid),
        # A manager makes accounts of their organisation only, and never a reach over every one.
        (
            lambda w: dict(by=w["horizon_manager"], username="x2", organisation_id=w["team"].organisation_id),
            Invalid,
        ),
        (lambda w: dict(by=w["manager"], username="x3", is_auditor=True, audits_deployment=True), Invalid),
    ],
    "teams.accounts.update_account": [
        (lambda w: dict(by=w["worker"], user=w["colleague"], is_manager=True), NotAManager),
        (lambda w: dict(by=w["manager"], user=w["colleague"], display_name="A", is_superuser=True), Invalid),
        (
            lambda w: dict(
                by=w["manager"], user=w["colleague"], is_auditor=True, username=w["worker"].username
            ),
            Invalid,
        ),
        (lambda w: dict(by=w["manager"], user=UserFactory(is_superuser=True), is_active=False), NotAManager),
        (lambda w: dict(by=w["horizon_manager"], user=w["colleague"], is_active=False), Hidden),
        (lambda w: dict(by=w["manager"], user=w["colleague"], audits_deployment=True), Invalid),
        (
            lambda w: dict(
                by=w["administrator"], user=w["colleague"], organisation_id=make_organisation("Horizon").pk
            ),
            Invalid,  # a member of its organisation's teams stays in it until they are left
        ),
    ],
    "consent.recovery.services.confirm": [
        (lambda w: dict(user=w["jo"], previous_password=PASSWORD), Invalid),  # nothing to confirm
        (lambda w: dict(user=reset_of_sam(w).account, previous_password="pas le bon"), Invalid),
    ],
    "consent.recovery.services.review": [
        (
            lambda w: dict(user=w["worker"], reset_id=reset_of_sam(w).pk, verdict="justified", comment="c"),
            NotAnAuditor,
        ),
        (lambda w: dict(user=w["auditor"], reset_id=2**40, verdict="justified", comment="c"), Hidden),
        (
            lambda w: dict(user=w["auditor"], reset_id=reset_of_sam(w).pk, verdict="maybe", comment="c"),
            Invalid,
        ),
        (
            lambda w: dict(user=w["auditor"], reset_id=reset_of_sam(w).pk, verdict="justified", comment=" "),
            Invalid,
        ),
    ],
    "teams.accounts.sign_in": [],  # a wrong password is not an error but a recorded denial
    "teams.accounts.complete_sign_in": [],  # the last step of a sign-in that its caller checked
    "teams.accounts.choose_password": [
        (lambda w: dict(user=w["worker"], new_password=PASSWORD), Invalid),  # the one given
        (lambda w: dict(user=w["worker"], new_password="123"), Invalid),
    ],
    "teams.factors.second_step": [],  # a wrong factor is not an error but a recorded, counted denial
    "teams.factors.enrol": [
        (
            lambda w: dict(request=RequestFactory().post("/"), user=w["worker"], totp_key=TOTP_KEY, code="1"),
            Invalid,
        ),
        (lambda w: dict(request=RequestFactory().post("/"), user=w["worker"], code=totp_now()), Invalid),
    ],
    "teams.factors.new_recovery_codes": [(lambda w: dict(user=w["worker"]), Invalid)],
    "teams.factors.remove": [
        (lambda w: dict(user=with_totp(w["worker"]), kind="passkey", passkey_id=999), Hidden),
        (lambda w: dict(user=w["worker"], kind="totp"), Invalid),
    ],
    "teams.recovery.issue_setup_code": [
        (lambda w: dict(by=w["worker"], user=w["colleague"]), NotAManager),
    ],
    "teams.recovery.start_recovery": [
        (lambda w: dict(by=w["worker"], user=w["colleague"], lost="password"), NotAManager),
        (lambda w: dict(by=w["manager"], user=w["colleague"], lost="factor"), Invalid),
        (lambda w: dict(by=w["manager"], user=w["colleague"], lost="both"), Invalid),
        (lambda w: dict(by=w["manager"], user=w["colleague"], lost="everything"), Invalid),
    ],
    "teams.recovery.open_with_code": [
        (
            lambda w: dict(
                request=None, username=w["colleague"].username, code=setup_code(w), password="123"
            ),
            Invalid,
        ),
    ],
    "teams.accounts.open_session": [  # the same sign-in, and a token
        (
            lambda w: dict(
                request=RequestFactory().post("/"),
                username=with_totp(w["colleague"]).username,
                password=PASSWORD,
            ),
            Invalid,  # no ``otp`` for an account with a second factor
        ),
    ],
    "teams.accounts.end_sessions": [],  # one's own tokens: nothing to refuse
    "teams.accounts.revoke_tokens": [
        (lambda w: dict(by=w["worker"], user=w["colleague"]), NotAManager),
        (lambda w: dict(by=w["manager"], user=UserFactory(is_superuser=True)), NotAManager),
    ],
    "teams.accounts.change_own_password": [
        (lambda w: dict(user=w["worker"], old_password="wrong", new_password=PASSWORD + "!"), Invalid),
        (lambda w: dict(user=w["worker"], old_password=PASSWORD, new_password="123"), Invalid),
    ],
    "teams.services.create_team": [
        (lambda w: dict(by=w["worker"], name="T", continuity_categories=[]), NotAManager),
        (lambda w: dict(by=w["manager"], name="T", continuity_categories=["housing", "nope"]), Invalid),
        (lambda w: dict(by=w["manager"], name=w["team"].name, continuity_categories=[]), Invalid),
        (
            lambda w: dict(
                by=w["horizon_manager"],
                name="T",
                continuity_categories=[],
                organisation_id=w["team"].organisation_id,
            ),
            Invalid,
        ),
        (lambda w: dict(by=w["administrator"], name="T", continuity_categories=[]), Invalid),
    ],
    "teams.services.save_organisation": [
        (
            lambda w: dict(
                by=w["manager"],
                organisation=Organisation(),
                name="N",
                legal_name="N",
                data_protection_contact="d",
                postal_address="a",
            ),
            NotAManager,
        ),
        (
            lambda w: dict(
                by=w["manager"], organisation=w["team"].organisation, data_protection_contact="ailleurs"
            ),
            NotAManager,
        ),
        (
            lambda w: dict(
                by=w["administrator"],
                organisation=Organisation(),
                name="Horizon",
                legal_name="N",
                data_protection_contact="d",
                postal_address="a",
            ),
            Invalid,
        ),
        (
            lambda w: dict(by=w["administrator"], organisation=w["team"].organisation, postal_address=" "),
            Invalid,
        ),
    ],
    "teams.services.update_team": [
        (lambda w: dict(by=w["worker"], team=w["team"], name="T"), NotAManager),
        (lambda w: dict(by=w["horizon_manager"], team=w["team"], name="T"), Hidden),
        (lambda w: dict(by=w["manager"], team=w["team"], name=w["other_team"].name), Invalid),
        # Renamed and saved first, then the categories are found wrong: the rename must go too.
        (
            lambda w: dict(by=w["manager"], team=w["team"], name="Renommée", continuity_categories=["nope"]),
            Invalid,
        ),
    ],
    "teams.services.add_member": [
        (lambda w: dict(by=w["worker"], team=w["team"], user=w["outsider"]), NotAManager),
        (lambda w: dict(by=w["manager"], team=w["team"], user=w["jo"]), Invalid),
        (lambda w: dict(by=w["manager"], team=w["team"], user=w["colleague"]), Conflict),
        # Nobody joins another organisation's team, whoever adds them, themselves included.
        (lambda w: dict(by=w["horizon_manager"], team=w["team"], user=w["horizon_manager"]), Hidden),
        (lambda w: dict(by=w["manager"], team=w["team"], user=w["horizon_worker"]), Invalid),
        (lambda w: dict(by=w["administrator"], team=w["team"], user=w["horizon_worker"]), Invalid),
    ],
    "teams.services.update_member": [
        (
            lambda w: dict(
                by=w["worker"],
                membership=w["colleague"].memberships.get(),
                profession="x",
                is_peer_worker=True,
            ),
            NotAManager,
        ),
    ],
    "teams.services.remove_member": [
        (lambda w: dict(by=w["worker"], membership=w["colleague"].memberships.get()), NotAManager),
    ],
    "teams.services.accept_commitment": [
        (lambda w: dict(user=w["outsider"]), NotAMember),
    ],
    "consent.emergency.services.break_glass": [
        (lambda w: dict(user=w["outsider"], **glass_body(w)), NotAMember),
        (lambda w: dict(user=w["worker"], **{**glass_body(w), "hours": 25}), Invalid),
        (lambda w: dict(user=w["worker"], **{**glass_body(w), "categories": ["nonexistent"]}), Invalid),
        (lambda w: dict(user=w["worker"], **{**glass_body(w), "statement": " "}), Invalid),
        *((lambda w, c=case: refused_glass(w, c)[0], Invalid) for case in REFUSED_GLASS),
    ],
    "consent.emergency.services.review": [
        (
            lambda w: dict(
                user=w["worker"], glass_break_id=open_glass(w).pk, verdict="justified", comment="c"
            ),
            NotAnAuditor,
        ),
        (lambda w: dict(user=w["auditor"], glass_break_id=2**40, verdict="justified", comment="c"), Hidden),
        (
            lambda w: dict(user=w["auditor"], glass_break_id=open_glass(w).pk, verdict="maybe", comment="c"),
            Invalid,
        ),
        (
            lambda w: dict(
                user=w["auditor"], glass_break_id=open_glass(w).pk, verdict="justified", comment=""
            ),
            Invalid,
        ),
        (  # separation of duties: not the auditor who opened it, nor one of its team
            lambda w: dict(
                user=auditor_in_team(w),
                glass_break_id=open_glass(w).pk,
                verdict="justified",
                comment="c",
            ),
            NotIndependent,
        ),
    ],
    "consent.emergency.ending.end_passed": [],  # a command's: nothing to refuse
    "consent.emergency.ending.end_early": [
        (lambda w: dict(user=w["outsider"], glass_break_id=open_glass(w).pk), NotAMember),
        (lambda w: dict(user=w["worker"], glass_break_id=2**40), Hidden),
        (lambda w: dict(user=w["worker"], glass_break_id=passed_glass(w).pk), Invalid),  # ended already
        (lambda w: dict(user=w["worker"], glass_break_id=other_teams_glass(w).pk), Hidden),
    ],
    "consent.emergency.services.acknowledge": [
        (lambda w: dict(user=w["worker"], glass_break_id=open_glass(w).pk), NotAPortalAccount),
        (lambda w: dict(user=w["jo"], glass_break_id=open_glass(w).pk), Hidden),  # about another person
    ],
    "consent.disagreements.services.disagree": [
        (
            lambda w: dict(user=w["worker"], event_id=line_of(w, w["person"]), statement="Non."),
            NotAPortalAccount,
        ),
        (lambda w: dict(user=w["jo"], event_id=line_of(w, w["person"]), statement="Non."), Hidden),  # Jo's
        (lambda w: dict(user=w["jo"], event_id=2**40, statement="Non."), Hidden),
        (lambda w: dict(user=w["jo"], glass_break_id=open_glass(w).pk, statement="Non."), Hidden),
        (lambda w: dict(user=w["jo"], event_id=line_of(w, w["other_person"]), statement=" "), Invalid),
        (lambda w: dict(user=w["jo"], statement="Non."), Invalid),  # about nothing
    ],
    "consent.disagreements.services.answer": [
        (
            lambda w: dict(user=w["worker"], disagreement_id=disagreement_of_sam(w).pk, text="Vu."),
            NotAnAuditor,
        ),
        (lambda w: dict(user=w["auditor"], disagreement_id=2**40, text="Vu."), Hidden),
        (lambda w: dict(user=w["auditor"], disagreement_id=disagreement_of_sam(w).pk, text=" "), Invalid),
        (
            lambda w: dict(
                user=w["auditor"], disagreement_id=disagreement_of_sam(w, answered=True).pk, text="Encore."
            ),
            Invalid,
        ),
    ],
    "consent.notices.inbox.mark_read": [
        (lambda w: dict(user=w["worker"]), NotAPortalAccount),
        (lambda w: dict(user=w["jo"], notice_ids=[2**40]), Invalid),
    ],
    "consent.notices.inbox.choose_email": [
        (lambda w: dict(user=w["worker"], email="a@example.org", enabled=True), NotAPortalAccount),
        (lambda w: dict(user=w["jo"], email="", enabled=True), Invalid),
        (lambda w: dict(user=w["jo"], email="pas une adresse", enabled=True), Invalid),
    ],
    "consent.space.portal.renew_consent": [
        (lambda w: dict(user=w["worker"], consent_id=w["consent"].pk), NotAPortalAccount),
        (lambda w: dict(user=w["jo"], consent_id=w["consent"].pk), Hidden),  # another person's
        (lambda w: dict(user=w["jo"], consent_id=own_consent(w, ends=False).pk), Invalid),  # no end date
        (lambda w: dict(user=w["jo"], consent_id=2**63), Hidden),
    ],
    "teams.services.present_myself": [
        (
            lambda w: dict(user=w["outsider"], team_id=w["team"].pk, title="x", peer_role_shown=False),
            NotAMember,
        ),
        (
            lambda w: dict(user=w["worker"], team_id=w["other_team"].pk, title="x", peer_role_shown=False),
            Invalid,
        ),
        (
            lambda w: dict(user=w["worker"], team_id=w["team"].pk, title="x" * 81, peer_role_shown=False),
            Invalid,
        ),
        (
            lambda w: dict(user=w["worker"], team_id=w["team"].pk, title="a\nb", peer_role_shown=False),
            Invalid,
        ),
        (lambda w: dict(user=w["worker"], team_id=w["team"].pk, title="x", peer_role_shown=True), Invalid),
    ],
    "teams.services.save_category": [
        (
            lambda w: dict(by=w["worker"], category=Category(), code="new", label_fr="N", label_en="N"),
            NotAManager,
        ),
        (
            lambda w: dict(by=w["manager"], category=Category(), code="new", label_fr="N", label_en="N"),
            NotAManager,  # the registry is shared by every organisation: the deployment's to edit
        ),
        (
            lambda w: dict(
                by=w["administrator"], category=Category(), code="housing", label_fr="L", label_en="H"
            ),
            Invalid,
        ),
        (
            lambda w: dict(
                by=w["administrator"], category=Category.objects.get(code="housing"), label_fr="L", code="x"
            ),
            Invalid,
        ),
    ],
    "records.services.create_person": [
        (lambda w: dict(user=w["outsider"], team_id=w["team"].pk, display_name="N"), NotAMember),
        (lambda w: dict(user=w["worker"], team_id=w["other_team"].pk, display_name="N"), Invalid),
        (lambda w: dict(user=w["worker"], team_id=2**63, display_name="N"), Invalid),
    ],
    "records.services.write_note": [
        (
            lambda w: dict(
                user=w["worker"],
                person_id=w["elsewhere"].pk,
                team_id=w["team"].pk,
                category="housing",
                body="b",
            ),
            Hidden,
        ),
        (
            lambda w: dict(
                user=w["worker"],
                person_id=w["person"].pk,
                team_id=w["other_team"].pk,
                category="housing",
                body="b",
            ),
            Invalid,
        ),
        (
            lambda w: dict(
                user=w["worker"], person_id=w["person"].pk, team_id=w["team"].pk, category="nope", body="b"
            ),
            Invalid,
        ),
        (
            lambda w: dict(
                user=make_member(w["team"], accepted=False),
                person_id=w["person"].pk,
                team_id=w["team"].pk,
                category="housing",
                body="b",
            ),
            CommitmentRequired,
        ),
    ],
    "records.follow_ups.ask_to_be_followed": [
        (lambda w: dict(user=w["jo"], team_id=w["team"].pk), Conflict),  # it follows Sam already
        (lambda w: dict(user=w["jo"], team_id=2**63 + 1), Invalid),
        (lambda w: dict(user=w["worker"], team_id=w["other_team"].pk), NotAPortalAccount),
    ],
    "records.follow_ups.open_follow_up": [
        (lambda w: dict(user=w["worker"], person_id=w["person"].pk, team_id=w["team"].pk), Conflict),
        (lambda w: dict(user=w["worker"], person_id=w["elsewhere"].pk, team_id=w["other_team"].pk), Hidden),
        (lambda w: dict(user=w["worker"], person_id=w["person"].pk, team_id=2**63 + 1), Invalid),
        # Another team than the worker's own, with nobody said present: a 400, nothing kept.
        (lambda w: dict(user=w["worker"], person_id=w["person"].pk, team_id=w["other_team"].pk), Invalid),
    ],
    "records.services.correct_note": [
        (lambda w: dict(user=w["colleague"], note_id=w["note"].pk, body="b"), NotTheAuthor),
        (lambda w: dict(user=w["worker"], note_id=w["note"].pk, body="   "), Invalid),
        (lambda w: dict(user=w["worker"], note_id=2**64, body="b"), Hidden),
    ],
    "records.services.update_contact": [
        (lambda w: dict(user=w["worker"], person_id=w["elsewhere"].pk, phone="0611223344"), Hidden),
        (lambda w: dict(user=w["worker"], person_id=w["person"].pk, phone="abc"), Invalid),
        (lambda w: dict(user=w["worker"], person_id=w["person"].pk, display_name="Autre"), Invalid),
        (
            lambda w: dict(user=w["worker"], person_id=w["other_person"].pk, phone="0611223344"),
            ContactNotShared,
        ),
    ],
    "records.follow_ups.close_follow_up": [
        (lambda w: dict(user=w["worker"], follow_up_id=w["elsewhere"].follow_ups.get().pk), Hidden),
        (lambda w: dict(user=w["worker"], follow_up_id=2**64), Hidden),
    ],
    "consent.consents.services.record_consent": [
        # Nothing said of the information given, or a basis the law does not know: refused on its field.
        (
            lambda w: dict(
                user=w["worker"],
                person_id=w["person"].pk,
                team_id=w["team"].pk,
                categories=["housing"],
                purpose="p",
                method="oral",
                legal_basis="csp_l1110_4",
            ),
            Invalid,
        ),
        (
            lambda w: dict(
                user=w["worker"],
                person_id=w["person"].pk,
                team_id=w["team"].pk,
                categories=["housing"],
                purpose="p",
                method="oral",
                **informed(legal_basis="consent"),
            ),
            Invalid,
        ),
        # The consent and its categories are written, then the form is found to be no PDF: all goes.
        (
            lambda w: dict(
                user=w["worker"],
                person_id=w["person"].pk,
                team_id=w["team"].pk,
                categories=["housing"],
                purpose="p",
                **informed(),
                method="written",
                evidence=EvidenceFile("x.txt", b"not a scan"),
            ),
            Invalid,
        ),
        (
            lambda w: dict(
                user=w["worker"],
                person_id=w["person"].pk,
                team_id=w["team"].pk,
                categories=["health"],
                purpose="p",
                **informed(),
                method="oral",
            ),
            Invalid,
        ),
        (
            lambda w: dict(
                user=w["worker"],
                person_id=w["person"].pk,
                team_id=w["team"].pk,
                categories=["housing"],
                purpose="p",
                **informed(),
                method="portal",
            ),
            Invalid,
        ),
        (
            lambda w: dict(
                user=w["worker"],
                person_id=w["person"].pk,
                team_id=w["team"].pk,
                categories=["housing"],
                purpose="p",
                **informed(),
                method="oral",
                valid_until=timezone.now() - timedelta(days=1),
            ),
            Invalid,
        ),
        (
            lambda w: dict(
                user=w["worker"],
                person_id=w["person"].pk,
                team_id=w["other_team"].pk,
                categories=[],
                purpose="p",
                **informed(),
                method="oral",
            ),
            Invalid,
        ),
        (
            lambda w: dict(
                user=w["jo"],
                person_id=w["person"].pk,
                team_id=w["team"].pk,
                categories=[],
                purpose="p",
                **informed(),
                method="portal",
            ),
            Hidden,
        ),
    ],
    "consent.consents.services.withdraw_consent": [
        (lambda w: dict(user=w["worker"], consent_id=w["consent"].pk, method="portal"), Invalid),
        (
            lambda w: dict(
                user=w["worker"],
                consent_id=w["consent"].pk,
                method="written",
                evidence=EvidenceFile("x.txt", b"not a scan"),
            ),
            Invalid,
        ),
        (lambda w: dict(user=w["outsider"], consent_id=w["consent"].pk, method="oral"), Hidden),
        (
            lambda w: dict(
                user=w["worker"],
                consent_id=give_consent(w["person"], w["team"], ["housing"], by=w["worker"]).supersedes_id,
                method="oral",
            ),
            Conflict,
        ),
    ],
    "consent.consents.services.invite_to_portal": [
        (lambda w: dict(user=w["worker"], person_id=w["elsewhere"].pk), Hidden),
        (lambda w: dict(user=w["outsider"], person_id=w["person"].pk), NotAMember),
    ],
    "consent.consents.services.cancel_portal_codes": [
        (lambda w: dict(by=w["worker"], invitation_ids=[1]), NotAManager),
    ],
    "consent.space.portal.give_consent": [
        (
            lambda w: dict(user=w["worker"], team_id=w["team"].pk, categories=[], purpose="p"),
            NotAPortalAccount,
        ),
        (lambda w: dict(user=w["jo"], team_id=w["team"].pk, categories=["health"], purpose="p"), Invalid),
    ],
    "consent.space.portal.change_sharing": [
        (lambda w: dict(user=w["jo"], team_id=w["other_team"].pk, category="health", share=True), Invalid),
        (lambda w: dict(user=w["jo"], team_id=w["team"].pk, category="health", share=True), Invalid),
    ],
    "consent.space.activation.activate_with_token": [
        (lambda w: dict(code="AAAA-BBBB-CCCC", username="newjo", password=PASSWORD), Invalid),
    ],
    "consent.space.activation.activate": [
        (lambda w: dict(code="AAAA-BBBB-CCCC", username="newjo", password=PASSWORD), Invalid),
        (lambda w: dict(code=w["code"], username=w["worker"].username, password=PASSWORD), Invalid),
        (lambda w: dict(code=w["code"], username="newjo", password="court"), Invalid),
    ],
}

# Each action once more, with arguments that succeed, to make it fail at its last step.
SUCCEEDS = {
    "consent.information.texts.publish": lambda w: dict(
        version="2", language="fr", easy_read=False, title="Vos informations", body="Le texte."
    ),
    "consent.representation.services.record_representative": agent_body,
    "consent.representation.services.new_code_for": lambda w: dict(
        user=w["worker"], representative_id=an_agent(w).pk
    ),
    "consent.representation.services.end_representative": lambda w: dict(
        user=w["worker"], representative_id=an_agent(w).pk, evidence="Jugement de mainlevée"
    ),
    "teams.accounts.create_user": lambda w: dict(by=w["manager"], username="nouveau"),
    "teams.accounts.update_account": lambda w: dict(by=w["manager"], user=w["colleague"], is_auditor=True),
    "consent.recovery.services.confirm": lambda w: dict(
        user=reset_of_sam(w).account, previous_password=PASSWORD
    ),
    "consent.recovery.services.review": lambda w: dict(
        user=w["auditor"],
        reset_id=reset_of_sam(w).pk,
        verdict="not_justified",
        comment="Sam n'a rien demandé.",
    ),
    "teams.accounts.change_own_password": lambda w: dict(
        user=w["worker"], old_password=PASSWORD, new_password=PASSWORD + "!"
    ),
    "teams.accounts.open_session": lambda w: dict(
        request=RequestFactory().post("/api/v1/auth/token/"), username=w["worker"].username, password=PASSWORD
    ),
    "teams.accounts.end_sessions": lambda w: dict(user=w["worker"]),
    "teams.accounts.complete_sign_in": lambda w: dict(user=w["worker"], method="totp"),
    "teams.accounts.choose_password": lambda w: dict(user=w["worker"], new_password=PASSWORD + "!"),
    "teams.factors.second_step": lambda w: dict(
        request=RequestFactory().post("/login/factor/"), user=w["colleague"], code=recovery_codes(w)[0]
    ),
    "teams.factors.enrol": lambda w: dict(
        request=RequestFactory().post("/"), user=w["worker"], totp_key=TOTP_KEY, code=totp_now()
    ),
    "teams.factors.new_recovery_codes": lambda w: dict(user=with_totp(w["worker"])),
    "teams.factors.remove": lambda w: dict(user=with_totp(w["worker"]), kind="totp"),
    "teams.recovery.issue_setup_code": lambda w: dict(by=w["manager"], user=w["colleague"]),
    "teams.recovery.start_recovery": lambda w: dict(
        by=w["manager"], user=with_totp(w["colleague"]), lost="password"
    ),
    "teams.recovery.open_with_code": lambda w: dict(
        request=None, username=w["colleague"].username, code=setup_code(w), password=PASSWORD + "!"
    ),
    "teams.accounts.revoke_tokens": lambda w: dict(by=w["manager"], user=w["colleague"]),
    "teams.accounts.sign_in": lambda w: dict(
        request=RequestFactory().post("/login/"), username=w["worker"].username, password=PASSWORD
    ),
    "teams.services.create_team": lambda w: dict(
        by=w["manager"], name="Nouvelle", continuity_categories=["housing"]
    ),
    "teams.services.update_team": lambda w: dict(
        by=w["manager"], team=w["team"], name="Renommée", continuity_categories=["housing"]
    ),
    "teams.services.add_member": lambda w: dict(by=w["manager"], team=w["other_team"], user=w["outsider"]),
    "teams.services.update_member": lambda w: dict(
        by=w["manager"], membership=w["colleague"].memberships.get(), profession="x", is_peer_worker=True
    ),
    "teams.services.remove_member": lambda w: dict(
        by=w["manager"], membership=w["colleague"].memberships.get()
    ),
    "teams.services.accept_commitment": lambda w: dict(user=make_member(w["team"], accepted=False)),
    "consent.emergency.services.break_glass": lambda w: dict(user=w["worker"], **glass_body(w)),
    "consent.emergency.services.review": lambda w: dict(
        user=w["auditor"], glass_break_id=open_glass(w).pk, verdict="not_justified", comment="Aucune urgence."
    ),
    "consent.emergency.services.acknowledge": lambda w: dict(
        user=w["jo"], glass_break_id=open_glass(w, w["other_person"]).pk
    ),
    "consent.emergency.ending.end_passed": lambda w: dict(by=passed_glass(w) and None),
    "consent.emergency.ending.end_early": lambda w: dict(
        user=w["colleague"], glass_break_id=open_glass(w).pk
    ),
    "consent.notices.inbox.mark_read": lambda w: dict(user=w["jo"], notice_ids=[unread_notice(w).pk]),
    "consent.disagreements.services.disagree": lambda w: dict(
        user=w["jo"], event_id=line_of(w, w["other_person"]), statement="Je n’étais pas là."
    ),
    "consent.disagreements.services.answer": lambda w: dict(
        user=w["auditor"], disagreement_id=disagreement_of_sam(w).pk, text="Vu."
    ),
    "consent.notices.inbox.choose_email": lambda w: dict(user=w["jo"], email="sam@example.org", enabled=True),
    "consent.space.portal.renew_consent": lambda w: dict(
        user=w["jo"], consent_id=own_consent(w, ends=True).pk
    ),
    "teams.services.present_myself": lambda w: dict(
        user=make_member(w["team"], peer=True),
        team_id=w["team"].pk,
        title="intervenante",
        peer_role_shown=True,
    ),
    "teams.services.save_category": lambda w: dict(
        by=w["administrator"], category=Category(), code="new", label_fr="Nouvelle", label_en="New"
    ),
    "teams.services.save_organisation": lambda w: dict(
        by=w["administrator"],
        organisation=Organisation(),
        name="CHRS Les Tilleuls",
        legal_name="Association Les Tilleuls",
        data_protection_contact="dpo@tilleuls.example",
        postal_address="3 rue des Tilleuls, Lille",
    ),
    "records.services.create_person": lambda w: dict(
        user=w["worker"], team_id=w["team"].pk, display_name="N"
    ),
    "records.services.write_note": lambda w: dict(
        user=w["worker"], person_id=w["person"].pk, team_id=w["team"].pk, category="housing", body="b"
    ),
    "records.follow_ups.ask_to_be_followed": lambda w: dict(user=w["jo"], team_id=w["other_team"].pk),
    "records.follow_ups.open_follow_up": lambda w: dict(
        user=w["worker"],
        person_id=w["person"].pk,
        team_id=w["other_team"].pk,
        presence="in_person",
        confirmed=True,
    ),
    "records.follow_ups.close_follow_up": lambda w: dict(user=w["worker"], follow_up_id=follow_up(w).pk),
    "records.services.correct_note": lambda w: dict(user=w["worker"], note_id=w["note"].pk, body="corrigé"),
    "records.services.update_contact": lambda w: dict(
        user=w["worker"], person_id=w["person"].pk, phone="06 11 22 33 44", email="jo@example.org"
    ),
    "consent.consents.services.record_consent": lambda w: dict(
        user=w["worker"],
        person_id=w["person"].pk,
        team_id=w["team"].pk,
        categories=["housing"],
        purpose="p",
        **informed(),
        method="written",
        evidence=EvidenceFile("form.pdf", b"%PDF-1.4 signed"),
    ),
    "consent.consents.services.withdraw_consent": lambda w: dict(
        user=w["worker"],
        consent_id=w["consent"].pk,
        method="written",
        evidence=EvidenceFile("retrait.pdf", b"%PDF-1.4 signed"),
    ),
    "consent.consents.services.invite_to_portal": lambda w: dict(user=w["worker"], person_id=w["person"].pk),
    "consent.consents.services.cancel_portal_codes": lambda w: dict(
        by=w["manager"], invitation_ids=list(w["person"].portal_invitations.values_list("pk", flat=True))
    ),
    "consent.space.portal.give_consent": lambda w: dict(
        user=w["jo"], team_id=w["team"].pk, categories=["housing"], purpose="p"
    ),
    "consent.space.portal.change_sharing": lambda w: dict(
        user=w["jo"], team_id=w["team"].pk, category="housing", share=True
    ),
    "consent.space.activation.activate": lambda w: dict(code=w["code"], username="newjo", password=PASSWORD),
    "consent.space.activation.activate_with_token": lambda w: dict(
        code=w["code"], username="newjo", password=PASSWORD
    ),
}


TOTP_KEY = "3132333435363738393031323334353637383930"


def with_totp(user):
    TOTPDevice.objects.create(user=user, name="totp", key=TOTP_KEY, confirmed=True)
    return user


def totp_now() -> str:
    return f"{TOTP(unhexlify(TOTP_KEY)).token():06d}"


def recovery_codes(w) -> list[str]:
    return factors.enrol(
        request=RequestFactory().post("/"), user=w["colleague"], totp_key=TOTP_KEY, code=totp_now()
    )


def setup_code(w) -> str:
    return recovery.issue_setup_code(by=w["manager"], user=w["colleague"]).code


def actions() -> list[str]:
    return sorted(name for name in discovered() if name not in NOT_ACTIONS)


def snapshot() -> dict[str, list]:
    """Every row of every table (the log's refusals and its head aside), decrypted where encrypted."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        if model in (AccessEvent, ChainHead) or model._meta.proxy:
            continue
        fields = [f.attname for f in model._meta.concrete_fields]
        rows[model._meta.label] = list(model._default_manager.order_by("pk").values_list(*fields))
    rows["allowed events"] = list(AccessEvent.objects.filter(outcome="allowed").values_list("id", flat=True))
    return rows


def test_every_public_function_of_a_service_module_is_an_action_or_named_as_a_step():
    found = discovered()
    assert set(NOT_ACTIONS) <= set(found)
    for name, function in found.items():
        if name not in NOT_ACTIONS:
            assert getattr(function, "is_action", False), f"{name} is not an action (@recorder.action)"


def test_every_action_has_its_failures_and_a_successful_call_written_down():
    assert set(FAILURES) == set(actions())
    assert set(SUCCEEDS) == set(actions())


CASES = [(name, index) for name in sorted(FAILURES) for index in range(len(FAILURES[name]))]


@pytest.mark.parametrize("name,index", CASES, ids=[f"{n.rsplit('.', 1)[1]}-{i}" for n, i in CASES])
def test_a_domain_error_changes_nothing(w, name, index):
    build, error = FAILURES[name][index]
    kwargs = build(w)
    before = snapshot()
    with pytest.raises(error):
        discovered()[name](**kwargs)
    assert snapshot() == before


class LastStepFailed(DomainError):
    pass


@pytest.mark.parametrize("name", sorted(SUCCEEDS))
def test_an_action_failing_at_its_last_step_leaves_every_row_as_it_was(w, name, monkeypatch):
    kwargs = SUCCEEDS[name](w)
    real_record = recorder.record

    def record_then_fail(actor, *events):
        real_record(actor, *events)
        if any(e.outcome == "allowed" for e in events):
            raise LastStepFailed()

    before = snapshot()
    monkeypatch.setattr(recorder, "record", record_then_fail)
    # Raised only once the action has written its rows and its event: it went through to the end.
    with pytest.raises(LastStepFailed):
        discovered()[name](**kwargs)
    assert snapshot() == before


@pytest.mark.parametrize("case", sorted(REFUSED_GLASS))
def test_a_refused_emergency_access_keeps_nothing_but_its_denied_attempt(w, case):
    kwargs, why = refused_glass(w, case)
    before, denied_before = snapshot(), AccessEvent.objects.filter(outcome="denied").count()
    with pytest.raises(Invalid):
        discovered()["consent.emergency.services.break_glass"](**kwargs)
    assert snapshot() == before
    denied = AccessEvent.objects.filter(outcome="denied")
    assert denied.count() == denied_before + 1
    event = denied.last()
    assert (event.action, event.reason, event.actor_id) == ("glass_break.open", why, kwargs["user"].pk)
    assert event.person_id == w["person"].pk and event.team_id == kwargs["team_id"]


@pytest.mark.parametrize("field", ["hours", "statement", "reason", "categories"])
def test_a_mistake_of_the_emergency_access_form_is_no_attempt(w, field):
    bad = {"hours": 25, "statement": " ", "reason": "curiosity", "categories": []}[field]
    before = AccessEvent.objects.count()
    with pytest.raises(Invalid):
        discovered()["consent.emergency.services.break_glass"](
            **{"user": w["worker"], **glass_body(w), field: bad}
        )
    assert AccessEvent.objects.count() == before
