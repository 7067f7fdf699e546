"""R5: every access writes its events in the same transaction; if the recorder fails, nothing is
disclosed and nothing is committed (fail closed)."""

import pytest
from django.db import DatabaseError

from audit import recorder
from audit.models import AccessEvent
from consent.models import Consent, Receipt, Withdrawal
from records.models import FollowUp, Note, Person
from tests.factories import (
    PASSWORD,
    give_consent,
    information_text,
    informed,
    make_member,
    make_person,
    make_team,
)


def events(**filters):
    return list(AccessEvent.objects.filter(**filters).order_by("id"))


def last_event_id() -> int:
    return AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_note_list_writes_one_event_with_the_note_ids_and_the_consent(api, shared, person, colleague):
    consent, note = shared
    mark = last_event_id()
    api.as_(colleague).get(f"/api/v1/persons/{person.pk}/notes/")
    [event] = events(id__gt=mark)
    assert (event.action, event.outcome, event.person_id, event.actor_id) == (
        "note.list",
        "allowed",
        person.pk,
        colleague.pk,
    )
    assert (
        event.object_ids == [note.pk] and event.categories == ["housing"] and event.consent_id == consent.pk
    )
    assert event.request_id and event.ip == "127.0.0.1"


def test_person_list_writes_one_event_per_person(api, team, worker):
    persons = [make_person(team) for _ in range(3)]
    mark = last_event_id()
    api.as_(worker).get("/api/v1/persons/")
    assert sorted(e.person_id for e in events(action="person.list", id__gt=mark)) == sorted(
        p.pk for p in persons
    )


def test_each_read_names_its_reader_and_the_team_it_read_for(api, team, worker, shared, person):
    """The actor of a read is the member who read, on the list, the person and a new record alike;
    the person's journal says who saw them from this (R5)."""
    mark = last_event_id()
    client = api.as_(worker)
    client.get("/api/v1/persons/")
    client.get(f"/api/v1/persons/{person.pk}/")
    created = client.post("/api/v1/persons/", {"team": team.pk, "display_name": "Nouvelle"}, format="json")
    assert created.status_code == 201
    reads = events(id__gt=mark, action__in=["person.list", "person.view", "person.create"])
    assert [(e.action, e.actor_id) for e in reads] == [
        ("person.list", worker.pk),
        ("person.view", worker.pk),
        ("person.create", worker.pk),
        ("person.view", worker.pk),
    ]
    # Jo's contact details were shown under her consent: each read of her names it (the journal's "why").
    assert {(e.team_id, e.consent_id) for e in reads if e.person_id == person.pk} == {(team.pk, shared[0].pk)}


def test_hidden_person_is_recorded_as_denied_although_the_request_rolls_back(api, worker, db):
    elsewhere = make_person(make_team("Autre équipe"))
    api.as_(worker).get(f"/api/v1/persons/{elsewhere.pk}/notes/")
    [event] = events(outcome="denied")
    assert (event.action, event.person_id, event.reason) == ("note.list", elsewhere.pk, "Hidden")


def test_missing_commitment_is_recorded_as_denied(api, person, team):
    newcomer = make_member(team, accepted=False)
    api.as_(newcomer).get(f"/api/v1/persons/{person.pk}/")
    [event] = events(outcome="denied")
    assert (event.action, event.actor_id, event.reason) == ("person.view", newcomer.pk, "CommitmentRequired")


def test_login_and_failed_login_are_recorded(api, worker):
    api.post("/api/v1/auth/token/", {"username": worker.username, "password": "wrong password"})
    api.post("/api/v1/auth/token/", {"username": worker.username, "password": PASSWORD})
    assert [(e.action, e.outcome) for e in events(action__startswith="auth.")] == [
        ("auth.login_failed", "denied"),
        ("auth.login", "allowed"),
    ]


def test_events_never_hold_note_contents_or_contact_details(api, shared, person, colleague):
    _, note = shared
    api.as_(colleague).get(f"/api/v1/persons/{person.pk}/notes/")
    api.as_(colleague).get(f"/api/v1/persons/{person.pk}/")
    # The parsed bodies: the stored text escapes every non-ASCII character.
    dump = repr([event.data for event in AccessEvent.objects.all()])
    assert note.body not in dump and person.phone not in dump and person.address not in dump


def person_data_calls(world):
    p, n, c, f, t, o = (world[k] for k in ("person", "note", "consent", "follow_up", "team", "other_team"))
    return [
        ("get", "/api/v1/persons/", None),
        ("post", "/api/v1/persons/", {"team": t.pk, "display_name": "Nouvelle"}),
        ("get", f"/api/v1/persons/{p.pk}/", None),
        ("get", f"/api/v1/persons/{p.pk}/notes/", None),
        ("post", f"/api/v1/persons/{p.pk}/notes/", {"team": t.pk, "category": "housing", "body": "secret"}),
        ("get", f"/api/v1/notes/{n.pk}/", None),
        ("get", f"/api/v1/persons/{p.pk}/consents/", None),
        (
            "post",
            f"/api/v1/persons/{p.pk}/consents/",
            {"team": t.pk, "categories": ["housing"], "purpose": "x", "method": "oral", **informed()},
        ),
        ("post", f"/api/v1/consents/{c.pk}/withdraw/", {"method": "oral"}),
        ("get", f"/api/v1/consents/{c.pk}/receipt/", None),
        (
            "post",
            f"/api/v1/persons/{p.pk}/follow-ups/",
            {"team": o.pk, "presence": "in_person", "confirmed": True},
        ),
        ("post", f"/api/v1/follow-ups/{f.pk}/close/", None),
        ("post", f"/api/v1/persons/{p.pk}/portal-invitation/", None),
    ]


