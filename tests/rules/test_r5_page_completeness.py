"""R5, completeness of the pages: every page of the URL resolver, asked by every kind of user, answers
the status it should and writes exactly the events it should (count, action, outcome, person), and
nothing else; forms are sent valid and invalid. A new page fails
``test_every_page_of_the_resolver_has_expectations`` until its row is written here.

The API has the same test over its schema (``test_r5_completeness``).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from audit.models import AccessEvent
from consent.consents import services as consent_services
from consent.consents.evidence import EvidenceFile
from consent.models import (
    Disagreement,
    Exclusion,
    GlassBreak,
    NoteHiding,
    PortalInvitation,
    Representative,
    SpaceReset,
)
from teams.models import Category
from tests.factories import (
    PASSWORD,
    UserFactory,
    give_consent,
    information_text,
    informed,
    make_member,
    make_note,
    make_organisation,
    make_person,
    make_portal_account,
    make_team,
)
from tests.factories import (
    representative_of as agent_of,
)

KINDS = (
    "anonymous",
    "member",
    "peer",
    "elsewhere",  # a member of a team that does not follow the person
    "newcomer",  # a member whose commitment is pending
    "manager",  # of the world's organisation
    "auditor",  # of the whole deployment (explicitly)
    "superuser",
    "other_manager",  # of another organisation: reaches nothing of the world's
    "org_auditor",  # of the world's organisation only
    "other_auditor",  # of another organisation only
    "person",  # the person's own portal account
    "representative",  # the person's trusted person, with both scopes (consents and journal)
)
MEMBERS = ("member", "peer")
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


class Rollback(Exception):
    pass


def page_routes(patterns=None, prefix="", namespace=None) -> list[tuple[str, str]]:
    """(name, route) of every page: the URL resolver's patterns outside the API (``/api/v1/``)."""
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found += page_routes(pattern.url_patterns, route, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and not route.startswith("api/v1/"):
            name = f"{namespace}:{pattern.name}" if namespace else (pattern.name or route)
            found.append((name if pattern.name else f"{namespace}:{route}", route))
    return found


ISSUER = "https://sso.example.invalid"


@pytest.fixture
def single_sign_on(settings):
    """Staff may sign in through an OpenID Connect provider, whose discovery document is already
    read (the flow itself, against a real provider, is in tests/web/test_oidc_sign_in.py)."""
    import time

    from teams import oidc

    settings.RELAIS_OIDC_ISSUER = ISSUER
    settings.RELAIS_OIDC_CLIENT_ID = "relais"
    settings.RELAIS_OIDC_CLIENT_SECRET = "secret"
    endpoints = {"authorization_endpoint": "auth", "token_endpoint": "token", "userinfo_endpoint": "me"}
    document = {"issuer": ISSUER, "jwks_uri": f"{ISSUER}/jwks"}
    document |= {name: f"{ISSUER}/{path}" for name, path in endpoints.items()}
    oidc._discovered[ISSUER] = (time.monotonic(), document)
    yield
    oidc._discovered.pop(ISSUER, None)


def world() -> dict:
    """The person Jo, followed by Maraude Nord, who shares housing and contact with it until ten days
    from now (to be renewed); every kind of user. Written once for the module (``world_written_once``
    in tests/conftest.py), each call rolled back after it."""
    team = make_team("Maraude Nord", ("contact", "housing", "support_plan", "administrative"))
    other_team = make_team("CSAPA Est", ("contact", "health", "addiction"))
    person = make_person(team, display_name="Jo")
    worker = make_member(team, username="camille")
    peer = make_member(team, peer=True, username="sami")
    consent = give_consent(
        person, team, ["housing", "contact"], by=worker, valid_until=timezone.now() + timedelta(days=10)
    )
    consent_services.invite_to_portal(user=worker, person_id=person.pk)
    scanned = give_consent(
        make_person(team, display_name="Scan"),
        team,
        ["housing"],
        by=worker,
        method="written",
        evidence=EvidenceFile("form.png", PNG),
    )
    emergency = GlassBreak.objects.create(  # waiting for an auditor's verdict; the person has not seen it
        person=person,
        team=team,
        opened_by=worker,
        reason="cannot_be_asked",
        statement="Injoignable.",
        ends_at=timezone.now() + timedelta(hours=4),
    )
    to_activate = make_person(team, display_name="Alix")
    code, _ = consent_services.invite_to_portal(user=worker, person_id=to_activate.pk)
    elsewhere_team = make_team("Ailleurs", ("housing",))
    users = {
        "anonymous": None,
        "member": worker,
        "peer": peer,
        "elsewhere": make_member(elsewhere_team),
        "newcomer": make_member(team, accepted=False),
        "manager": UserFactory(is_manager=True, username="direction"),
        "auditor": UserFactory(is_auditor=True, username="audit", email="audit@example.org"),
        "superuser": UserFactory(is_superuser=True, is_staff=True, username="root"),
        "other_manager": UserFactory(
            is_manager=True, username="direction-horizon", organisation=make_organisation("Horizon")
        ),
        "org_auditor": UserFactory(is_auditor=True, audits_deployment=False, username="audit-nord"),
        "other_auditor": UserFactory(
            is_auditor=True,
            audits_deployment=False,
            username="audit-horizon",
            organisation=make_organisation("Horizon"),
        ),
        "person": make_portal_account(person, "jo"),
        "representative": agent_of(person, worker).account,
    }
    agent = Representative.objects.get(person=person)
    now = timezone.now()
    # The representative's space was reopened with a code Camille made, e-mailed: not restricted, but
    # in the auditors' queue; restricted only for the page that confirms it (``PREPARE``).
    reset = SpaceReset.objects.create(
        invitation=PortalInvitation.objects.create(
            person=person,
            representative=agent,
            code_hash="0" * 64,
            created_by=worker,
            expires_at=now,
            used_at=now,
        ),
        person=person,
        representative=agent,
        account=users["representative"],
        code_made_by=worker,
        reset_at=now,
        watched_until=now + timedelta(hours=72),
        by_email=True,
        previous_password=make_password(PASSWORD),
    )
    line = AccessEvent.objects.filter(person_id=person.pk, action="consent.record").latest("id")
    disagreement = Disagreement.objects.create(  # Jo disagrees with a line of her journal: it waits
        person=person, event_id=line.pk, statement="Je n’ai rien signé.", written_by=users["person"]
    )
    # Jo keeps a member out of her record, and hid a note of Camille's from every other team.
    exclusion = Exclusion.objects.create(person=person, member=make_member(team), recorded_by=worker)
    note = make_note(person, worker, team, "housing")
    hiding = NoteHiding.objects.create(person=person, note=note, recorded_by=users["person"])
    return {
        "line": line.pk,
        "disagreement": disagreement,
        "agent": agent,
        "reset": reset,
        "P": person.pk,
        "S": scanned.person_id,
        "A": to_activate.pk,
        "followed": sorted([person.pk, scanned.person_id, to_activate.pk]),
        "person": person,
        "team": team,
        "other_team": other_team,
        "consent": consent,
        "scanned": scanned,
        "note": note,
        "exclusion": exclusion,
        "hiding": hiding,
        "code": code,
        "users": users,
        "category": Category.objects.get(code="housing"),
        "invitation": person.portal_invitations.get(representative=None),
        "emergency": emergency,
    }


@pytest.fixture
def w(world_of_the_module, single_sign_on, settings):
    """The module's world; staff may also sign in through their organisation. Sessions are kept in
    the test's memory cache, emptied before each call: each of the thousands of calls signs in anew,
    and what is checked here is each page's answer and events, not where a session is stored."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    return world_of_the_module


@dataclass(frozen=True)
class Call:
    """One way of asking a page: a method, and for a POST, what is sent."""

    method: str = "get"
    data: dict = field(default_factory=dict)
    label: str = ""


def ev(action, outcome="allowed", person=None):
    return (action, outcome, person)


def written_by(
    kind: str, url: str, call: Call, w: dict, prepare=None, *, csrf: bool = False
) -> tuple[int, list[tuple]]:
    """The status and the events of one call, in a transaction rolled back after it: the signing in,
    what ``prepare`` changes first and every row the call wrote are undone, so that the next call
    starts from the same world. With ``csrf``, the call is checked as a browser's would be, and sent
    without its token."""
    client = Client(enforce_csrf_checks=csrf)
    user = w["users"][kind]
    cache.clear()  # sign-in counts and throttles start afresh for each caller
    mark = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    try:
        with transaction.atomic():
            if user is not None:
                client.force_login(user, backend="teams.backends.UserBackend")
            if prepare is not None:
                prepare(w)
            response = getattr(client, call.method)(url, call.data)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
            events = [
                (e.action, e.outcome, e.person_id)
                for e in AccessEvent.objects.filter(id__gt=mark).order_by("id")
            ]
            raise Rollback()
    except Rollback:
        pass
    return response.status_code, events


# Expectations ---------------------------------------------------------------------------------------
# Each page: for each way of asking it, a function (kind, w) -> (status, events). ``NEW`` stands for
# a person created by the call; ``"P"`` and ``"S"`` for the persons of the world.

NEW = "a person created by the call"
SIGNED_IN = KINDS[1:]
NOT_MEMBERS = (
    "manager",
    "auditor",
    "superuser",
    "other_manager",
    "org_auditor",
    "other_auditor",
    "person",
    "representative",
)
AUDITORS = ("auditor", "org_auditor", "other_auditor")
# The auditors who read what the world's organisation did: the deployment's, and its own. Another
# organisation's auditor meets the 404 of what does not exist.
AUDITORS_OF_THE_WORLD = ("auditor", "org_auditor")
PORTAL = ("person", "representative")  # who acts in the person's space (the representative within scope)


def login_first(kind, outcome):
    return (302, []) if kind == "anonymous" else outcome


def same_for_all(status, events=()):
    return lambda kind, w: login_first(kind, (status, list(events)))


def members_only(action, allowed_events, *, status=200, person="P", elsewhere=404):
    """A page of person data: its events for members and peers alike (R3); a recorded refusal for
    everyone else: 404 for a team that does not follow (R9), the commitment first for a newcomer,
    403 for those who are no members."""

    def expect(kind, w):
        if kind == "anonymous":
            return 302, []
        if kind in MEMBERS:
            return status, allowed_events(w)
        refused = [ev(action, "denied", w.get(person, person) if person else None)]
        if kind == "elsewhere":
            return elsewhere, refused if elsewhere != 200 else []
        if kind == "newcomer":
            return 302, refused
        return 403, refused

    return expect


def author_only(action, allowed_events, *, status=200):
    """A page on the member's own note: a colleague, peer or not, is refused as any non-author is
    (authorship, not the peer role: R3's parity test has each correct a note of their own)."""
    members = members_only(action, allowed_events, status=status)

    def expect(kind, w):
        if kind == "peer":
            return 403, [ev(action, "denied", w["P"])]
        return members(kind, w)

    return expect


def person_page_reads(w):
    return [
        ev("person.view", person=w["P"]),
        ev("note.list", person=w["P"]),
        ev("consent.view", person=w["P"]),
    ]


def consent_page(
    action, allowed_events, *, for_person=True, status=200, person_status=None, person_events=None
):
    """A page about one consent, by its id: members of a following team, and the person themselves."""

    def expect(kind, w):
        if kind == "anonymous":
            return 302, []
        if kind in MEMBERS:
            return status, allowed_events(w)
        if kind in PORTAL and for_person:
            return person_status or status, (person_events or allowed_events)(w)
        refused = [ev(action, "denied", w["P"])]
        return (302, refused) if kind == "newcomer" else (404, refused)

    return expect


def portal_only(*actions, status=200, scoped=False):
    """A page of the person's own space: theirs only, and their representative's if it is ``scoped``
    (what a representative's scope covers: consents, the journal); anyone else is refused and
    recorded. A representative refused names the person, whose journal shows the attempt."""

    def expect(kind, w):
        if kind == "anonymous":
            return 302, []
        if kind == "person" or (kind == "representative" and scoped):
            return status, [ev(action, person=w["P"]) for action in actions]
        if kind == "representative":
            return 403, [ev(actions[0], "denied", w["P"])]
        return 403, [ev(actions[0], "denied")]

    return expect


def auditors_only(action, events_for_auditor):
    def expect(kind, w):
        if kind == "anonymous":
            return 302, []
        if kind in AUDITORS:
            return 200, events_for_auditor
        return 403, [ev(action, "denied")]

    return expect


def commitment_post(kind, w):
    if kind == "anonymous":
        return 302, []
    if kind == "newcomer":
        return 302, [ev("commitment.accept")]
    if kind in ("member", "peer", "elsewhere"):
        return 302, []
    return 403, [ev("commitment.accept", "denied")]


def presentation_page(write, *, invalid=False):
    """A member's own presentation, in any of their teams: no person data, so no commitment first.
    Shown without an event; changed with one; refused (and recorded) for anyone in no team."""

    def expect(kind, w):
        if kind == "anonymous":
            return 302, []
        if kind in (*MEMBERS, "newcomer", "elsewhere"):
            if not write:
                return 200, []
            if invalid or kind == "elsewhere":  # an empty form, or a team that is not theirs
                return 400, []
            return 302, [ev("membership.presentation")]
        return 403, [ev("membership.presentation", "denied")]

    return expect


def share_like_acknowledge(kind, w):
    if kind == "anonymous":
        return 302, []
    if kind == "person":
        return 302, [ev("glass_break.acknowledge", person=w["P"])]
    if kind == "representative":  # the person's own acknowledgement: beyond any representative's scope
        return 403, [ev("glass_break.acknowledge", "denied", w["P"])]
    return 403, [ev("glass_break.acknowledge", "denied")]


def attempt(w):
    """A refused emergency access: the member's attempt, on the record (issue "Written in stone")."""
    return [ev("glass_break.open", "denied", w["P"])]


def glass_review(kind, w):
    if kind == "anonymous":
        return 302, []
    if kind in AUDITORS_OF_THE_WORLD:
        return 302, [ev("glass_break.review", person=w["P"])]
    if kind == "other_auditor":
        return 404, [ev("glass_break.review", "denied")]
    return 403, [ev("glass_break.review", "denied")]


def glass_review_refused(kind, w):
    """An empty verdict: the queue is shown again with the error (an auditor's listing, recorded)."""
    if kind == "anonymous":
        return 302, []
    if kind in AUDITORS_OF_THE_WORLD:
        return 400, [ev("glass_break.list")]
    if kind == "other_auditor":
        return 404, [ev("glass_break.review", "denied")]
    return 403, [ev("glass_break.review", "denied")]  # refused before the form is read


def reset_review(kind, w):
    if kind == "anonymous":
        return 302, []
    if kind in AUDITORS_OF_THE_WORLD:
        return 302, [ev("space_reset.review", person=w["P"])]
    if kind == "other_auditor":
        return 404, [ev("space_reset.review", "denied")]
    return 403, [ev("space_reset.review", "denied")]


def reset_review_refused(kind, w):
    """An empty verdict: the queue is shown again with the error (an auditor's listing, recorded)."""
    if kind == "anonymous":
        return 302, []
    if kind in AUDITORS_OF_THE_WORLD:
        return 400, [ev("space_reset.list")]
    if kind == "other_auditor":
        return 404, [ev("space_reset.review", "denied")]
    return 403, [ev("space_reset.review", "denied")]  # refused before the form is read


def reset_confirm(outcome):
    """The representative's space, restricted after a reset, confirms with its previous password (or
    a wrong one, a recorded refusal); for anyone else there is nothing to confirm."""

    def expect(kind, w):
        if kind == "anonymous":
            return 302, []
        if kind == "representative":
            return (
                (302, [ev("space_reset.confirm", person=w["P"])])
                if outcome == "allowed"
                else (
                    400,
                    [ev("space_reset.confirm", "denied", w["P"])],
                )
            )
        return 400, []

    return expect


def renew(kind, w):
    if kind == "anonymous":
        return 302, []
    if kind in PORTAL:
        return 302, [ev("consent.record", person=w["P"])]
    return 403, [ev("consent.record", "denied")]


def notices_change(action, *, status=302):
    """A change in the person's inbox; refused, its page shows the inbox again (a read, recorded)."""

    def expect(kind, w):
        if kind == "anonymous":
            return 302, []
        if kind == "person":
            return status, [ev(action if status == 302 else "portal.notices", person=w["P"])]
        if kind == "representative":  # the inbox is the person's own
            return 403, [ev(action, "denied", w["P"])]
        return 403, [ev(action, "denied")]

    return expect


def persons_list(kind, w):
    if kind == "anonymous":
        return 302, []
    if kind in MEMBERS:
        return 200, [ev("person.list", person=p) for p in w["followed"]]
    if kind == "elsewhere":
        return 200, []  # nobody their team follows: nothing shown, nothing recorded
    return (302 if kind == "newcomer" else 403), [ev("person.list", "denied")]


def refused_person_create(kind, status_for_members, events_for_members):
    if kind == "anonymous":
        return 302, []
    if kind in MEMBERS or (kind == "elsewhere" and status_for_members == 200):
        return status_for_members, events_for_members
    if kind == "elsewhere":
        return 400, []  # the team asked for is not one of theirs: the form says so
    return (302 if kind == "newcomer" else 403), [ev("person.create", "denied")]


def login_post(status, events):
    def expect(kind, w):
        return (status, events) if kind == "anonymous" else (302, [])

    return expect


def activation(status, events):
    return lambda kind, w: (status, events(w))


def evidence_page(kind, w):
    scan = w["S"]
    if kind == "anonymous":
        return 302, []
    if kind in MEMBERS:
        return 200, [ev("consent.consents.evidence", person=scan)]
    refused = [ev("consent.consents.evidence", "denied", scan)]
    return (302, refused) if kind == "newcomer" else (404, refused)


def stop_all(kind, w):
    if kind == "anonymous":
        return 302, []
    if kind in PORTAL:
        return 302, [ev("consent.withdraw", person=w["P"])]
    if kind in MEMBERS:
        return 400, []  # "portal" is for the person's own withdrawals: nothing done, nothing recorded
    refused = [ev("consent.withdraw", "denied", w["P"])]
    return (302, refused) if kind == "newcomer" else (404, refused)


def unconfirmed_stop(kind, w):
    """Stopping everything sent by a single tap, without its confirmation: nothing done (400) for
    whoever reaches the consent; anyone else is refused as before (R9)."""
    if kind in PORTAL:
        return 400, []
    return stop_all(kind, w)


def unconfirmed_end(kind, w):
    """Ending a role sent without its confirmation: nothing done for whoever reaches the role."""
    return by_representation("representative.end", kind, w, members=(400, []), person=(400, []))


def disagree_post(kind, w):
    """Jo, or her representative for her, disagrees with a line of her journal; anyone else is
    refused before anything is read."""
    if kind == "anonymous":
        return 302, []
    if kind in PORTAL:
        return 302, [ev("disagreement.record", person=w["P"])]
    return 403, [ev("disagreement.record", "denied")]


def disagree_refused(kind, w):
    """No words: the form is shown again with what it is about (a recorded reading)."""
    if kind == "anonymous":
        return 302, []
    if kind in PORTAL:
        return 400, [ev("portal.disagreements", person=w["P"])]
    return 403, [ev("portal.disagreements", "denied")]


def disagreement_queue(kind, w):
    if kind == "anonymous":
        return 302, []
    if kind in AUDITORS_OF_THE_WORLD:
        return 200, [ev("disagreement.list", person=w["P"])]
    if kind == "other_auditor":  # none of theirs waits: a listing that names nobody
        return 200, [ev("disagreement.list")]
    return 403, [ev("disagreement.list", "denied")]


def disagreement_answer(status, events):
    def expect(kind, w):
        if kind == "anonymous":
            return 302, []
        if kind in AUDITORS_OF_THE_WORLD:
            return status, [ev(action, person=w["P"]) for action in events]
        if kind == "other_auditor":
            return 404, [ev("disagreement.answer", "denied")]
        return 403, [ev("disagreement.answer", "denied")]  # refused before the form is read

    return expect


def share(status_for_person, events_for_person):
    def expect(kind, w):
        if kind == "anonymous":
            return 302, []
        if kind in PORTAL:
            return status_for_person, events_for_person(w)
        return 403, [ev("consent.record", "denied")]

    return expect


def by_representation(action, kind, w, *, members, person):
    """An act on a representation by its id: members of a following team and the person as given;
    anyone else (the representative included) gets the recorded 404 of R9, naming the person."""
    if kind == "anonymous":
        return 302, []
    if kind in MEMBERS:
        return members
    if kind == "person":
        return person
    refused = [ev(action, "denied", w["P"])]
    return (302, refused) if kind == "newcomer" else (404, refused)


def representative_end(kind, w):
    done = (302, [ev("representative.end", person=w["P"])])
    return by_representation("representative.end", kind, w, members=done, person=done)  # a trusted person


def representative_end_refused(kind, w):
    """No evidence: the worker's page is shown again (a recorded reading); the person's account
    reaches the role but not the worker's page."""
    return by_representation(
        "representative.end",
        kind,
        w,
        members=(400, [ev("representative.list", person=w["P"])]),
        person=(403, [ev("representative.list", "denied", w["P"])]),
    )


def representative_code(kind, w):
    return by_representation(
        "portal.invite",
        kind,
        w,
        members=(302, [ev("portal.invite", person=w["P"])]),
        person=(403, [ev("portal.invite", "denied", w["P"])]),  # codes are made by a worker
    )


def portal_representative_end(kind, w):
    """The person ends their trusted person's role; a member reaches the role but ends it only with
    evidence, which this button does not carry (refused, nothing kept)."""
    return by_representation(
        "representative.end",
        kind,
        w,
        members=(400, []),
        person=(302, [ev("representative.end", person=w["P"])]),
    )


def exclusion_lift(kind, w):
    """Jo lets a member back: in her space, or with a member of the team; a team that does not follow
    her gets the 404 of R9, named in her journal; anyone else is refused as one who follows no one."""
    if kind == "anonymous":
        return 302, []
    if kind in (*MEMBERS, "person"):
        return 302, [ev("exclusion.lift", person=w["P"])]
    if kind == "elsewhere":
        return 404, [ev("exclusion.lift", "denied", w["P"])]
    return (302 if kind == "newcomer" else 403), [ev("exclusion.lift", "denied")]


def exclusion_lift_alone(kind, w):
    """A worker without the person there (nobody said present, nothing confirmed): a 400, nothing
    lifted, no event; the person in her space needs neither."""
    if kind in MEMBERS:
        return 400, []
    return exclusion_lift(kind, w)


def ask_team(status, opened=False):
    """The person asks another team to follow them (and their representative, whose role covers
    consents): the teams listed are no person data, the follow-up is; anyone else is refused and
    recorded."""

    def expect(kind, w):
        if kind == "anonymous":
            return 302, []
        if kind in PORTAL:
            return status, [ev("follow_up.open", person=w["P"])] if opened else []
        return 403, [ev("follow_up.open", "denied")]

    return expect


def own_space(action, status, *, refused_action=None):
    """An act of the person's own (their notes): a representative, who never reads notes, is refused
    and named in the person's journal; anyone else has no space of their own."""

    def expect(kind, w):
        if kind == "anonymous":
            return 302, []
        if kind == "person":
            return status, [ev(action, person=w["P"])]
        if kind == "representative":
            return 403, [ev(refused_action or action, "denied", w["P"])]
        return 403, [ev(refused_action or action, "denied")]

    return expect


def data(w, name):
    """The bodies sent to the forms."""
    team, other = w["team"], w["other_team"]
    new_password = PASSWORD + " neuf"
    glass = {
        "team": team.pk,
        "categories": ["support_plan"],
        "reason": "danger_to_life",
        "statement": "Hospitalisé, injoignable.",
        "hours": "4",
    }
    bodies = {
        "login": {"username": w["users"]["member"].username, "password": PASSWORD},
        "accept": {"accept": "on"},
        "login-bad": {"username": w["users"]["member"].username, "password": "wrong password"},
        "factor": {"code": "123456"},
        "account-code-bad": {
            "username": w["users"]["member"].username,
            "code": "AAAA-BBBB-CCCC-DDDD",
            "new_password1": new_password,
            "new_password2": new_password,
        },
        "password": {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
        "person": {"team": team.pk, "display_name": "Nouvelle"},
        "note": {"team": team.pk, "category": "housing", "body": "Vu ce matin"},
        "correction": {"body": "Vu ce matin (corrigé)"},
        "correction-empty": {"body": ""},
        "contact": {"phone": "06 11 22 33 44", "email": "", "address": ""},
        "contact-bad": {"phone": "abc", "email": "", "address": ""},
        "note-empty": {"team": team.pk, "category": "housing", "body": ""},
        "note-unshared": {"team": team.pk, "category": "support_plan", "body": "RDV CAF"},
        "follow-up": {"team": other.pk, "presence": "in_person", "confirmed": "on"},
        "follow-up-again": {"team": team.pk},
        "consent": {
            "team": team.pk,
            "categories": ["housing"],
            "purpose": "Continuité",
            "method": "oral",
            **informed(),
        },
        "consent-bad-scan": {
            "team": team.pk,
            "categories": ["housing"],
            "purpose": "Continuité",
            "method": "written",
            **informed(),
            "evidence": SimpleUploadedFile("scan.txt", b"not a scan", content_type="application/pdf"),
        },
        "withdraw": {"method": "oral"},
        "activate": {
            "code": w["code"],
            "username": "nouvelle.personne",
            "password": PASSWORD,
            "password_again": PASSWORD,
        },
        "activate-bad": {
            "code": "AAAA-BBBB-CCCC",
            "username": "x.y",
            "password": PASSWORD,
            "password_again": PASSWORD,
        },
        "share": {"team": team.pk, "category": "support_plan", "share": "yes"},
        "share-beyond": {"team": team.pk, "category": "health", "share": "yes"},
        "language": {"language": "en", "next": "/"},
        "presentation": {"team": team.pk, "title": "intervenante"},
        "notice-bad": {"notice": "abc"},
        "glass": glass,
        # Refused by the rules of emergency access (issue "Written in stone", §3): denied attempts.
        "glass-refused": {**glass, "reason": "cannot_be_asked"},  # support_plan: Jo left it out
        "glass-already": {**glass, "categories": ["housing"]},  # shared by Jo's consent
        "glass-beyond": {**glass, "categories": ["health"]},  # not the team's mission
        "glass-other-team": {**glass, "team": other.pk},  # not a team of the member's
        "glass-hours": {**glass, "hours": "25"},  # a mistake of the form: no attempt
        "verdict": {"verdict": "justified", "comment": "Confirmé."},
        "notice-email": {"email": "jo@example.org", "enabled": "on"},
        "notice-email-bad": {"email": "", "enabled": "on"},
        "representative": {
            "name": "Paul",
            "kind": "guardian",
            "scope": "consents",
            "evidence": "Jugement du tribunal judiciaire du 2 mars",
        },
        "end": {"evidence": "Jugement de mainlevée"},
        "confirmed": {"confirmed": "yes"},
        "disagree": {"event": w["line"], "statement": "Je n’ai rien signé."},
        "disagree-empty": {"event": w["line"], "statement": ""},
        "answer": {"answer": "Le reçu porte votre accord oral."},
        "answer-empty": {"answer": ""},
        "previous-password": {"previous_password": PASSWORD},
        "previous-password-wrong": {"previous_password": PASSWORD + " faux"},
        "keep-out": {"member": w["users"]["newcomer"].pk, "presence": "in_person", "confirmed": "on"},
        "with-the-person": {"presence": "in_person", "confirmed": "on"},
        "ask-team": {"team": other.pk},
        "hide-bad": {"team": "abc"},
        "hide-from-team": {"team": team.pk},  # hidden from every other team already
    }
    return bodies[name]


def GET(expect):
    return {("get", ""): expect}


def POST(**variants):
    """POST variants: label -> (body name or None, expectation)."""
    return {("post", label): (body, expect) for label, (body, expect) in variants.items()}


PAGES = {
    "home": {**GET(same_for_all(302)), ("post", "refused"): (None, same_for_all(405))},
    "login": {
        ("get", ""): lambda kind, w: (200, []) if kind == "anonymous" else (302, []),
        **POST(
            valid=("login", login_post(302, [ev("auth.login")])),
            invalid=("login-bad", login_post(400, [ev("auth.login_failed", "denied")])),
        ),
    },
    "logout": {**GET(lambda kind, w: (405, [])), **POST(valid=(None, lambda kind, w: (302, [])))},
    # The information texts given before a consent: public words, for anyone, nothing recorded.
    "information": {**GET(lambda kind, w: (200, [])), **POST(refused=(None, lambda kind, w: (405, [])))},
    "information-text": {**GET(lambda kind, w: (200, [])), **POST(refused=(None, lambda kind, w: (405, [])))},
    # Off to the provider (nothing happened yet), or home for whoever is signed in already.
    "oidc-start": {**GET(lambda kind, w: (302, [])), **POST(refused=(None, lambda kind, w: (405, [])))},
    # Back from the provider with no sign-in under way (a forged or replayed answer): refused, recorded.
    "oidc-callback": {
        **GET(
            lambda kind, w: (403, [ev("auth.login_failed", "denied")]) if kind == "anonymous" else (302, [])
        ),
        **POST(refused=(None, lambda kind, w: (405, []))),
    },
    "commitment": {
        **GET(same_for_all(200)),
        **POST(valid=("accept", commitment_post), invalid=(None, same_for_all(400))),
    },
    "password-change": {
        **GET(same_for_all(200)),
        **POST(
            valid=("password", lambda kind, w: login_first(kind, (302, [ev("account.update")]))),
            invalid=(None, same_for_all(400)),
        ),
    },
    "presentation": {
        **GET(presentation_page(write=False)),
        **POST(
            valid=("presentation", presentation_page(write=True)),
            invalid=(None, presentation_page(write=True, invalid=True)),
        ),
    },
    "handover": {
        # Every person of the world has news for its team (a consent, a team that started following)
        # or no consent: each is shown, and recorded as a list records it. Another team's member
        # follows no one here: an empty page.
        **GET(
            members_only(
                "person.list",
                lambda w: [ev("person.list", person=p) for p in w["followed"]],
                person=None,
                elsewhere=200,
            )
        ),
        **POST(
            valid=(
                None,
                lambda kind, w: (
                    (302, [])
                    if kind == "elsewhere"
                    else members_only("person.list", lambda w: [], status=302, person=None)(kind, w)
                ),
            )
        ),
    },
    # The steps after a right password: without one pending in the session, back to the sign-in
    # (their events are in tests/web/test_second_factor.py, where a sign-in is pending).
    "login-factor": {**GET(lambda kind, w: (302, [])), **POST(valid=("factor", lambda kind, w: (302, [])))},
    "login-enrol": {**GET(lambda kind, w: (302, [])), **POST(valid=("factor", lambda kind, w: (302, [])))},
    "login-password": {
        **GET(lambda kind, w: (302, [])),
        **POST(valid=("password", lambda kind, w: (302, []))),
    },
    "account-code": {
        ("get", ""): lambda kind, w: (200, []),
        **POST(
            invalid=("account-code-bad", lambda kind, w: (400, [ev("auth.login_failed", "denied")])),
            empty=(None, lambda kind, w: (400, [])),
        ),
    },
    "security": {**GET(same_for_all(200)), ("post", "refused"): (None, same_for_all(405))},
    "security-add": {
        **GET(same_for_all(405)),
        **POST(invalid=("factor", same_for_all(400)), empty=(None, same_for_all(400))),
    },
    "security-totp-remove": {**POST(invalid=(None, same_for_all(400)))},  # no application to remove
    "security-passkey-remove": {  # no such passkey of theirs: the recorded 404 of R9
        **POST(invalid=(None, same_for_all(404, [ev("mfa.remove", "denied")])))
    },
    "security-codes": {**POST(invalid=(None, same_for_all(400)))},  # no factor: no recovery codes
    "password-forgotten": {
        ("get", ""): lambda kind, w: (200, []),
        ("post", "refused"): (None, lambda kind, w: (405, [])),
    },
    "persons": {**GET(persons_list), **POST(refused=(None, same_for_all(405)))},
    "person-new": {
        **GET(lambda kind, w: refused_person_create(kind, 200, [])),
        **POST(
            valid=(
                "person",
                lambda kind, w: refused_person_create(
                    kind, 302, [ev("person.create", person=NEW), ev("person.view", person=NEW)]
                ),
            ),
            invalid=(None, lambda kind, w: refused_person_create(kind, 400, [])),
        ),
    },
    "person": {
        **GET(members_only("person.view", person_page_reads)),
        **POST(refused=(None, same_for_all(405))),
    },
    "note-new": {
        **GET(same_for_all(405)),
        **POST(
            valid=(
                "note",
                members_only("note.create", lambda w: [ev("note.create", person=w["P"])], status=302),
            ),
            invalid=("note-empty", members_only("note.create", person_page_reads, status=400)),
            unconfirmed=("note-unshared", members_only("note.create", person_page_reads, status=409)),
        ),
    },
    "follow-up-new": {
        **GET(same_for_all(405)),
        **POST(
            valid=(
                "follow-up",
                members_only("follow_up.open", lambda w: [ev("follow_up.open", person=w["P"])], status=302),
            ),
            invalid=("follow-up-again", members_only("follow_up.open", person_page_reads, status=409)),
        ),
    },
    "note-correct": {
        **GET(author_only("note.view", lambda w: [ev("note.view", person=w["P"])])),
        **POST(
            valid=(
                "correction",
                author_only("note.correct", lambda w: [ev("note.correct", person=w["P"])], status=302),
            ),
            # Refused before the service: the form is shown again with the note, a recorded read.
            invalid=(
                "correction-empty",
                author_only("note.view", lambda w: [ev("note.view", person=w["P"])], status=400),
            ),
        ),
    },
    "contact-edit": {
        **GET(members_only("person.view", lambda w: [ev("person.view", person=w["P"])])),
        **POST(
            valid=(
                "contact",
                members_only("person.update", lambda w: [ev("person.update", person=w["P"])], status=302),
            ),
            invalid=(
                "contact-bad",
                members_only("person.view", lambda w: [ev("person.view", person=w["P"])], status=400),
            ),
        ),
    },
    "follow-up-close-page": {
        **GET(same_for_all(405)),
        **POST(
            valid=(
                None,
                # The team's open emergency access to Jo ends with the follow-up (issue "Written in stone").
                members_only(
                    "follow_up.close",
                    lambda w: [ev("follow_up.close", person=w["P"]), ev("glass_break.end", person=w["P"])],
                    status=302,
                ),
            )
        ),
    },
    "consent-new": {
        # The form starts from the team's current consent: its reading is recorded.
        **GET(
            members_only(
                "person.view", lambda w: [ev("person.view", person=w["P"]), ev("consent.view", person=w["P"])]
            )
        ),
        **POST(
            valid=(
                "consent",
                members_only(
                    "person.view",
                    lambda w: [ev("person.view", person=w["P"]), ev("consent.record", person=w["P"])],
                    status=302,
                ),
            ),
            # The consent is refused after its first write: nothing of it is kept (issue §1).
            invalid=(
                "consent-bad-scan",
                members_only("person.view", lambda w: [ev("person.view", person=w["P"])], status=400),
            ),
        ),
    },
    "portal-invite": {
        # The code made by the POST is shown by this GET (from the session), with the person's name.
        **GET(members_only("person.view", lambda w: [ev("person.view", person=w["P"])])),
        **POST(
            valid=(
                None,
                members_only("portal.invite", lambda w: [ev("portal.invite", person=w["P"])], status=302),
            )
        ),
    },
    "consent-withdrawal": {
        **GET(consent_page("receipt.view", lambda w: [ev("receipt.view", person=w["P"])])),
        **POST(
            valid=(
                "withdraw",
                consent_page(
                    "receipt.view",
                    lambda w: [ev("receipt.view", person=w["P"]), ev("consent.withdraw", person=w["P"])],
                    status=302,
                    # The person withdraws in their own space ("portal"), not "oral": refused, kept nothing.
                    person_status=400,
                    person_events=lambda w: [ev("receipt.view", person=w["P"])],
                ),
            ),
            invalid=(
                None,
                consent_page("receipt.view", lambda w: [ev("receipt.view", person=w["P"])], status=400),
            ),
        ),
    },
    "consent-receipt-page": {
        **GET(consent_page("receipt.view", lambda w: [ev("receipt.view", person=w["P"])])),
        **POST(refused=(None, same_for_all(405))),
    },
    "consent-evidence": {**GET(evidence_page), **POST(refused=(None, same_for_all(405)))},
    "portal-activation": {
        ("get", ""): lambda kind, w: (200, []),
        **POST(
            valid=("activate", activation(302, lambda w: [ev("portal.activate", person=w["A"])])),
            invalid=("activate-bad", activation(400, lambda w: [ev("portal.activate", "denied")])),
        ),
    },
    "portal-home": {
        **GET(portal_only("portal.consents", scoped=True)),
        **POST(refused=(None, same_for_all(405))),
    },
    "portal-share": {
        **GET(same_for_all(405)),
        **POST(
            valid=("share", share(302, lambda w: [ev("consent.record", person=w["P"])])),
            invalid=(None, same_for_all(400)),
            beyond=("share-beyond", share(400, lambda w: [ev("portal.consents", person=w["P"])])),
        ),
    },
    "portal-stop-all": {
        **GET(same_for_all(405)),
        **POST(valid=("confirmed", stop_all), unconfirmed=(None, unconfirmed_stop)),
    },
    "glass-break": {
        **GET(members_only("glass_break.open", lambda w: [])),
        **POST(
            valid=(
                "glass",
                members_only(
                    "glass_break.open", lambda w: [ev("glass_break.open", person=w["P"])], status=302
                ),
            ),
            invalid=(None, members_only("glass_break.open", lambda w: [], status=400)),
            hours=("glass-hours", members_only("glass_break.open", lambda w: [], status=400)),
            **{
                refusal: (f"glass-{refusal}", members_only("glass_break.open", attempt, status=400))
                for refusal in ("refused", "already", "beyond", "other-team")
            },
        ),
    },
    "glass-end": {  # a member of its team ends an emergency access early (issue "Every sentence true")
        **GET(same_for_all(405)),
        **POST(
            valid=(
                None,
                members_only("glass_break.end", lambda w: [ev("glass_break.end", person=w["P"])], status=302),
            ),
        ),
    },
    "glass-queue": {
        **GET(auditors_only("glass_break.list", [ev("glass_break.list")])),
        **POST(refused=(None, same_for_all(405))),
    },
    "glass-review": {
        **GET(same_for_all(405)),
        **POST(valid=("verdict", glass_review), invalid=(None, glass_review_refused)),
    },
    "reset-queue": {
        **GET(auditors_only("space_reset.list", [ev("space_reset.list")])),
        ("post", "refused"): (None, same_for_all(405)),
    },
    "reset-review": {
        **GET(same_for_all(405)),
        **POST(valid=("verdict", reset_review), invalid=(None, reset_review_refused)),
    },
    "portal-reset-confirm": {
        **GET(same_for_all(200)),
        **POST(
            valid=("previous-password", reset_confirm("allowed")),
            invalid=("previous-password-wrong", reset_confirm("denied")),
        ),
    },
    "portal-glass-acknowledge": {
        **GET(same_for_all(405)),
        **POST(valid=(None, share_like_acknowledge)),
    },
    "portal-renew": {**GET(same_for_all(405)), **POST(valid=(None, renew))},
    "portal-notices": {**GET(portal_only("portal.notices")), **POST(refused=(None, same_for_all(405)))},
    "portal-notices-read": {
        **GET(same_for_all(405)),
        **POST(
            valid=(None, notices_change("notice.read")),
            invalid=("notice-bad", same_for_all(400)),  # the form is read before anything is asked
        ),
    },
    "portal-notices-email": {
        **GET(same_for_all(405)),
        **POST(
            valid=("notice-email", notices_change("notice.email")),
            invalid=("notice-email-bad", notices_change("notice.email", status=400)),
        ),
    },
    "renewals": {
        **GET(
            members_only(
                "person.list",
                lambda w: [ev("person.list", person=w["P"]), ev("person.list", person=w["A"])],
                person=None,
                elsewhere=200,
            )
        ),
        **POST(refused=(None, same_for_all(405))),
    },
    "portal-journal": {
        **GET(portal_only("portal.access_log", scoped=True)),
        **POST(refused=(None, same_for_all(405))),
    },
    "portal-receipt-list": {
        **GET(portal_only("portal.receipts", scoped=True)),
        **POST(refused=(None, same_for_all(405))),
    },
    "portal-download": {**GET(portal_only("portal.export")), **POST(refused=(None, same_for_all(405)))},
    "portal-download-fhir": {**GET(portal_only("portal.export")), **POST(refused=(None, same_for_all(405)))},
    "portal-print": {
        **GET(portal_only("portal.export", "portal.access_log")),
        **POST(refused=(None, same_for_all(405))),
    },
    "person-representatives": {
        **GET(members_only("representative.list", lambda w: [ev("representative.list", person=w["P"])])),
        **POST(
            valid=(
                "representative",
                members_only(
                    "representative.record",
                    lambda w: [
                        ev("representative.record", person=w["P"]),
                        ev("portal.invite", person=w["P"]),
                    ],
                    status=302,
                ),
            ),
            # Refused by the form: the page is shown again (a recorded reading), nothing recorded.
            invalid=(
                None,
                members_only(
                    "representative.list", lambda w: [ev("representative.list", person=w["P"])], status=400
                ),
            ),
        ),
    },
    "representative-end": {
        **GET(same_for_all(405)),
        **POST(valid=("end", representative_end), invalid=(None, representative_end_refused)),
    },
    "representative-code": {**GET(same_for_all(405)), **POST(valid=(None, representative_code))},
    "portal-representatives": {
        **GET(portal_only("representative.list", scoped=True)),
        **POST(refused=(None, same_for_all(405))),
    },
    "portal-representative-end": {
        **GET(same_for_all(405)),
        **POST(valid=("confirmed", portal_representative_end), unconfirmed=(None, unconfirmed_end)),
    },
    "portal-disagreements": {
        **GET(portal_only("portal.disagreements", scoped=True)),
        **POST(refused=(None, same_for_all(405))),
    },
    "portal-disagree": {
        **GET(portal_only("portal.disagreements", scoped=True)),
        **POST(valid=("disagree", disagree_post), invalid=("disagree-empty", disagree_refused)),
    },
    "person-exclusions": {
        **GET(members_only("exclusion.list", lambda w: [ev("exclusion.list", person=w["P"])])),
        **POST(
            valid=(
                "keep-out",
                members_only(
                    "exclusion.record", lambda w: [ev("exclusion.record", person=w["P"])], status=302
                ),
            ),
            # Refused by the form: the page is shown again (a recorded reading), nothing recorded.
            invalid=(
                None,
                members_only("exclusion.list", lambda w: [ev("exclusion.list", person=w["P"])], status=400),
            ),
        ),
    },
    "exclusion-lift": {
        **GET(same_for_all(405)),
        **POST(valid=("with-the-person", exclusion_lift), alone=(None, exclusion_lift_alone)),
    },
    "portal-exclusions": {
        **GET(portal_only("exclusion.list")),
        **POST(
            valid=("keep-out", portal_only("exclusion.record", status=302)),
            invalid=(None, portal_only("exclusion.list", status=400)),
        ),
    },
    "portal-ask-team": {
        **GET(ask_team(200)),
        **POST(valid=("ask-team", ask_team(302, opened=True)), invalid=(None, ask_team(400))),
    },
    "portal-notes": {**GET(own_space("portal.notes", 200)), **POST(refused=(None, same_for_all(405)))},
    "portal-note-hide": {
        **GET(same_for_all(405)),
        **POST(
            valid=("hide-from-team", own_space("note.hide", 302)),
            invalid=("hide-bad", own_space("portal.notes", 400)),
        ),
    },
    "portal-note-show": {**GET(same_for_all(405)), **POST(valid=(None, own_space("note.show", 302)))},
    "disagreement-queue": {**GET(disagreement_queue), **POST(refused=(None, same_for_all(405)))},
    "disagreement-answer": {
        **GET(same_for_all(405)),
        **POST(
            valid=("answer", disagreement_answer(302, ["disagreement.answer"])),
            invalid=("answer-empty", disagreement_answer(400, ["disagreement.list"])),
        ),
    },
    "audit-log": {
        **GET(auditors_only("audit.view", [ev("audit.view")])),
        **POST(refused=(None, same_for_all(405))),
    },
    "audit-integrity": {
        **GET(auditors_only("audit.verify", [])),
        **POST(valid=(None, auditors_only("audit.verify", [ev("audit.verify")]))),
    },
    "set_language": {
        ("get", ""): lambda kind, w: (302, []),
        **POST(valid=("language", lambda kind, w: (302, []))),
    },
    "schema": {("get", ""): lambda kind, w: (200, [])},
    "docs": {("get", ""): lambda kind, w: (200, [])},
}


def restricted_representative(w):
    """The representative's space restricted after its reset: what the confirmation page lifts."""
    SpaceReset.objects.filter(pk=w["reset"].pk).update(restricted=True, by_email=False)


# What a page needs changed in the world first, undone after each call.
PREPARE = {"portal-reset-confirm": restricted_representative}


def urls(w) -> dict[str, str]:
    person, consent, scanned = w["P"], w["consent"].pk, w["scanned"].pk
    return {
        "home": "/",
        "information": "/information/",
        "information-text": f"/information/{information_text().pk}/",
        "login": "/login/",
        "logout": "/logout/",
        "oidc-start": "/login/oidc/",
        "oidc-callback": "/login/oidc/callback/?code=forged&state=forged",
        "commitment": "/commitment/",
        "password-change": "/password/",
        "password-forgotten": "/password/forgotten/",
        "login-factor": "/login/factor/",
        "login-enrol": "/login/enrol/",
        "login-password": "/login/password/",
        "account-code": "/account/code/",
        "security": "/me/security/",
        "security-add": "/me/security/add/",
        "security-totp-remove": "/me/security/totp/remove/",
        "security-passkey-remove": "/me/security/passkeys/999/remove/",
        "security-codes": "/me/security/recovery-codes/",
        "presentation": "/me/presentation/",
        "persons": "/persons/",
        "handover": "/handover/",
        "person-new": "/persons/new/",
        "person": f"/persons/{person}/",
        "note-new": f"/persons/{person}/notes/new/",
        "follow-up-new": f"/persons/{person}/follow-ups/new/",
        "consent-new": f"/persons/{person}/consents/new/",
        "portal-invite": f"/persons/{person}/portal-code/",
        "note-correct": f"/notes/{w['note'].pk}/correct/",
        "contact-edit": f"/persons/{person}/contact/",
        "follow-up-close-page": f"/follow-ups/{w['person'].follow_ups.get(team=w['team']).pk}/close/",
        "consent-withdrawal": f"/consents/{consent}/withdraw/",
        "consent-receipt-page": f"/consents/{consent}/receipt/",
        "consent-evidence": f"/consents/{scanned}/evidence/",
        "portal-activation": "/portal/activate/",
        "portal-home": "/portal/",
        "portal-share": "/portal/share/",
        "portal-ask-team": "/portal/other-teams/",
        "portal-stop-all": f"/portal/consents/{consent}/stop/",
        "portal-journal": "/portal/journal/",
        "portal-renew": f"/portal/consents/{consent}/renew/",
        "portal-notices": "/portal/notices/",
        "portal-notices-read": "/portal/notices/read/",
        "portal-notices-email": "/portal/notices/email/",
        "renewals": "/renewals/",
        "glass-break": f"/persons/{person}/emergency/",
        "glass-end": f"/emergency-accesses/{w['emergency'].pk}/end/",
        "glass-queue": "/audit/emergencies/",
        "reset-queue": "/audit/resets/",
        "reset-review": f"/audit/resets/{w['reset'].pk}/review/",
        "portal-reset-confirm": "/portal/confirm/",
        "glass-review": f"/audit/emergencies/{w['emergency'].pk}/review/",
        "portal-glass-acknowledge": f"/portal/emergencies/{w['emergency'].pk}/acknowledge/",
        "portal-receipt-list": "/portal/receipts/",
        "portal-download": "/portal/my-data/",
        "portal-download-fhir": "/portal/my-data/fhir/",
        "portal-print": "/portal/print/",
        "person-representatives": f"/persons/{person}/representatives/",
        "representative-end": f"/representatives/{w['agent'].pk}/end/",
        "representative-code": f"/representatives/{w['agent'].pk}/code/",
        "portal-representatives": "/portal/representatives/",
        "portal-representative-end": f"/portal/representatives/{w['agent'].pk}/end/",
        "portal-disagreements": "/portal/disagreements/",
        "person-exclusions": f"/persons/{person}/exclusions/",
        "exclusion-lift": f"/exclusions/{w['exclusion'].pk}/lift/",
        "portal-exclusions": "/portal/exclusions/",
        "portal-notes": "/portal/notes/",
        "portal-note-hide": f"/portal/notes/{w['note'].pk}/hide/",
        "portal-note-show": f"/portal/note-hidings/{w['hiding'].pk}/show/",
        "portal-disagree": f"/portal/disagreements/new/?event={w['line']}",
        "disagreement-queue": "/audit/disagreements/",
        "disagreement-answer": f"/audit/disagreements/{w['disagreement'].pk}/answer/",
        "audit-log": "/audit/",
        "audit-integrity": "/audit/integrity/",
        "set_language": "/i18n/setlang/",
        "schema": "/api/schema/",
        "docs": "/api/docs/",
    }


def test_every_page_of_the_resolver_has_expectations(db):
    pages = {name for name, _route in page_routes() if not name.startswith("admin:")}
    assert pages == set(PAGES)


CALLS = [(name, method, label) for name in sorted(PAGES) for method, label in PAGES[name]]


@pytest.mark.parametrize(
    "name,method,label", CALLS, ids=[f"{n}-{m}{'-' + label if label else ''}" for n, m, label in CALLS]
)
def test_each_page_answers_and_records_exactly_what_it_should(w, name, method, label):
    """Every kind of user in turn, on one world: each call is rolled back (``written_by``), so that
    the world is built once per page rather than once per caller. Every caller that differs from
    its expectation is named in the failure."""
    entry = PAGES[name][(method, label)]
    body_name, expect = entry if isinstance(entry, tuple) else (None, entry)
    wrong = {}
    url = urls(w)[name]  # the world's rows are the same for every caller: each call is rolled back
    for kind in KINDS:
        asked = Call(method, data(w, body_name) if body_name else {}, label)
        status, events = written_by(kind, url, asked, w, PREPARE.get(name))
        expected_status, expected_events = expect(kind, w)
        created = {p for a, o, p in events if a == "person.create" and o == "allowed"}
        found = sorted((a, o, NEW if p in created else p) for a, o, p in events)
        if (status, found) != (expected_status, sorted(expected_events)):
            wrong[kind] = {"got": (status, found), "expected": (expected_status, sorted(expected_events))}
    assert wrong == {}, (name, label)


# The managers' administration ---------------------------------------------------------------------

ADMIN_MODELS = {
    "teams.organisation",
    "teams.team",
    "teams.user",
    "teams.category",
    "consent.portalinvitation",
}


def test_the_administration_holds_only_the_models_accounted_for():
    from django.contrib import admin

    assert {model._meta.label_lower for model in admin.site._registry} == ADMIN_MODELS


def admin_urls(w) -> list[str]:
    """Every page of the administration, with real objects where it takes one."""
    from django.contrib.contenttypes.models import ContentType

    objects = {
        "teams/organisation": w["team"].organisation_id,
        "teams/team": w["team"].pk,
        "teams/user": w["users"]["member"].pk,
        "teams/category": w["category"].pk,
        "consent/portalinvitation": w["invitation"].pk,
    }
    found = []
    for name, route in page_routes():
        if not name.startswith("admin:"):
            continue
        url = "/" + route.replace("^", "").replace("$", "")
        for model, pk in objects.items():
            if url.startswith(f"/admin/{model}/"):
                url = url.replace("<path:object_id>", str(pk)).replace("<id>", str(pk))
        url = url.replace("(?P<app_label>axes|teams|consent)/", "teams/").replace("(?P<url>.*)", "nowhere/")
        type_id = ContentType.objects.get_for_model(type(w["team"])).pk
        url = url.replace("<path:content_type_id>", str(type_id)).replace(
            "<path:object_id>", str(w["team"].pk)
        )
        found.append(url)
    return found


@pytest.mark.parametrize("kind", KINDS)
def test_every_page_of_the_administration_opens_to_managers_only_and_discloses_nothing(w, kind):
    manager = kind in ("manager", "superuser", "other_manager")
    for url in admin_urls(w):
        status, events = written_by(kind, url, Call("get"), w)
        if manager and url.endswith("/password/"):  # another's password form: refused, recorded (R10)
            assert (status, events) == (403, [("account.update", "denied", None)]), (url, kind)
            continue
        assert events == [], (url, kind)
        if kind == "anonymous":
            assert status == 302, url
        elif not manager:
            assert status == 403, (url, kind, status)
        else:
            assert status in (200, 302, 403, 404, 405), (url, status)


def team_form(w, **changes):
    team = w["team"]
    body = {
        "name": team.name,
        "continuity_categories": [str(c.pk) for c in team.continuity_categories.all()],
        "commitment_text": team.commitment_text,
        "organisation": str(team.organisation_id),  # read by the deployment's administrators only
        **({"glass_break_allowed": "on"} if team.glass_break_allowed else {}),
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    return body | changes


def new_member_inline(user) -> dict:
    return {
        "memberships-TOTAL_FORMS": "1",
        "memberships-0-user": str(user.pk),
        "memberships-0-profession": "pair",
    }


ADMIN_ACTS = {
    "team-add": (
        lambda w: "/admin/teams/team/add/",
        lambda w: team_form(w, name="Équipe mobile") | new_member_inline(UserFactory(username="nouvelle")),
        302,
        ["team.create", "membership.add"],
    ),
    "team-add-invalid": (lambda w: "/admin/teams/team/add/", lambda w: team_form(w, name=""), 400, []),
    "team-change": (
        lambda w: f"/admin/teams/team/{w['team'].pk}/change/",
        lambda w: team_form(w, name="Maraude Sud", continuity_categories=[str(w["category"].pk)]),
        302,
        ["team.update"],
    ),
    # Turning emergency access off ends the team's open one, on the record (issue "Written in stone").
    "team-glass-off": (
        lambda w: f"/admin/teams/team/{w['team'].pk}/change/",
        lambda w: {k: v for k, v in team_form(w).items() if k != "glass_break_allowed"},
        302,
        ["glass_break.end", "team.update"],
    ),
    "account-add": (
        lambda w: "/admin/teams/user/add/",
        lambda w: {"username": "nouveau", "display_name": "N"},
        302,
        ["account.create", "account.code"],
    ),
    "account-add-invalid": (
        lambda w: "/admin/teams/user/add/",
        lambda w: {"username": "nouveau", "email": "pas une adresse"},
        400,
        [],
    ),
    "account-recovery": (
        lambda w: f"/admin/teams/user/{w['users']['auditor'].pk}/recovery/",
        lambda w: {"lost": "both"},
        200,
        ["account.code"],
    ),
    "account-recovery-refused": (  # no factor and no e-mail: nobody can recover it
        lambda w: f"/admin/teams/user/{w['users']['member'].pk}/recovery/",
        lambda w: {"lost": "both"},
        400,
        [],
    ),
    "account-change": (
        lambda w: f"/admin/teams/user/{w['users']['member'].pk}/change/",
        lambda w: {
            "username": w["users"]["member"].username,
            "display_name": "Camille",
            "email": "",
            "is_active": "on",
            "is_auditor": "on",
            "organisation": str(w["users"]["member"].organisation_id),
        },
        302,
        ["account.update"],
    ),
    "account-password": (  # nobody sets another's password (R10): refused, and the attempt recorded
        lambda w: f"/admin/teams/user/{w['users']['member'].pk}/password/",
        lambda w: {"password1": PASSWORD + "!", "password2": PASSWORD + "!", "usable_password": "true"},
        403,
        ["account.update"],
    ),
    "category-add": (
        lambda w: "/admin/teams/category/add/",
        lambda w: {"code": "work", "label_fr": "Emploi", "label_en": "Work"},
        302,
        ["category.create"],
    ),
    "category-change": (
        lambda w: f"/admin/teams/category/{w['category'].pk}/change/",
        lambda w: {"label_fr": "Logement", "label_en": "Housing"},
        302,
        ["category.update"],
    ),
    "organisation-add": (
        lambda w: "/admin/teams/organisation/add/",
        lambda w: {
            "name": "CHRS Les Tilleuls",
            "legal_name": "Association Les Tilleuls",
            "data_protection_contact": "dpo@tilleuls.example",
            "postal_address": "3 rue des Tilleuls, Lille",
        },
        302,
        ["organisation.create"],
    ),
    "organisation-change": (
        lambda w: f"/admin/teams/organisation/{w['team'].organisation_id}/change/",
        lambda w: {
            "name": w["team"].organisation.name,
            "legal_name": w["team"].organisation.legal_name,
            "data_protection_contact": "dpo@ailleurs.example",
            "postal_address": w["team"].organisation.postal_address,
        },
        302,
        ["organisation.update"],
    ),
    "portal-code-cancel": (
        lambda w: "/admin/consent/portalinvitation/",
        lambda w: {"action": "expire_now", "_selected_action": [str(w["invitation"].pk)]},
        302,
        ["portal.code_cancel"],
    ),
}


# The deployment's own acts: the category registry, shared by every organisation, and the
# organisations themselves. A manager reads them and changes none.
DEPLOYMENT_ACTS = {"category-add", "category-change", "organisation-add", "organisation-change"}
# Another organisation's manager, on the world's objects: what a missing object answers (the
# administration's redirection for a change, a 403 for a recovery, nothing cancelled), with no event
# but the refusal every password form gets (R10); a new account or team is of their own organisation
# (the world's newcomer is not theirs to add, a 400).
OTHER_MANAGER_ACTS = {
    "account-add": (302, ["account.code", "account.create"]),
    "account-add-invalid": (400, []),
    "account-change": (302, []),
    "account-password": (403, ["account.update"]),
    "account-recovery": (403, []),
    "account-recovery-refused": (403, []),
    "category-add": (403, []),
    "category-change": (403, []),
    "organisation-add": (403, []),
    "organisation-change": (403, []),
    "portal-code-cancel": (302, []),
    "team-add": (400, []),
    "team-add-invalid": (400, []),
    "team-change": (302, []),
    "team-glass-off": (302, []),
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("act", sorted(ADMIN_ACTS))
def test_every_act_of_administration_through_the_pages_is_recorded(w, act, kind):
    url, body, status, actions = ADMIN_ACTS[act]
    answered, events = written_by(kind, url(w), Call("post", body(w)), w)
    if kind == "superuser" or (kind == "manager" and act not in DEPLOYMENT_ACTS):
        assert (answered, sorted(a for a, o, _ in events)) == (status, sorted(actions)), act
    elif kind == "other_manager":
        assert (answered, sorted(a for a, o, _ in events)) == OTHER_MANAGER_ACTS[act], act
    elif kind == "manager":  # the deployment's: the registry shared by all, the organisations
        assert answered == 403 and events == [], act
    else:
        assert answered == (302 if kind == "anonymous" else 403) and events == [], (act, kind)


# Forms sent without their CSRF token (from another site, or a page kept open past its session): each
# is one denied attempt on the record, whoever sends it, and nothing else (issue "Written in stone").
CSRF_FORMS = {
    "sign-in": lambda w: "/login/",
    "consent-new": lambda w: f"/persons/{w['P']}/consents/new/",
    "note-new": lambda w: f"/persons/{w['P']}/notes/new/",
    "consent-withdrawal": lambda w: f"/consents/{w['consent'].pk}/withdraw/",
    "portal-renew": lambda w: f"/portal/consents/{w['consent'].pk}/renew/",
    "password-change": lambda w: "/password/",
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("form", sorted(CSRF_FORMS))
def test_a_form_sent_without_its_csrf_token_is_one_refusal_on_the_record(w, form, kind):
    answered, events = written_by(kind, CSRF_FORMS[form](w), Call("post", {"method": "oral"}), w, csrf=True)
    assert (answered, events) == (403, [("request.refused", "denied", None)]), (form, kind)
