"""R5, completeness: every operation of the OpenAPI schema, called by every kind of user, writes
exactly the events it should (count, action, outcome, person, categories), and nothing else.

A new endpoint fails ``test_every_operation_of_the_schema_has_expectations`` until its events are
written down here.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from audit.models import AccessEvent
from consent.models import Exclusion, GlassBreak, NoteHiding, PortalInvitation, SpaceReset
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
    "outsider",
    "newcomer",
    "member",
    "manager",  # of the world's organisation, whose teams Jo's are
    "auditor",  # of the whole deployment (explicitly)
    "other_manager",  # of another organisation: reaches nothing of the world's
    "org_auditor",  # of the world's organisation only
    "other_auditor",  # of another organisation only
    "person",
    "other_person",
    "representative",  # Jo's trusted person, with both scopes (consents and journal)
)
SIGNED_IN = KINDS[1:]
PORTAL = ("person", "other_person")
NEW = "a person created by the call"


class Rollback(Exception):
    pass


def allowed(action, person=None, categories=()):
    return (action, "allowed", person, tuple(sorted(categories)))


def denied(action, person=None):
    return (action, "denied", person, ())


def world() -> dict:
    """Jo, followed by Maraude Nord with a consent, Sam, and every kind of user: written once for the
    module (``world_written_once`` in tests/conftest.py), each call rolled back after it."""
    team = make_team("Maraude Nord", ("contact", "housing", "support_plan", "administrative"))
    other_team = make_team("CSAPA Est", ("contact", "health", "addiction"))
    person = make_person(team, display_name="Jo")
    worker = make_member(team, username="camille")
    colleague = make_member(team, username="lea")
    consent = give_consent(person, team, ["housing", "contact"], by=worker)
    sam = make_person(team, display_name="Sam")
    leaver = make_member(team)
    agent = agent_of(person, worker)
    agent_account = agent.account
    return {
        "P": person.pk,
        "S": sam.pk,
        "person": person,
        "team": team,
        "other_team": other_team,
        "consent": consent,
        "note": make_note(person, worker, team, "housing"),
        "follow_up": person.follow_ups.get(team=team),
        "membership": leaver.memberships.get(),
        "users": {
            "anonymous": None,
            "outsider": UserFactory(email="outsider@example.org"),
            "newcomer": make_member(team, accepted=False),
            "member": colleague,
            "manager": UserFactory(is_manager=True),
            "auditor": UserFactory(is_auditor=True),
            "other_manager": UserFactory(is_manager=True, organisation=make_organisation("Horizon")),
            "org_auditor": UserFactory(is_auditor=True, audits_deployment=False),
            "other_auditor": UserFactory(
                is_auditor=True, audits_deployment=False, organisation=make_organisation("Horizon")
            ),
            "person": make_portal_account(person, "jo"),
            "other_person": make_portal_account(sam, "sam"),
            "representative": agent_account,
        },
        "agent": agent,
    }


@pytest.fixture
def w(world_of_the_module):
    return world_of_the_module


def person_data(action, *, who=("member",), person="P", categories=(), denied_person="P"):
    """An endpoint of person data: allowed to ``who``, refused (and recorded) for every other user."""

    def expect(kind, w):
        if kind == "anonymous":
            return None
        if kind in who:
            return [allowed(action, w.get(person, person), categories)]
        return [denied(action, w.get(denied_person))]

    return expect


def portal(action, *, categories_of=None, scoped=False):
    """A path of one's own space; a representative's too if ``scoped`` (its scope covers it). A
    representative refused names the person, whose journal shows the attempt."""

    def expect(kind, w):
        if kind == "anonymous":
            return None
        if kind == "representative":
            if scoped:
                return [allowed(action, w["P"], categories_of("person") if categories_of else ())]
            return [denied(action, w["P"])]
        if kind not in PORTAL:
            return [denied(action)]
        own = w["P"] if kind == "person" else w["S"]
        return [allowed(action, own, categories_of(kind) if categories_of else ())]

    return expect


MANAGERS = ("manager", "other_manager")
AUDITORS = ("auditor", "org_auditor", "other_auditor")
# The auditors who read what the world's organisation did: the deployment's, and its own.
AUDITORS_OF_THE_WORLD = ("auditor", "org_auditor")


def teams_to_ask(kind, w):
    """The deployment's teams that do not follow the person: reference data, no event; refused (and
    recorded) to anyone but the person and a representative whose role covers consents."""
    if kind == "anonymous":
        return None
    return [] if kind in (*PORTAL, "representative") else [denied("follow_up.open")]


def managers_only(kind, w):
    """A read of the administration: another organisation's manager lists their own (a 200) and is
    answered the 404 of what does not exist for the world's objects: no event either way."""
    return None if kind == "anonymous" else [] if kind in MANAGERS else "refused"


