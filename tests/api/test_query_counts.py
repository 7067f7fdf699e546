"""List endpoints cost the same number of queries for 10 rows as for 100 (no N+1)."""

import pytest
from django.conf import settings

from audit.models import AccessEvent
from tests.factories import (
    CONSENT_LOCK_QUERIES,
    UserFactory,
    give_consent,
    make_member,
    make_note,
    make_organisation,
    make_person,
    make_portal_account,
    make_team,
    write_events,
)

# Authentication is forced here. The request's savepoint and its release, then: membership, count,
# page, grants, contact fields of those allowed; the audit chain's head locked, the events, the head moved.
PERSONS_LIST_QUERIES = 9 + CONSENT_LOCK_QUERIES
# savepoint, membership, person, grants, count, page, head locked, events, head moved, release
NOTES_LIST_QUERIES = 9 + CONSENT_LOCK_QUERIES
# The others, pinned at what they cost today (pytest -v lists the queries when a count changes).
CONSENTS_LIST_QUERIES = 11
AUDIT_EVENTS_QUERIES = 6
# A portal path also looks for a recent reset of the space with a worker's code (R10): one query.
PORTAL_CONSENTS_QUERIES = 9
PORTAL_RECEIPTS_QUERIES = 8
PORTAL_ACCESS_LOG_QUERIES = 14  # with a consent's team and a day's lists (issue 21)
REPRESENTATIVES_QUERIES = 7
PORTAL_REPRESENTATIVES_QUERIES = 8
# Issue 24: the members kept out, with their accounts; the following teams' members, with theirs.
EXCLUSIONS_QUERIES = 8
PORTAL_EXCLUSIONS_QUERIES = 8
# The person's notes with their authors, teams and categories; the page's hidings; the following teams.
PORTAL_NOTES_QUERIES = 10


@pytest.mark.parametrize("rows", [10, 100])
def test_persons_list_query_count_is_pinned(api, team, worker, rows, django_assert_num_queries):
    for _ in range(rows):
        person = make_person(team)
        give_consent(person, team, ["contact", "housing"], by=worker)
    client = api.as_(worker)
    with django_assert_num_queries(PERSONS_LIST_QUERIES):
        response = client.get("/api/v1/persons/?page_size=100")
    assert len(response.json()["results"]) == rows
    assert all("phone" in p for p in response.json()["results"])


@pytest.mark.parametrize("rows", [10, 100])
def test_notes_list_query_count_is_pinned(
    api, person, team, worker, colleague, rows, django_assert_num_queries
):
    give_consent(person, team, ["housing", "support_plan"], by=worker)
    for i in range(rows):
        make_note(person, worker, team, ("housing", "support_plan")[i % 2])
    client = api.as_(colleague)
    with django_assert_num_queries(NOTES_LIST_QUERIES):
        response = client.get(f"/api/v1/persons/{person.pk}/notes/?page_size=100")
    assert len(response.json()["results"]) == rows


@pytest.mark.parametrize("rows", [10, 100])
def test_consent_history_query_count_is_pinned(api, person, team, worker, rows, django_assert_num_queries):
    for i in range(rows):
        give_consent(person, team, ["housing"] if i % 2 else ["contact"], by=worker)
    client = api.as_(worker)
    with django_assert_num_queries(CONSENTS_LIST_QUERIES):
        response = client.get(f"/api/v1/persons/{person.pk}/consents/?page_size=100")
    assert len(response.json()["results"]) == rows


@pytest.mark.parametrize("rows", [10, 100])
def test_audit_events_query_count_is_pinned(api, auditor, rows, django_assert_num_queries):
    write_events(rows)
    client = api.as_(auditor)
    with django_assert_num_queries(AUDIT_EVENTS_QUERIES):
        response = client.get("/api/v1/audit/events/?page_size=100")
    assert len(response.json()["results"]) == min(rows + settings.RELAIS_AUDIT_CHAINS, 100)


@pytest.mark.parametrize("rows", [10, 100])
def test_fhir_audit_events_query_count_is_pinned(api, auditor, rows, django_assert_num_queries):
    """The same queries as the log's own list: each AuditEvent is built from its stored body."""
    write_events(rows)
    client = api.as_(auditor)
    with django_assert_num_queries(AUDIT_EVENTS_QUERIES):
        response = client.get("/api/v1/audit/fhir/AuditEvent?page_size=100")
    assert len(response.json()["entry"]) == min(rows + settings.RELAIS_AUDIT_CHAINS, 100)


@pytest.fixture
def jo(person):
    return make_portal_account(person, "jo")


