"""R3: a peer worker and a non-peer colleague get identical answers from every endpoint; both must
accept the confidentiality commitment first."""

import re

import pytest
from django.db import transaction
from drf_spectacular.generators import SchemaGenerator

from consent.models import Representative
from tests.factories import PASSWORD, give_consent, informed, make_member, make_note

# Values that name the caller or the moment, not what the caller may see.
VOLATILE = {
    "token",
    "expiry",
    "id",
    "code",
    "expires_at",
    "created_at",
    "recorded_at",
    "opened_at",
    "at",
    "signature",
    "username",
    "display_name",
    "author",
    "recorded_by",
    "object_ids",
    "consent",
    "supersedes",
    "superseded_by",
    "profession",
    "is_peer_worker",
    "commitment_accepted_at",
    "label",
    "closed_at",
    "corrects",
    # How each chose to be presented: words, which differ as the people do.
    "title",
    "peer_role_shown",
    "presented",
    "opened_by",
    "ends_at",
    "ended_at",
}


def normalise(value):
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    return value


class Rollback(Exception):
    pass


def operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, item in schema["paths"].items():
        for method in item:
            yield method, path


@pytest.fixture
def world(team, other_team, person, worker):
    consent = give_consent(person, team, ["housing", "contact"], by=worker)
    note = make_note(person, worker, team, "housing", "Hébergement trouvé")
    follow_up = person.follow_ups.get(team=team)
    agent = Representative.objects.create(
        person=person, name="Marie", kind="guardian", scope="both", evidence="Jugement", recorded_by=worker
    )
    return {
        "agent": agent,
        "person": person,
        "note": note,
        "consent": consent,
        "follow_up": follow_up,
        "team": team,
        "other_team": other_team,
    }


def request_for(method, path, world, user):
    if path == "/api/v1/notes/{id}/correction/":  # each corrects a note of their own
        own = make_note(world["person"], user, world["team"], "housing", "À corriger")
        return f"/api/v1/notes/{own.pk}/correction/", {"body": "Corrigé"}
    ids = {
        "/api/v1/persons/{id}/": world["person"].pk,
        "/api/v1/notes/{id}/": world["note"].pk,
        "/api/v1/consents/{id}/": world["consent"].pk,
        "/api/v1/follow-ups/{id}/": world["follow_up"].pk,
        "/api/v1/teams/{id}/": world["team"].pk,
        "/api/v1/representatives/{id}/": world["agent"].pk,
    }
    url = path
    for prefix, value in ids.items():
        if path.startswith(prefix):
            url = path.replace("{id}", str(value), 1)
    url = url.replace("{team_pk}", str(world["team"].pk)).replace("{id}", "1")
    assert not re.search(r"{\w+}", url), f"no test value for a parameter of {path}"
    bodies = {
        "/api/v1/persons/": {"team": world["team"].pk, "display_name": "Nouvelle personne"},
        "/api/v1/persons/{id}/notes/": {
            "team": world["team"].pk,
            "category": "housing",
            "body": "Vu ce matin",
        },
        "/api/v1/persons/{id}/consents/": {
            "team": world["team"].pk,
            "categories": ["housing"],
            "purpose": "continuité",
            "method": "oral",
            **informed(),
        },
        "/api/v1/persons/{id}/follow-ups/": {
            "team": world["other_team"].pk,
            "presence": "in_person",
            "confirmed": True,
        },
        "/api/v1/consents/{id}/withdraw/": {"method": "oral"},
        "/api/v1/persons/{id}/contact/": {"phone": "06 11 22 33 44"},
        "/api/v1/auth/token/": {"username": user.username, "password": PASSWORD},
        "/api/v1/users/": {"username": "nouveau"},
        "/api/v1/teams/": {"name": "Nouvelle équipe", "continuity_categories": []},
        "/api/v1/teams/{id}/": {"name": "Renommée"},
        "/api/v1/teams/{team_pk}/memberships/": {"user": user.pk},
        "/api/v1/me/presentation/": {"team": world["team"].pk, "title": "intervenante"},
        "/api/v1/persons/{id}/representatives/": {
            "name": "Paul",
            "kind": "curator",
            "scope": "consents",
            "evidence": "Jugement du 2 mars",
        },
        "/api/v1/representatives/{id}/end/": {"evidence": "Jugement de mainlevée"},
        "/api/v1/persons/{id}/emergency-access/": {
            "team": world["team"].pk,
            "categories": ["support_plan"],
            "reason": "danger_to_life",
            "statement": "Hospitalisé, injoignable.",
        },
    }
    return url, bodies.get(path, {})