def managers_act(action, *, of_their_own=False):
    """An act of administration: recorded with its before and after for a manager, refused to others.
    Another organisation's manager acts on their own organisation (``of_their_own``: a new team) or
    meets the 404 of what does not exist, with no event, as for a missing object."""

    def expect(kind, w):
        if kind == "anonymous":
            return None
        if kind == "manager" or (kind == "other_manager" and of_their_own):
            return [allowed(action)]
        return [] if kind == "other_manager" else "refused"

    return expect


def anyone_signed_in(kind, w):
    return None if kind == "anonymous" else []


def token(kind, w):
    return [denied("auth.login_failed")] if kind == "anonymous" else [allowed("auth.login")]


def signed_in_revokes(kind, w):
    return None if kind == "anonymous" else [allowed("auth.token_revoke")]


def commitment(kind, w):
    if kind == "anonymous":
        return None
    if kind == "newcomer":
        return [allowed("commitment.accept")]
    return [] if kind == "member" else [denied("commitment.accept")]


def presentation(write):
    """A member's own presentation: read without an event, changed with one; refused (and recorded)
    for anyone who belongs to no team."""

    def expect(kind, w):
        if kind == "anonymous":
            return None
        if kind in ("member", "newcomer"):
            return [allowed("membership.presentation")] if write else []
        return [denied("membership.presentation")]

    return expect


def glass_review(kind, w):
    if kind == "anonymous":
        return None
    if kind in AUDITORS_OF_THE_WORLD:
        return [allowed("glass_break.review", w["P"])]
    return [denied("glass_break.review")]  # another organisation's: the 404 of a missing one


def glass_acknowledge(kind, w):
    if kind == "anonymous":
        return None
    if kind == "person":
        return [allowed("glass_break.acknowledge", w["P"])]
    if kind in ("other_person", "representative"):  # not theirs, or beyond a representative's scope
        return [denied("glass_break.acknowledge", w["P"])]
    return [denied("glass_break.acknowledge")]


def reset_review(kind, w):
    if kind == "anonymous":
        return None
    if kind in AUDITORS_OF_THE_WORLD:
        return [allowed("space_reset.review", w["P"])]
    return [denied("space_reset.review")]


def reset_confirm(kind, w):
    """Jo's space, reopened restricted with a worker's code, confirms with its previous password;
    anyone else has nothing to confirm (a 400, no event: no person data was asked for)."""
    if kind == "anonymous":
        return None
    return [allowed("space_reset.confirm", w["P"])] if kind == "person" else []


def renewals_list(kind, w):
    if kind == "anonymous":
        return None
    if kind == "member":
        return [allowed("person.list", w["S"])]  # Sam: followed without any consent
    return [denied("person.list")]


def renewal(kind, w):
    """A person renews their own consent that ends soon; anyone else's is refused."""
    if kind == "anonymous":
        return None
    if kind in ("person", "representative"):
        return [allowed("consent.record", w["P"], ["contact", "housing"])]
    if kind == "other_person":
        return [denied("consent.record", w["P"])]  # not theirs: as if it did not exist, named in P's log
    return [denied("consent.record")]


def persons_list(kind, w):
    if kind == "anonymous":
        return None
    if kind == "member":
        return [allowed("person.list", w["P"], ["contact"]), allowed("person.list", w["S"])]
    return [denied("person.list")]


def persons_create(kind, w):
    if kind == "anonymous":
        return None
    if kind == "member":
        return [allowed("person.create", NEW), allowed("person.view", NEW)]
    return [denied("person.create")]


def consents_of_person(action, categories=()):
    def expect(kind, w):
        if kind == "anonymous":
            return None
        if kind in ("member", "person", "representative"):
            return [allowed(action, w["P"], categories)]
        return [denied(action, w["P"])]

    return expect


