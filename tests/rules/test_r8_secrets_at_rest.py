"""R8: note bodies and contact fields are encrypted at rest, with key ids, and rotate safely."""

import base64
import os

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection

from core import crypto, keys
from records.models import Note, Person
from tests.factories import informed, make_note


def raw(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def new_key(key_id):
    return key_id, os.urandom(32)


def test_note_body_is_not_stored_in_clear(person, team, worker):
    note = make_note(person, worker, team, "housing", "Hébergé chez sa sœur à Roubaix")
    stored = raw("records_note", "body", note.pk)
    assert "Roubaix" not in stored
    assert stored.startswith(f"v1:{crypto.newest_key_id()}:")
    assert Note.objects.get(pk=note.pk).body == "Hébergé chez sa sœur à Roubaix"


def test_contact_fields_are_not_stored_in_clear(person):
    for column in ("phone", "email", "address"):
        stored = raw("records_person", column, person.pk)
        assert getattr(person, column) not in stored
        assert stored.startswith("v1:")


def test_same_plaintext_encrypts_differently_each_time():
    assert crypto.encrypt("06 12", "x.Y.z") != crypto.encrypt("06 12", "x.Y.z")


def test_a_value_moved_to_another_column_does_not_decrypt(person, team, worker):
    note = make_note(person, worker, team, "housing")
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt(raw("records_note", "body", note.pk), "records.Person.phone")


def test_wrong_key_gives_a_clear_error(settings, person, team, worker):
    note = make_note(person, worker, team, "housing")
    key_id = crypto.newest_key_id()
    settings.RELAIS_FIELD_KEYS = (new_key(key_id),)
    with pytest.raises(crypto.DecryptionFailed, match="key is wrong or the value was altered"):
        Note.objects.get(pk=note.pk)


def test_unknown_key_id_gives_a_clear_error(settings, person, team, worker):
    note = make_note(person, worker, team, "housing")
    settings.RELAIS_FIELD_KEYS = (new_key("other"),)
    with pytest.raises(crypto.UnknownKey, match="RELAIS_FIELD_KEYS does not hold"):
        Note.objects.get(pk=note.pk)


def test_api_answers_503_without_data_when_a_key_is_wrong(api, settings, shared, person, colleague):
    _, note = shared
    settings.RELAIS_FIELD_KEYS = (new_key(crypto.newest_key_id()),)
    response = api.as_(colleague).get(f"/api/v1/persons/{person.pk}/notes/")
    assert response.status_code == 503
    assert "keys" in response.json()["detail"]


def test_rotate_keys_leaves_everything_readable_with_the_newest_key_alone(settings, person, team, worker):
    notes = [make_note(person, worker, team, "housing", f"note {i}") for i in range(3)]
    old = settings.RELAIS_FIELD_KEYS
    newest = new_key("k-new")
    settings.RELAIS_FIELD_KEYS = (newest, *old)
    call_command("rotate_keys", verbosity=0)
    call_command("rotate_keys", verbosity=0)  # a second run finds nothing to do and breaks nothing
    settings.RELAIS_FIELD_KEYS = (newest,)
    assert [Note.objects.get(pk=n.pk).body for n in notes] == ["note 0", "note 1", "note 2"]
    assert Person.objects.get(pk=person.pk).phone == person.phone
    assert raw("records_note", "body", notes[0].pk).startswith("v1:k-new:")


def test_consent_evidence_is_encrypted_and_rotated_like_the_rest(settings, person, team, worker):
    from consent.consents import selectors as consent_selectors
    from consent.consents import services as consent_services
    from consent.consents.evidence import EvidenceFile
    from consent.models import Evidence

    scan = b"%PDF-1.4 signed consent form"
    consent = consent_services.record_consent(
        user=worker,
        person_id=person.pk,
        team_id=team.pk,
        categories=["housing"],
        purpose="continuité",
        method="written",
        evidence=EvidenceFile("form.pdf", scan),
        **informed(),
    )
    evidence = Evidence.objects.get(consent=consent)
    assert raw("consent_evidence", "content", evidence.pk).startswith(f"v1:{crypto.newest_key_id()}:")
    newest = new_key("k-new")
    settings.RELAIS_FIELD_KEYS = (newest, *settings.RELAIS_FIELD_KEYS)
    call_command("rotate_keys", verbosity=0)
    settings.RELAIS_FIELD_KEYS = (newest,)
    assert raw("consent_evidence", "content", evidence.pk).startswith("v1:k-new:")
    assert consent_selectors.consent_evidence(user=worker, consent_id=consent.pk)[1] == scan


def test_rotate_keys_stops_on_an_unreadable_value_and_writes_nothing_back(settings, person, team, worker):
    note = make_note(person, worker, team, "housing")
    before = raw("records_note", "body", note.pk)
    settings.RELAIS_FIELD_KEYS = (new_key("k-new"), new_key(crypto.key_id_of(before)))
    with pytest.raises(CommandError, match="Nothing was written"):
        call_command("rotate_keys", verbosity=0)
    assert raw("records_note", "body", note.pk) == before


def test_production_refuses_to_start_without_a_key(tmp_path):
    environ = {
        "SECRET_KEY": "s",
        "RELAIS_AUDIT_KEY": base64.b64encode(os.urandom(32)).decode(),
        "RELAIS_SIGNING_KEY": base64.b64encode(os.urandom(32)).decode(),
    }
    with pytest.raises(ImproperlyConfigured, match="RELAIS_FIELD_KEYS is not set.*Make one with"):
        keys.load(environ, tmp_path, production=True)
    assert not (tmp_path / "keys.json").exists()


def test_development_generates_missing_keys_once(tmp_path):
    first = keys.load({}, tmp_path, production=False)
    second = keys.load({}, tmp_path, production=False)
    assert first == second and len(first.field_keys[0][1]) == 32


def test_malformed_field_keys_are_a_clear_error(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="id:base64key"):
        keys.parse_field_keys("no-colon-here")
    with pytest.raises(ImproperlyConfigured, match="32 bytes"):
        keys.parse_field_keys("k1:" + base64.b64encode(b"short").decode())


def test_rotation_batches_are_bounded_in_bytes_as_well_as_rows():
    from records.management.commands import rotate_keys

    mb = 1024 * 1024
    large = [(i, 9 * mb) for i in range(3)]  # three encrypted 5 MB scans
    small = [(10 + i, 200) for i in range(1200)]  # notes
    batches = list(rotate_keys.batches(large + small))
    assert batches[:3] == [[0], [1], [2]]
    assert [len(b) for b in batches[3:]] == [500, 500, 200]
