"""The auditors' API: filters, pagination, CSV export with formula cells escaped, verification."""

import csv
import io

import pytest
from django.conf import settings

from audit.models import AccessEvent
from tests.audit import tampering
from tests.factories import UserFactory, write_events

EVENTS = "/api/v1/audit/events/"


def last_event() -> AccessEvent:
    return AccessEvent.objects.order_by("-id").first()


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_whole_logs_count_is_exactly_its_events_and_a_filtered_one_its_matches(api, auditor):
    write_events(7)
    total = AccessEvent.objects.order_by().count()  # COUNT(*): a plain queryset walks the rows
    assert api.as_(auditor).get(EVENTS).json()["count"] == total
    denied = AccessEvent.objects.order_by().filter(outcome="denied").count()
    assert api.as_(auditor).get(EVENTS, {"outcome": "denied"}).json()["count"] == denied


def test_auditor_reads_events_newest_first(api, auditor, shared, person, colleague):
    api.as_(colleague).get(f"/api/v1/persons/{person.pk}/notes/")
    body = api.as_(auditor).get(EVENTS).json()
    ids = [e["id"] for e in body["results"]]
    assert ids == sorted(ids, reverse=True) and body["count"] >= 1
    note_list = next(e for e in body["results"] if e["action"] == "note.list")
    assert note_list["actor"] == colleague.pk and note_list["person"] == person.pk
    assert note_list["categories"] == ["housing"] and note_list["consent"] == shared[0].pk
    assert len(note_list["hash"]) == 64


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"action": "note.list"}, {"note.list"}),
        ({"outcome": "denied"}, {"person.view"}),
    ],
)
def test_filters_select_the_matching_events(api, auditor, shared, person, colleague, params, expected):
    api.as_(colleague).get(f"/api/v1/persons/{person.pk}/notes/")
    api.as_(colleague).get("/api/v1/persons/999999/")
    results = api.as_(auditor).get(EVENTS, params).json()["results"]
    assert results and {e["action"] for e in results} == expected


def test_person_actor_and_team_filters(api, auditor, shared, person, colleague, team):
    api.as_(colleague).get(f"/api/v1/persons/{person.pk}/notes/")
    for params in ({"person": person.pk}, {"actor": colleague.pk}, {"team": team.pk}):
        results = api.as_(auditor).get(EVENTS, params).json()["results"]
        key = next(iter(params))
        assert results and all(e[key] == params[key] for e in results)


def test_time_window_filters(api, auditor, db):
    write_events(3)
    since = {"since": "2000-01-01T00:00:00Z", "action": "person.view"}
    assert api.as_(auditor).get(EVENTS, since).json()["count"] == 3
    assert api.as_(auditor).get(EVENTS, {"until": "2000-01-01T00:00:00Z"}).json()["count"] == 0


def test_bad_filters_are_a_400_with_a_message_per_field(api, auditor):
    response = api.as_(auditor).get(EVENTS, {"since": "yesterday", "person": "x", "outcome": "maybe"})
    assert response.status_code == 400 and {"since", "person", "outcome"} <= set(response.json())


def test_reading_the_log_is_itself_recorded_with_what_was_shown(api, auditor, db):
    write_events(3)
    shown = [e["id"] for e in api.as_(auditor).get(EVENTS, {"page_size": 2}).json()["results"]]
    event = last_event()
    assert (event.action, event.actor_id, event.object_ids) == ("audit.view", auditor.pk, shown)
    assert "page_size" not in event.reason


def test_a_read_filtered_on_a_person_names_the_person(api, auditor, person):
    api.as_(auditor).get(EVENTS, {"person": person.pk})
    assert last_event().person_id == person.pk


@pytest.mark.parametrize("role", [{"is_manager": True}, {"is_superuser": True, "is_staff": True}, {}])
def test_only_auditors_reach_the_log_and_refusals_are_recorded(api, db, role):
    user = UserFactory(**role)
    for url in (EVENTS, "/api/v1/audit/verify/", EVENTS + "?format=csv"):
        assert api.as_(user).get(url).status_code == 403
    assert [e.outcome for e in AccessEvent.objects.filter(actor_id=user.pk)] == ["denied"] * 3


def test_members_do_not_reach_the_log(api, worker):
    assert api.as_(worker).get(EVENTS).status_code == 403


def test_csv_export_holds_every_matching_event_and_is_recorded(api, auditor, db):
    write_events(7, action="person.view")
    response = api.as_(auditor).get(EVENTS, {"format": "csv", "action": "person.view"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = csv_rows(response)
    assert rows[0][:3] == ["id", "seq", "occurred_at"] and len(rows) == 8
    export = last_event()
    assert export.action == "audit.export" and export.reason.startswith("7 events")


def test_csv_escapes_cells_a_spreadsheet_would_run(api, auditor, db):
    api.post("/api/v1/auth/token/", {"username": '=HYPERLINK("http://x")', "password": "wrong password"})
    api.post("/api/v1/auth/token/", {"username": "@SUM(1)", "password": "wrong password"})
    rows = csv_rows(api.as_(auditor).get(EVENTS, {"format": "csv", "action": "auth.login_failed"}))
    reasons = [r[8] for r in rows[1:]]
    assert reasons == ['\'=HYPERLINK("http://x")', "'@SUM(1)"]


def test_export_audit_command_writes_the_same_csv(auditor, db, tmp_path):
    from django.core.management import call_command

    write_events(4)
    target = tmp_path / "audit.csv"
    call_command("export_audit", "--action", "person.view", "--output", str(target), verbosity=0)
    rows = list(csv.reader(target.open()))
    assert len(rows) == 5 and last_event().action == "audit.export"


def test_verify_endpoint_reports_an_intact_chain(api, auditor, db):
    write_events(5)
    body = api.as_(auditor).get("/api/v1/audit/verify/").json()
    checked = 5 + settings.RELAIS_AUDIT_CHAINS  # and the first event of each chain
    assert body == {"ok": True, "checked": checked, "first_bad": None, "reason": "", "checkpoint": None}
    assert last_event().action == "audit.verify"


def test_verify_endpoint_names_the_first_bad_event(api, auditor, db):
    write_events(5)
    target = tampering.ids()[2]
    body_text, digest = tampering.row(target)
    with tampering.triggers_off():
        tampering.set_row(target, body_text, "f" * 64)
        body = api.as_(auditor).get("/api/v1/audit/verify/").json()
    assert body["ok"] is False and body["first_bad"] == target


def test_auditor_never_reaches_note_contents(api, auditor, shared, person):
    _, note = shared
    for url in (f"/api/v1/persons/{person.pk}/notes/", f"/api/v1/notes/{note.pk}/"):
        response = api.as_(auditor).get(url)
        assert response.status_code in (403, 404) and note.body not in response.content.decode()