def consent_by_id(action, categories=()):
    """A consent asked for by id: refused with a 404 that still names the person in the log, so that
    the person's journal shows the attempt."""

    def expect(kind, w):
        if kind == "anonymous":
            return None
        if kind in ("member", "person", "representative"):
            return [allowed(action, w["P"], categories)]
        return [denied(action, w["P"])]

    return expect


def representation(action, *, member, person=None):
    """An act on a representation by its id: the member's and the person's as given; anyone else
    (the representative included) gets the recorded 404 of R9, which names the person."""

    def expect(kind, w):
        if kind == "anonymous":
            return None
        if kind == "member":
            return member(w)
        if kind == "person" and person is not None:
            return person(w)
        return [denied(action, w["P"])]

    return expect


def my_representatives(kind, w):
    if kind == "anonymous":
        return None
    if kind in ("person", "representative"):
        return [allowed("representative.list", w["P"])]
    if kind == "other_person":
        return [allowed("representative.list", w["S"])]  # nobody acts for Sam: an empty list, read
    return [denied("representative.list")]


def disagree(kind, w):
    """Jo disagrees with a line of her journal; Sam's space does not reach it (R9: a recorded 404)."""
    if kind == "anonymous":
        return None
    if kind in ("person", "representative"):  # the representative's scope includes the journal
        return [allowed("disagreement.record", w["P"])]
    return [denied("disagreement.record")]


def disagreement_answer(kind, w):
    if kind == "anonymous":
        return None
    if kind in AUDITORS_OF_THE_WORLD:
        return [allowed("disagreement.answer", w["P"])]
    return [denied("disagreement.answer")]


def exclusion_lift(kind, w):
    """Jo lets the newcomer back: in her space, or with the member; Sam's space gets the 404 of R9,
    named in Jo's journal; anyone else is refused as one who follows no one."""
    if kind == "anonymous":
        return None
    if kind in ("member", "person"):
        return [allowed("exclusion.lift", w["P"])]
    if kind == "other_person":
        return [denied("exclusion.lift", w["P"])]
    return [denied("exclusion.lift")]


def own_note(action):
    """Jo hides her note, or shows it again; Sam's space gets the 404 of R9, named in Jo's journal;
    a representative never reads notes (refused, named too); anyone else has no space."""

    def expect(kind, w):
        if kind == "anonymous":
            return None
        if kind == "person":
            return [allowed(action, w["P"])]
        if kind in ("other_person", "representative"):
            return [denied(action, w["P"])]
        return [denied(action)]

    return expect


def auditors_only(action):
    def expect(kind, w):
        if kind == "anonymous":
            return None
        return [allowed(action) if kind in AUDITORS else denied(action)]

    return expect