@pytest.mark.parametrize("rows", [10, 100])
@pytest.mark.parametrize("url", ["/api/v1/portal/consents/", "/api/v1/portal/receipts/"])
def test_portal_lists_of_consents_and_receipts_query_count_is_pinned(
    api, jo, person, team, worker, rows, url, django_assert_num_queries
):
    for i in range(rows):
        give_consent(person, team, ["housing"] if i % 2 else ["contact"], by=worker)
    client = api.as_(jo)
    expected = PORTAL_CONSENTS_QUERIES if "consents" in url else PORTAL_RECEIPTS_QUERIES
    with django_assert_num_queries(expected):
        response = client.get(f"{url}?page_size=100")
    assert len(response.json()["results"]) == rows


@pytest.mark.parametrize("rows", [10, 100])
def test_portal_access_log_query_count_is_pinned(
    api, jo, person, team, worker, rows, django_assert_num_queries
):
    from audit import recorder
    from audit.recorder import Event

    consent = give_consent(person, team, ["housing"], by=worker)
    readers = [make_member(team) for _ in range(5)]
    # A name seen in a list: its line tells how many times that day (one query, whatever the rows).
    recorder.record(readers[0], Event(action="person.list", person_id=person.pk, team_id=team.pk))
    mark = AccessEvent.objects.filter(person_id=person.pk).count()
    for i in range(rows - mark):
        recorder.record(
            readers[i % 5],
            Event(
                action="note.list",
                person_id=person.pk,
                team_id=team.pk,
                consent_id=consent.pk,
                categories=["housing"],
            ),
        )
    client = api.as_(jo)
    with django_assert_num_queries(PORTAL_ACCESS_LOG_QUERIES):
        response = client.get("/api/v1/portal/access-log/?page_size=100")
    assert len(response.json()["results"]) == rows


def representatives(person, worker, rows):
    from consent.models import Representative

    Representative.objects.bulk_create(
        Representative(
            person=person, name=f"R{i}", kind="trusted_person", scope="both", evidence="e", recorded_by=worker
        )
        for i in range(rows)
    )


@pytest.mark.parametrize("rows", [10, 100])
def test_representatives_list_query_count_is_pinned(api, person, worker, rows, django_assert_num_queries):
    representatives(person, worker, rows)
    client = api.as_(worker)
    with django_assert_num_queries(REPRESENTATIVES_QUERIES):
        response = client.get(f"/api/v1/persons/{person.pk}/representatives/")
    assert len(response.json()) == rows


@pytest.mark.parametrize("rows", [10, 100])
def test_portal_representatives_query_count_is_pinned(api, person, worker, rows, django_assert_num_queries):
    representatives(person, worker, rows)
    client = api.as_(make_portal_account(person))
    with django_assert_num_queries(PORTAL_REPRESENTATIVES_QUERIES):
        response = client.get("/api/v1/portal/representatives/")
    assert len(response.json()) == rows


def disagreements(person, author, rows, *, glass_every=3):
    """``rows`` disagreements of the person, with journal lines and emergency accesses mixed."""
    from datetime import timedelta

    from django.utils import timezone

    from consent.models import Disagreement, GlassBreak
    from teams.models import Team

    team = Team.objects.get(follow_ups__person=person)
    glass = GlassBreak.objects.create(
        person=person,
        team=team,
        opened_by=team.memberships.first().user,
        reason="cannot_be_asked",
        statement="Injoignable.",
        ends_at=timezone.now() + timedelta(hours=4),
    )
    lines = list(AccessEvent.objects.filter(person_id=person.pk).values_list("id", flat=True))
    Disagreement.objects.bulk_create(
        Disagreement(
            person=person,
            glass_break=glass if i % glass_every == 0 else None,
            event_id=None if i % glass_every == 0 else lines[i % len(lines)],
            statement=f"Non {i}.",
            written_by=author,
        )
        for i in range(rows)
    )


# The portal path and the page, then the journal lines they name (their words in a fixed number), the events.
PORTAL_DISAGREEMENTS_QUERIES = 14
DISAGREEMENT_QUEUE_QUERIES = 6


@pytest.mark.parametrize("rows", [10, 100])
def test_portal_disagreements_query_count_is_pinned(
    api, jo, person, team, worker, rows, django_assert_num_queries
):
    give_consent(person, team, ["housing"], by=worker)
    disagreements(person, jo, rows)
    client = api.as_(jo)
    with django_assert_num_queries(PORTAL_DISAGREEMENTS_QUERIES):
        response = client.get("/api/v1/portal/disagreements/?page_size=100")
    assert len(response.json()["results"]) == rows