@pytest.fixture
def world(shared, person, team, other_team):
    consent, note = shared
    return {
        "person": person,
        "note": note,
        "consent": consent,
        "follow_up": person.follow_ups.get(),
        "team": team,
        "other_team": other_team,
    }


def counts():
    return [m.objects.count() for m in (AccessEvent, Person, Note, Consent, Withdrawal, Receipt, FollowUp)]


@pytest.mark.parametrize("index", range(13))
def test_every_person_data_endpoint_fails_closed(api, world, colleague, monkeypatch, index):
    method, url, body = person_data_calls(world)[index]

    def broken(rows, **options):
        raise DatabaseError("audit table unavailable")

    before = counts()
    monkeypatch.setattr(recorder, "write", broken)
    response = getattr(api.as_(colleague), method)(url, body, format="json")
    assert response.status_code == 503, (url, response.content)
    text = response.content.decode()
    for secret in (world["person"].display_name, world["note"].body, world["person"].phone, "secret"):
        assert secret not in text
    assert counts() == before


def portal_calls(world):
    t, told = world["team"], information_text()
    return [
        ("get", "/api/v1/portal/consents/", None),
        (
            "post",
            "/api/v1/portal/consents/",
            {"team": t.pk, "categories": ["housing"], "information": told.pk},
        ),
        ("get", "/api/v1/portal/teams/", None),
        ("get", "/api/v1/portal/access-log/", None),
        ("get", "/api/v1/portal/receipts/", None),
        ("get", "/api/v1/portal/export/", None),
        ("post", f"/api/v1/consents/{world['consent'].pk}/withdraw/", {"method": "portal"}),
        ("get", f"/api/v1/consents/{world['consent'].pk}/receipt/", None),
    ]


def break_the_recorder(monkeypatch):
    def broken(entries, **options):
        raise DatabaseError("audit table unavailable")

    monkeypatch.setattr(recorder, "write", broken)


@pytest.mark.parametrize("index", range(8))
def test_every_portal_endpoint_fails_closed(api, world, monkeypatch, index):
    from tests.factories import make_portal_account

    jo = make_portal_account(world["person"], "jo")
    method, url, body = portal_calls(world)[index]
    before = counts()
    break_the_recorder(monkeypatch)
    response = getattr(api.as_(jo), method)(url, body, format="json")
    assert response.status_code == 503, (url, response.content)
    text = response.content.decode()
    for secret in (world["note"].body, world["person"].phone, world["consent"].purpose):
        assert secret not in text
    assert counts() == before


@pytest.mark.parametrize(
    "url", ["/api/v1/audit/events/", "/api/v1/audit/verify/", "/api/v1/audit/events/?format=csv"]
)
def test_the_auditors_api_fails_closed(api, world, monkeypatch, url):
    from tests.factories import UserFactory

    auditor = UserFactory(is_auditor=True)
    break_the_recorder(monkeypatch)
    response = api.as_(auditor).get(url)
    assert response.status_code == 503 and b"person.view" not in response.content


def test_portal_activation_fails_closed(api, world, colleague, monkeypatch):
    from consent.consents import services

    code, _ = services.invite_to_portal(user=colleague, person_id=world["person"].pk)
    break_the_recorder(monkeypatch)
    response = api.post("/api/v1/portal/activate/", {"code": code, "username": "jo", "password": PASSWORD})
    assert response.status_code == 503
    world["person"].refresh_from_db()
    assert world["person"].account_id is None


def test_a_contact_write_that_changes_nothing_is_recorded_as_the_read_it_is(api, person, team, worker):
    consent = give_consent(person, team, ["contact"], by=worker)
    api.as_(worker).post(f"/api/v1/persons/{person.pk}/contact/", {"phone": "06 11 22 33 44"})
    mark = AccessEvent.objects.order_by("-id").first().id
    answer = api.as_(worker).post(f"/api/v1/persons/{person.pk}/contact/", {"phone": "06 11 22 33 44"})
    assert answer.status_code == 200 and answer.json()["phone"] == "06 11 22 33 44"
    events = [
        (e.action, e.person_id, e.consent_id, e.categories) for e in AccessEvent.objects.filter(id__gt=mark)
    ]
    assert events == [("person.view", person.pk, consent.pk, ["contact"])]


def test_an_empty_contact_write_is_refused_and_shows_nothing(api, person, team, worker):
    give_consent(person, team, ["contact"], by=worker)
    answer = api.as_(worker).post(f"/api/v1/persons/{person.pk}/contact/", {}, format="json")
    assert answer.status_code == 400 and "phone" in answer.json() and "address" not in answer.json()