EXPECTED = {
    ("post", "/api/v1/auth/token/"): token,
    ("post", "/api/v1/auth/token/revoke/"): signed_in_revokes,
    ("post", "/api/v1/auth/tokens/revoke/"): signed_in_revokes,
    ("post", "/api/v1/users/{id}/tokens/revoke/"): managers_act("account.update"),
    ("post", "/api/v1/users/{id}/recovery/"): managers_act("account.code"),
    ("post", "/api/v1/auth/account-code/"): lambda kind, w: [denied("auth.login_failed")],
    ("get", "/api/v1/receipt-key/"): lambda kind, w: [],
    # The information texts given before a consent: public words, nobody's data, nothing to record.
    ("get", "/api/v1/information/"): lambda kind, w: [],
    ("get", "/api/v1/information/{id}/"): lambda kind, w: [],
    ("post", "/api/v1/portal/activate/"): lambda kind, w: [denied("portal.activate")],
    ("get", "/api/v1/categories/"): anyone_signed_in,
    ("get", "/api/v1/me/"): anyone_signed_in,
    ("post", "/api/v1/me/commitment/"): commitment,
    ("get", "/api/v1/me/presentation/"): presentation(write=False),
    ("post", "/api/v1/me/presentation/"): presentation(write=True),
    ("get", "/api/v1/users/"): managers_only,
    ("post", "/api/v1/users/"): lambda kind, w: (
        None
        if kind == "anonymous"
        else [allowed("account.create"), allowed("account.code")]
        if kind in MANAGERS  # an account of their own organisation
        else "refused"
    ),
    ("get", "/api/v1/teams/"): managers_only,
    ("post", "/api/v1/teams/"): managers_act("team.create", of_their_own=True),
    ("get", "/api/v1/organisations/"): anyone_signed_in,
    ("get", "/api/v1/teams/{id}/"): managers_only,
    ("patch", "/api/v1/teams/{id}/"): managers_act("team.update"),
    ("get", "/api/v1/teams/{id}/memberships/"): managers_only,
    ("post", "/api/v1/teams/{id}/memberships/"): managers_act("membership.add"),
    ("delete", "/api/v1/teams/{team_pk}/memberships/{id}/"): managers_act("membership.remove"),
    ("get", "/api/v1/persons/"): persons_list,
    ("post", "/api/v1/persons/"): persons_create,
    ("get", "/api/v1/persons/{id}/"): person_data("person.view", categories=["contact"]),
    ("get", "/api/v1/persons/{id}/notes/"): person_data("note.list", categories=["housing"]),
    ("post", "/api/v1/persons/{id}/notes/"): person_data("note.create", categories=["housing"]),
    ("get", "/api/v1/notes/{id}/"): person_data("note.view", categories=["housing"]),
    ("post", "/api/v1/persons/{id}/follow-ups/"): person_data("follow_up.open"),
    ("post", "/api/v1/notes/{id}/correction/"): person_data("note.correct", categories=["housing"]),
    ("post", "/api/v1/persons/{id}/contact/"): person_data("person.update", categories=["contact"]),
    ("post", "/api/v1/follow-ups/{id}/close/"): person_data("follow_up.close"),
    ("post", "/api/v1/persons/{id}/portal-invitation/"): person_data("portal.invite"),
    ("get", "/api/v1/persons/{id}/consents/"): consents_of_person("consent.view"),
    ("post", "/api/v1/persons/{id}/consents/"): consents_of_person("consent.record", ["housing"]),
    ("post", "/api/v1/consents/{id}/withdraw/"): consent_by_id("consent.withdraw", ["contact", "housing"]),
    ("get", "/api/v1/consents/{id}/receipt/"): consent_by_id("receipt.view"),
    ("get", "/api/v1/portal/consents/"): portal("portal.consents", scoped=True),
    ("post", "/api/v1/portal/consents/"): portal(
        "consent.record", categories_of=lambda kind: ["housing"], scoped=True
    ),
    ("get", "/api/v1/portal/teams/"): portal("portal.consents", scoped=True),
    ("get", "/api/v1/portal/access-log/"): portal("portal.access_log", scoped=True),
    ("get", "/api/v1/portal/receipts/"): portal("portal.receipts", scoped=True),
    ("get", "/api/v1/portal/export/"): portal(
        "portal.export",
        categories_of=lambda kind: ["contact", "housing"] if kind == "person" else ["contact"],
    ),
    ("get", "/api/v1/renewals/"): renewals_list,
    ("post", "/api/v1/persons/{id}/emergency-access/"): person_data(
        "glass_break.open", categories=["support_plan"]
    ),
    ("get", "/api/v1/audit/emergency-accesses/"): auditors_only("glass_break.list"),
    ("post", "/api/v1/audit/emergency-accesses/{id}/review/"): glass_review,
    ("get", "/api/v1/audit/space-resets/"): auditors_only("space_reset.list"),
    ("post", "/api/v1/audit/space-resets/{id}/review/"): reset_review,
    ("post", "/api/v1/portal/reset/confirm/"): reset_confirm,
    ("post", "/api/v1/portal/emergency-accesses/{id}/acknowledge/"): glass_acknowledge,
    ("post", "/api/v1/emergency-accesses/{id}/end/"): person_data("glass_break.end"),
    ("post", "/api/v1/portal/consents/{id}/renewal/"): renewal,
    ("get", "/api/v1/portal/notices/"): portal("portal.notices"),
    ("post", "/api/v1/portal/notices/read/"): portal("notice.read"),
    ("post", "/api/v1/portal/notices/email/"): portal("notice.email"),
    ("get", "/api/v1/persons/{id}/representatives/"): person_data("representative.list"),
    ("post", "/api/v1/persons/{id}/representatives/"): representation(
        "representative.record",
        member=lambda w: [allowed("representative.record", w["P"]), allowed("portal.invite", w["P"])],
    ),
    ("post", "/api/v1/representatives/{id}/end/"): representation(
        "representative.end",
        member=lambda w: [allowed("representative.end", w["P"])],
        person=lambda w: [allowed("representative.end", w["P"])],  # a trusted person's role
    ),
    ("post", "/api/v1/representatives/{id}/code/"): representation(
        "portal.invite",
        member=lambda w: [allowed("portal.invite", w["P"])],
        person=lambda w: [denied("portal.invite", w["P"])],  # codes are made by a worker
    ),
    ("get", "/api/v1/portal/representatives/"): my_representatives,
    ("get", "/api/v1/portal/disagreements/"): portal("portal.disagreements", scoped=True),
    ("post", "/api/v1/portal/disagreements/"): disagree,
    ("get", "/api/v1/audit/disagreements/"): auditors_only("disagreement.list"),  # none waits: no person
    ("post", "/api/v1/audit/disagreements/{id}/answer/"): disagreement_answer,
    ("get", "/api/v1/persons/{id}/exclusions/"): person_data("exclusion.list"),
    ("post", "/api/v1/persons/{id}/exclusions/"): person_data("exclusion.record"),
    ("post", "/api/v1/exclusions/{id}/lift/"): exclusion_lift,
    ("get", "/api/v1/portal/exclusions/"): portal("exclusion.list"),
    ("post", "/api/v1/portal/exclusions/"): portal("exclusion.record"),
    ("get", "/api/v1/portal/notes/"): portal(
        "portal.notes", categories_of=lambda kind: ["housing"] if kind == "person" else []
    ),
    ("post", "/api/v1/portal/notes/{id}/hide/"): own_note("note.hide"),
    ("post", "/api/v1/portal/note-hidings/{id}/lift/"): own_note("note.show"),
    ("get", "/api/v1/portal/other-teams/"): teams_to_ask,
    ("post", "/api/v1/portal/other-teams/"): portal("follow_up.open", scoped=True),
    ("get", "/api/v1/audit/events/"): auditors_only("audit.view"),
    ("get", "/api/v1/audit/verify/"): auditors_only("audit.verify"),
    ("get", "/api/v1/audit/retention/"): auditors_only("retention.count"),
    # FHIR (issue 25): each as its JSON twin.
    ("get", "/api/v1/consents/{id}/fhir/"): consent_by_id("consent.view"),
    ("get", "/api/v1/audit/fhir/AuditEvent"): auditors_only("audit.view"),
    ("get", "/api/v1/portal/export/fhir/"): portal(
        "portal.export",
        categories_of=lambda kind: ["contact", "housing"] if kind == "person" else ["contact"],
    ),
}