def call(api, user, method, url, body):
    client = api.as_(user)
    try:
        with transaction.atomic():
            response = (
                getattr(client, method)(url, body, format="json") if body else getattr(client, method)(url)
            )
            raise Rollback()
    except Rollback:
        pass
    json_types = ("application/json", "application/fhir+json")
    content = response.json() if response.get("Content-Type", "").startswith(json_types) else None
    return response.status_code, normalise(content)


def test_parity_covers_every_endpoint_of_the_schema():
    paths = {path for _, path in operations()}
    assert "/api/v1/persons/{id}/notes/" in paths and len(paths) >= 20


@pytest.mark.parametrize("method,path", sorted(operations()))
def test_peer_worker_gets_exactly_what_colleague_gets(api, world, team, peer, colleague, method, path):
    if method in ("options", "head"):
        pytest.skip("not an operation of its own")
    peer_url, peer_body = request_for(method, path, world, peer)
    colleague_url, colleague_body = request_for(method, path, world, colleague)
    assert call(api, peer, method, peer_url, peer_body) == call(
        api, colleague, method, colleague_url, colleague_body
    )


def test_descriptive_fields_change_nothing(api, world, team, peer):
    before = call(api, peer, "get", f"/api/v1/persons/{world['person'].pk}/notes/", {})
    peer.memberships.update(is_peer_worker=False, profession="psychologue")
    assert call(api, peer, "get", f"/api/v1/persons/{world['person'].pk}/notes/", {}) == before


@pytest.mark.parametrize("title,shown", [("", False), ("travailleuse paire", False), ("intervenante", True)])
def test_how_a_peer_worker_chooses_to_be_presented_changes_nothing_they_may_see(
    api, world, team, peer, title, shown
):
    notes = f"/api/v1/persons/{world['person'].pk}/notes/"
    before = [call(api, peer, "get", url, {}) for url in (notes, f"/api/v1/persons/{world['person'].pk}/")]
    response = api.as_(peer).post(
        "/api/v1/me/presentation/", {"team": team.pk, "title": title, "peer_role_shown": shown}, format="json"
    )
    assert response.status_code == 200
    assert [
        call(api, peer, "get", url, {}) for url in (notes, f"/api/v1/persons/{world['person'].pk}/")
    ] == before


def test_member_without_commitment_gets_403_with_a_clear_message(api, world, team):
    newcomer = make_member(team, peer=True, accepted=False)
    response = api.as_(newcomer).get(f"/api/v1/persons/{world['person'].pk}/notes/")
    assert response.status_code == 403
    assert "commitment" in response.json()["detail"]


def test_commitment_duty_is_the_same_for_peer_and_colleague(api, world, team):
    peer = make_member(team, peer=True, accepted=False)
    colleague = make_member(team, accepted=False)
    url = f"/api/v1/persons/{world['person'].pk}/"
    assert api.as_(peer).get(url).status_code == api.as_(colleague).get(url).status_code == 403
    for user in (peer, colleague):
        assert api.as_(user).post("/api/v1/me/commitment/").json()["commitment"]["accepted"] is True
    assert api.as_(peer).get(url).json() == api.as_(colleague).get(url).json()


def test_a_peer_workers_sign_in_asks_for_the_same_second_factor_as_a_colleagues(
    api, world, peer, colleague, settings
):
    """Where a second factor is required: the same enrolment at the first sign-in, the same factor
    asked once enrolled, on the pages and for an API token."""
    from binascii import unhexlify

    from django.test import Client
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.RELAIS_MFA_REQUIRED = True
    key = "3132333435363738393031323334353637383930"

    def journey(user):
        credentials = {"username": user.username, "password": PASSWORD}
        first = Client().post("/login/", credentials)
        TOTPDevice.objects.create(user=user, name="totp", key=key, confirmed=True)
        second = Client().post("/login/", credentials)
        without = api.post("/api/v1/auth/token/", credentials, format="json")
        code = f"{TOTP(unhexlify(key)).token():06d}"
        with_factor = api.post("/api/v1/auth/token/", credentials | {"otp": code}, format="json")
        return [
            (first.status_code, first["Location"]),
            (second.status_code, second["Location"]),
            (without.status_code, sorted(without.json())),
            (with_factor.status_code, sorted(with_factor.json())),
        ]

    assert (
        journey(peer)
        == journey(colleague)
        == [
            (302, "/login/enrol/"),
            (302, "/login/factor/"),
            (400, ["otp"]),
            (200, ["expiry", "token"]),
        ]
    )