@pytest.mark.parametrize("rows", [10, 100])
def test_disagreement_queue_query_count_is_pinned(
    api, jo, person, team, worker, rows, django_assert_num_queries
):
    from tests.factories import UserFactory

    give_consent(person, team, ["housing"], by=worker)
    disagreements(person, jo, rows // 2)
    other = make_person(team, display_name="Sam")
    give_consent(other, team, ["housing"], by=worker)
    disagreements(other, make_portal_account(other, "sam"), rows - rows // 2)
    client = api.as_(UserFactory(is_auditor=True))
    with django_assert_num_queries(DISAGREEMENT_QUEUE_QUERIES):
        response = client.get("/api/v1/audit/disagreements/?page_size=100")
    assert len(response.json()["results"]) == rows


# Issue 23: the lists of the administration and of an organisation's auditor, by organisation.
ORGANISATIONS_QUERIES = 4  # savepoint, count, page, release
TEAMS_QUERIES = 5  # savepoint, count, page, the teams' categories, release
ACCOUNTS_QUERIES = 4  # savepoint, count, page, release


@pytest.mark.parametrize("rows", [10, 100])
def test_organisations_list_query_count_is_pinned(api, worker, rows, django_assert_num_queries):
    for i in range(rows):
        make_organisation(f"Organisation {i}")
    client = api.as_(worker)
    with django_assert_num_queries(ORGANISATIONS_QUERIES):
        response = client.get("/api/v1/organisations/?page_size=100")
    assert len(response.json()["results"]) == min(rows + 1, 100)  # the tests' own organisation too


@pytest.mark.parametrize("rows", [10, 100])
def test_a_managers_teams_and_accounts_query_counts_are_pinned(api, db, rows, django_assert_num_queries):
    horizon = make_organisation("Horizon")
    manager = UserFactory(is_manager=True, organisation=horizon)
    for i in range(rows):
        make_team(f"Équipe {i}", organisation=horizon)
        make_team(f"Ailleurs {i}")  # another organisation's: neither listed nor counted
        UserFactory(organisation=horizon)
    client = api.as_(manager)
    with django_assert_num_queries(TEAMS_QUERIES):
        teams = client.get("/api/v1/teams/?page_size=100").json()
    assert teams["count"] == rows
    with django_assert_num_queries(ACCOUNTS_QUERIES):
        accounts = client.get("/api/v1/users/?page_size=100").json()
    assert accounts["count"] == rows + 1


@pytest.mark.parametrize("rows", [10, 100])
def test_an_organisations_auditor_reads_the_log_in_the_same_queries(
    api, worker, rows, django_assert_num_queries
):
    """The scope is two subqueries of the same statements, not more queries."""
    from audit import recorder
    from audit.recorder import Event

    auditor = UserFactory(is_auditor=True, audits_deployment=False)
    recorder.record(worker, *(Event(action="person.view", person_id=i + 1) for i in range(rows)))
    write_events(rows)  # the system's, about no team: none of them the organisation's
    with django_assert_num_queries(AUDIT_EVENTS_QUERIES):
        response = api.as_(auditor).get("/api/v1/audit/events/?page_size=100")
    actors = {e["actor"] for e in response.json()["results"]}
    assert worker.pk in actors and len(response.json()["results"]) >= min(rows, 100)


def kept_out(person, team, worker, rows):
    """``rows`` members of the team the person keeps out (issue 24), and as many who still read."""
    from consent.models import Exclusion

    Exclusion.objects.bulk_create(
        Exclusion(person=person, member=make_member(team), recorded_by=worker) for _ in range(rows)
    )
    for _ in range(rows):
        make_member(team)


@pytest.mark.parametrize("rows", [10, 100])
def test_exclusions_list_query_count_is_pinned(api, person, team, worker, rows, django_assert_num_queries):
    kept_out(person, team, worker, rows)
    with django_assert_num_queries(EXCLUSIONS_QUERIES):
        response = api.as_(worker).get(f"/api/v1/persons/{person.pk}/exclusions/")
    assert len(response.json()["exclusions"]) == rows
    assert len(response.json()["candidates"]) == 2 * rows + 1


@pytest.mark.parametrize("rows", [10, 100])
def test_portal_exclusions_query_count_is_pinned(api, person, team, worker, rows, django_assert_num_queries):
    kept_out(person, team, worker, rows)
    client = api.as_(make_portal_account(person))
    with django_assert_num_queries(PORTAL_EXCLUSIONS_QUERIES):
        response = client.get("/api/v1/portal/exclusions/")
    assert len(response.json()["exclusions"]) == rows


@pytest.mark.parametrize("rows", [10, 100])
def test_portal_notes_query_count_is_pinned(api, person, team, worker, rows, django_assert_num_queries):
    from consent.models import NoteHiding

    account = make_portal_account(person)
    for i in range(rows):
        note = make_note(person, worker, team, "housing")
        if i % 2:
            NoteHiding.objects.create(person=person, note=note, recorded_by=account)
    with django_assert_num_queries(PORTAL_NOTES_QUERIES):
        response = api.as_(account).get("/api/v1/portal/notes/?page_size=100")
    assert [row["hidden"] for row in response.json()["results"]].count(True) == rows // 2