def operations() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted((method, path) for path, item in schema["paths"].items() for method in item)


def request_for(method: str, path: str, kind: str, w: dict) -> tuple[str, dict | None]:
    user = w["users"][kind]
    if path == "/api/v1/information/{id}/":
        return path.replace("{id}", str(information_text().pk)), None
    if path == "/api/v1/portal/consents/{id}/renewal/":  # the person's consent that ends in 10 days
        ending = give_consent(
            w["person"],
            w["team"],
            ["housing", "contact"],
            by=w["users"]["member"],
            valid_until=timezone.now() + timedelta(days=10),
        )
        return f"/api/v1/portal/consents/{ending.pk}/renewal/", None
    if path in (
        "/api/v1/audit/emergency-accesses/{id}/review/",
        "/api/v1/portal/emergency-accesses/{id}/acknowledge/",
        "/api/v1/emergency-accesses/{id}/end/",
    ):
        opened = GlassBreak.objects.create(
            person=w["person"],
            team=w["team"],
            opened_by=w["users"]["member"],
            reason="cannot_be_asked",
            statement="Injoignable.",
            ends_at=timezone.now() + timedelta(hours=4),
        )
        review = {"verdict": "justified", "comment": "Confirmé."} if "review" in path else None
        return path.replace("{id}", str(opened.pk)), review
    if path in ("/api/v1/audit/space-resets/{id}/review/", "/api/v1/portal/reset/confirm/"):
        # Jo's space was reopened with a code the member handed over: restricted until confirmed.
        now = timezone.now()
        reset = SpaceReset.objects.create(
            invitation=PortalInvitation.objects.create(
                person=w["person"],
                code_hash="0" * 64,
                created_by=w["users"]["member"],
                expires_at=now,
                used_at=now,
            ),
            person=w["person"],
            account=w["users"]["person"],
            code_made_by=w["users"]["member"],
            reset_at=now,
            watched_until=now + timedelta(hours=72),
            restricted=True,
            previous_password=make_password(PASSWORD),
        )
        if "review" in path:
            return path.replace("{id}", str(reset.pk)), {"verdict": "justified", "comment": "Confirmé."}
        return path, {"previous_password": PASSWORD}
    if path == "/api/v1/portal/disagreements/" and method == "post":  # a line of Jo's journal
        line = AccessEvent.objects.filter(person_id=w["P"], action="consent.record").latest("id")
        return path, {"event": line.pk, "statement": "Je n’ai rien signé."}
    if path == "/api/v1/audit/disagreements/{id}/answer/":
        from consent.models import Disagreement

        written = Disagreement.objects.create(
            person=w["person"],
            event_id=AccessEvent.objects.filter(person_id=w["P"]).latest("id").pk,
            statement="Non.",
            written_by=w["users"]["person"],
        )
        return path.replace("{id}", str(written.pk)), {"answer": "Vu."}
    if path == "/api/v1/exclusions/{id}/lift/":  # Jo keeps the newcomer out
        kept = Exclusion.objects.create(
            person=w["person"], member=w["users"]["newcomer"], recorded_by=w["users"]["member"]
        )
        return path.replace("{id}", str(kept.pk)), {"presence": "in_person", "confirmed": True}
    if path == "/api/v1/portal/notes/{id}/hide/":
        return path.replace("{id}", str(w["note"].pk)), {}
    if path == "/api/v1/portal/note-hidings/{id}/lift/":  # Jo hid a note from every other team
        hidden = NoteHiding.objects.create(
            person=w["person"], note=w["note"], recorded_by=w["users"]["person"]
        )
        return path.replace("{id}", str(hidden.pk)), None
    if path == "/api/v1/notes/{id}/correction/":  # a note of the member's own, which only they correct
        own = make_note(w["person"], w["users"]["member"], w["team"], "housing")
        return f"/api/v1/notes/{own.pk}/correction/", {"body": "Corrigé"}
    ids = {
        "/api/v1/persons/{id}/": w["P"],
        "/api/v1/notes/{id}/": w["note"].pk,
        "/api/v1/consents/{id}/": w["consent"].pk,
        "/api/v1/follow-ups/{id}/": w["follow_up"].pk,
        "/api/v1/teams/{id}/": w["team"].pk,
        "/api/v1/users/{id}/": w["users"]["outsider"].pk,
        "/api/v1/representatives/{id}/": w["agent"].pk,
    }
    url = path
    for prefix, value in ids.items():
        if path.startswith(prefix):
            url = url.replace("{id}", str(value), 1)
    url = url.replace("{team_pk}", str(w["team"].pk)).replace("{id}", str(w["membership"].pk))
    team = w["team"].pk
    portal_method = "portal" if kind in (*PORTAL, "representative") else "oral"
    bodies = {
        ("post", "/api/v1/auth/token/"): {
            "username": user.username if user else "nobody",
            "password": PASSWORD if user else "wrong password",
        },
        ("post", "/api/v1/portal/activate/"): {
            "code": "AAAA-BBBB-CCCC",
            "username": "x",
            "password": PASSWORD,
        },
        ("post", "/api/v1/users/"): {"username": "nouveau"},
        ("post", "/api/v1/users/{id}/recovery/"): {"lost": "both"},
        ("post", "/api/v1/auth/account-code/"): {
            "username": user.username if user else "nobody",
            "code": "AAAA-BBBB-CCCC-DDDD",
            "password": PASSWORD,
        },
        ("post", "/api/v1/teams/"): {"name": "Nouvelle équipe", "continuity_categories": []},
        ("patch", "/api/v1/teams/{id}/"): {"name": "Renommée"},
        ("post", "/api/v1/teams/{id}/memberships/"): {"user": w["users"]["outsider"].pk},
        ("post", "/api/v1/persons/"): {"team": team, "display_name": "Nouvelle personne"},
        ("post", "/api/v1/persons/{id}/notes/"): {"team": team, "category": "housing", "body": "Vu ce matin"},
        ("post", "/api/v1/persons/{id}/follow-ups/"): {
            "team": w["other_team"].pk,
            "presence": "in_person",
            "confirmed": True,
        },
        ("post", "/api/v1/persons/{id}/contact/"): {"phone": "06 11 22 33 44"},
        ("post", "/api/v1/persons/{id}/consents/"): {
            "team": team,
            "categories": ["housing"],
            "purpose": "continuité",
            "method": portal_method,
            **informed(),
        },
        ("post", "/api/v1/consents/{id}/withdraw/"): {"method": portal_method},
        ("post", "/api/v1/portal/consents/"): {
            "team": team,
            "categories": ["housing"],
            "information": information_text().pk,
        },
        ("post", "/api/v1/me/presentation/"): {"team": team, "title": "intervenante"},
        ("post", "/api/v1/persons/{id}/emergency-access/"): {
            "team": team,
            "categories": ["support_plan"],
            "reason": "danger_to_life",
            "statement": "Hospitalisé, injoignable.",
        },
        ("post", "/api/v1/portal/notices/email/"): {"email": "jo@example.org", "enabled": True},
        ("post", "/api/v1/persons/{id}/representatives/"): {
            "name": "Paul",
            "kind": "guardian",
            "scope": "consents",
            "evidence": "Jugement du 2 mars",
        },
        ("post", "/api/v1/representatives/{id}/end/"): {"evidence": "Jugement de mainlevée"},
        ("post", "/api/v1/persons/{id}/exclusions/"): {
            "member": w["users"]["newcomer"].pk,
            "presence": "in_person",
            "confirmed": True,
        },
        ("post", "/api/v1/portal/exclusions/"): {"member": w["users"]["newcomer"].pk},
        ("post", "/api/v1/portal/other-teams/"): {"team": w["other_team"].pk},
    }
    return url, bodies.get((method, path))


def written_by(api, kind, method, path, w) -> tuple[int, list[tuple]]:
    """The status and the events of one call, in a transaction rolled back after it: what the call
    needs made first (``request_for``) and every row it wrote are undone, so that the next call
    starts from the same world."""
    user = w["users"][kind]
    cache.clear()  # sign-in counts and throttles start afresh for each caller
    client = api.as_(user)  # None: signed out
    try:
        with transaction.atomic():
            url, body = request_for(method, path, kind, w)
            mark = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
            response = getattr(client, method)(url, body, format="json")
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
            events = [
                (e.action, e.outcome, e.person_id, tuple(e.categories), e.reason)
                for e in AccessEvent.objects.filter(id__gt=mark).order_by("id")
            ]
            raise Rollback()
    except Rollback:
        pass
    return response.status_code, events


def test_every_operation_of_the_schema_has_expectations():
    assert set(operations()) == set(EXPECTED)


@pytest.mark.parametrize("method,path", operations())
def test_each_call_writes_exactly_its_events(api, w, method, path):
    """Every kind of user in turn, on one world: each call is rolled back (``written_by``)."""
    wrong = {}
    for kind in KINDS:
        try:
            check_call(api, w, method, path, kind)
        except AssertionError as failure:
            wrong[kind] = str(failure)
    assert wrong == {}, (method, path)


def check_call(api, w, method, path, kind):
    status, events = written_by(api, kind, method, path, w)
    expected = EXPECTED[(method, path)](kind, w)
    route_refusal = [e for e in events if e[0] == "request.refused"]
    if expected is None:  # an anonymous call refused by authentication
        assert status == 401 and len(events) == 1 and route_refusal == events, events
        assert events[0][4].startswith("NotAuthenticated on ")
        return
    if expected == "refused":  # a signed-in call refused by a permission class
        assert status == 403 and len(events) == 1 and route_refusal == events, events
        return
    new_person = [e[2] for e in events if e[0] == "person.create" and e[1] == "allowed"]
    found = sorted((a, o, p if p not in new_person else NEW, c) for a, o, p, c, _ in events)
    assert found == sorted(expected), (status, events)
    if any(e[1] == "allowed" for e in expected):
        assert status < 400
    elif expected:
        assert status in (400, 403, 404)


def events_of_call(api, user, method, prepare, w) -> tuple[int, list[tuple]]:
    """``written_by`` for a call made in a world changed first by ``prepare`` (which returns the
    url and the body): all of it rolled back after."""
    cache.clear()
    client = api.as_(user)
    try:
        with transaction.atomic():
            url, body = prepare(w)
            mark = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
            response = getattr(client, method)(url, body, format="json")
            events = [
                (e.action, e.outcome, e.person_id, tuple(e.categories), e.reason)
                for e in AccessEvent.objects.filter(id__gt=mark).order_by("id")
            ]
            raise Rollback()
    except Rollback:
        pass
    return response.status_code, events


def emergency(w, **changes):
    body = {
        "team": w["team"].pk,
        "categories": ["support_plan"],
        "reason": "danger_to_life",
        "statement": "Hospitalisé, injoignable.",
        **changes,
    }
    return f"/api/v1/persons/{w['P']}/emergency-access/", body


def member_of_the_other_team_too(w):
    from teams import services as team_services
    from teams.models import Membership

    member = w["users"]["member"]
    team_services.add_member(by=w["users"]["manager"], team=w["other_team"], user=member)
    Membership.objects.filter(user=member).update(commitment_accepted_at=timezone.now())


def glass_switched_off(w):
    from teams.models import Team

    Team.objects.filter(pk=w["team"].pk).update(glass_break_allowed=False)


# Issue "Written in stone", §3: each refusal of the rules of emergency access, asked by a member of
# the team, is one denied attempt naming the person, the categories asked for and the reason; a
# mistake of the form is no attempt.
REFUSED_EMERGENCY_ACCESSES = {
    "not_a_team_of_the_member": (lambda w: emergency(w, team=w["other_team"].pk), ["support_plan"]),
    "team_does_not_follow": (
        lambda w: (
            member_of_the_other_team_too(w) or emergency(w, team=w["other_team"].pk, categories=["health"])
        ),
        ["health"],
    ),
    "switched_off": (lambda w: glass_switched_off(w) or emergency(w), ["support_plan"]),
    "beyond_the_mission": (lambda w: emergency(w, categories=["health"]), ["health"]),
    "already_readable": (lambda w: emergency(w, categories=["housing"]), ["housing"]),
    "refused_by_the_person": (lambda w: emergency(w, reason="cannot_be_asked"), ["support_plan"]),
    "hours out of range": (lambda w: emergency(w, hours=25), None),
    "an empty sentence": (lambda w: emergency(w, statement=""), None),
    "an unknown reason": (lambda w: emergency(w, reason="curiosity"), None),
    "an unknown category": (lambda w: emergency(w, categories=["nonexistent"]), None),
}


@pytest.mark.parametrize("case", sorted(REFUSED_EMERGENCY_ACCESSES))
def test_each_refused_emergency_access_writes_its_denied_attempt(api, w, case):
    prepare, categories = REFUSED_EMERGENCY_ACCESSES[case]
    status, events = events_of_call(api, w["users"]["member"], "post", prepare, w)
    assert status == 400
    if categories is None:
        assert events == []
    else:
        assert events == [("glass_break.open", "denied", w["P"], tuple(categories), case)]


def test_an_auditor_reviewing_an_emergency_access_of_their_own_team_is_refused_and_recorded(api, w):
    auditor = make_member(w["team"], is_auditor=True)

    def prepare(w):
        opened = GlassBreak.objects.create(
            person=w["person"],
            team=w["team"],
            opened_by=w["users"]["member"],
            reason="cannot_be_asked",
            statement="Injoignable.",
            ends_at=timezone.now() + timedelta(hours=4),
        )
        return f"/api/v1/audit/emergency-accesses/{opened.pk}/review/", {
            "verdict": "justified",
            "comment": "Vu.",
        }

    status, events = events_of_call(api, auditor, "post", prepare, w)
    assert status == 403
    assert events == [("glass_break.review", "denied", w["P"], (), "NotIndependent")]
