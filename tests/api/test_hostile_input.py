"""Hostile input gets a clean 4xx, never a crash, and the refusal is recorded (issue "All or nothing", §3).

Every route that takes an id, API and pages alike, is found in the URL resolver and asked for an id
one past the largest 64-bit integer.
"""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter

from audit.models import AccessEvent
from tests.factories import PASSWORD, UserFactory, informed, make_portal_account

HUGE = 2**63  # one past the largest 64-bit integer
METHODS = ("get", "post", "patch", "delete")


def id_routes(patterns=None, prefix="") -> list[tuple[str, list[str]]]:
    """(route, names of its int parameters) for every URL pattern that takes an id."""
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found += id_routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            converters = pattern.pattern.converters
            ints = [name for name, converter in converters.items() if isinstance(converter, IntConverter)]
            if ints:
                found.append((route, ints))
    return found


def url_of(route: str, names: list[str]) -> str:
    url = "/" + route
    for name in names:
        url = url.replace(f"<int:{name}>", str(HUGE))
    return url


ROUTES = [url_of(route, names) for route, names in id_routes()]
# Routes of the managers' administration of teams: no person data behind them, so a plain 404.
MANAGERS = ("/api/v1/teams/", "/api/v1/users/")
# The information texts given before a consent: the deployment's public words, a plain 404 too.
PUBLIC_TEXTS = ("/information/", "/api/v1/information/")


def test_the_resolver_finds_the_routes_that_take_an_id():
    assert "/api/v1/persons/9223372036854775808/" in ROUTES
    assert "/persons/9223372036854775808/" in ROUTES and len(ROUTES) > 15


def body_for(url: str, team) -> dict:
    """A body that would be accepted on a person the member follows: only the id is wrong."""
    if url.endswith("/notes/"):
        return {"team": team.pk, "category": "housing", "body": "Vu ce matin"}
    if url.endswith("/consents/"):
        return {
            "team": team.pk,
            "categories": ["housing"],
            "purpose": "continuité",
            "method": "oral",
            **informed(),
        }
    if url.endswith("/follow-ups/"):
        return {"team": team.pk}
    if url.endswith("/withdraw/"):
        return {"method": "oral"}
    if url.endswith("/correction/") or url.endswith("/correct/"):
        return {"body": "Corrigé"}
    if url.endswith("/review/"):
        return {"verdict": "justified", "comment": "Confirmé."}
    if url.endswith("/emergency-access/"):
        return {
            "team": team.pk,
            "categories": ["support_plan"],
            "reason": "danger_to_life",
            "statement": "Urgent.",
        }
    if url.endswith("/representatives/"):
        return {"name": "Marie", "kind": "trusted_person", "scope": "both", "evidence": "Désignation écrite"}
    if url.endswith("/end/"):
        return {"evidence": "Mainlevée", "confirmed": "yes"}  # a worker's evidence, the person's confirmation
    if url.endswith("/stop/"):
        return {"confirmed": "yes"}  # an irreversible act of the person's, confirmed (issue 21, item 8)
    if url.endswith("/answer/"):
        return {"answer": "Vu."}
    if url.endswith("/exclusions/"):
        return {"member": 1}
    if url.endswith("/contact/"):
        return {"phone": "06 11 22 33 44", "email": "", "address": ""}
    return {}


@pytest.mark.parametrize("url", ROUTES)
def test_an_id_beyond_64_bits_is_a_recorded_404(api, worker, team, person, url):
    manager = UserFactory(is_manager=True)
    # Each route asked by whom it serves: a person's own space, an auditor's review, a member's work.
    if "/portal/" in url:
        user = make_portal_account(person, "jo")
    elif "/audit/" in url:
        user = UserFactory(is_auditor=True)
    else:
        user = manager if url.startswith(MANAGERS) else worker
    api.force_login(user)  # the pages and the API alike
    answered = []
    for method in METHODS:
        mark = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        response = getattr(api, method)(url, body_for(url, team), format="json")
        if response.status_code == 405:
            continue
        answered.append(method)
        assert response.status_code == 404, (method, url, response.status_code, response.content[:300])
        if url.startswith(MANAGERS + PUBLIC_TEXTS):
            continue
        refused = AccessEvent.objects.filter(id__gt=mark, outcome="denied")
        assert [e.reason for e in refused] == ["Hidden"], (method, url)
        assert str(HUGE) in [str(i) for i in refused.get().object_ids]
    assert answered, url


def test_a_person_asking_for_a_consent_beyond_64_bits_gets_the_same_404(api, person):
    jo = make_portal_account(person, "jo")
    response = api.as_(jo).post(f"/api/v1/consents/{HUGE}/withdraw/", {"method": "portal"}, format="json")
    assert response.status_code == 404


def test_a_nul_in_a_search_is_a_400_on_its_field(api, web, worker):
    response = api.as_(worker).get("/api/v1/persons/", {"search": "a\x00b"})
    assert response.status_code == 400 and "search" in response.json()
    assert web.as_(worker).get("/persons/", {"q": "a\x00b"}).status_code == 400


def test_a_nul_in_a_filter_is_a_400(api, auditor):
    response = api.as_(auditor).get("/api/v1/audit/events/", {"action": "note.list\x00"})
    assert response.status_code == 400 and "action" in response.json()


def test_a_deeply_nested_body_is_a_cheap_400_recorded_as_refused(api, db):
    body = "[" * 100_000 + "]" * 100_000
    started = time.perf_counter()
    response = api.generic("POST", "/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 400 and "detail" in response.json()
    assert time.perf_counter() - started < 5  # bounded: one linear pass, no recursion
    [event] = AccessEvent.objects.exclude(action="audit.chain_start")
    assert (event.action, event.outcome) == ("request.refused", "denied")
    assert event.reason.startswith("ParseError")


def test_a_body_that_is_not_json_is_a_400(api, worker):
    response = api.as_(worker).generic(
        "POST", "/api/v1/persons/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400


@pytest.fixture
def unreachable_database(transactional_db, flushable_audit):
    """The database goes away for the length of a block, then comes back."""
    from contextlib import contextmanager

    @contextmanager
    def away():
        saved = dict(connection.settings_dict)
        # SQLite's test database lives in memory, as long as a connection holds it: keep that one
        # aside (unused) while the service is pointed at a database that cannot be opened.
        kept = connection.connection if connection.vendor == "sqlite" else None
        if kept is None:
            connection.close()
        connection.connection = None
        if connection.vendor == "sqlite":
            connection.settings_dict["NAME"] = "/nonexistent/relais/db.sqlite3"
        else:
            connection.settings_dict["PORT"] = "1"
        try:
            yield
        finally:
            if kept is None:
                connection.close()
            connection.connection = kept
            connection.settings_dict.clear()
            connection.settings_dict.update(saved)

    return away


def test_without_its_database_the_service_answers_503_and_comes_back_by_itself(
    unreachable_database, api, web, team, worker
):
    client = api.as_(worker)
    web.as_(worker)
    with unreachable_database():
        response = client.get("/api/v1/persons/")
        assert response.status_code == 503 and response["Content-Type"] == "application/json"
        assert "detail" in response.json()
        page = web.get("/persons/")
        assert page.status_code == 503 and "text/html" in page["Content-Type"]
        assert "Indisponible" in page.content.decode()
    assert client.get("/api/v1/persons/").status_code == 200
    assert web.get("/persons/").status_code == 200


def test_a_request_id_from_the_client_is_kept_only_if_short_and_plain(api, worker):
    client = api.as_(worker)
    kept = client.get("/api/v1/me/", HTTP_X_REQUEST_ID="abc-123")
    replaced = client.get("/api/v1/me/", HTTP_X_REQUEST_ID="x" * 65 + "<script>")
    assert kept["X-Request-ID"] == "abc-123"
    assert replaced["X-Request-ID"] != "x" * 65 + "<script>" and len(replaced["X-Request-ID"]) == 32


def test_a_wrong_password_is_a_400_not_a_crash(api, worker):
    response = api.post("/api/v1/auth/token/", {"username": worker.username, "password": PASSWORD + "x"})
    assert response.status_code == 400


def api_routes(patterns=None, prefix="") -> list[str]:
    """Every API route, its ids filled with 1."""
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found += api_routes(pattern.url_patterns, route)
        elif route.startswith("api/v1/"):
            for name in pattern.pattern.converters:
                route = route.replace(f"<int:{name}>", "1").replace(f"<str:{name}>", "x")
            found.append("/" + route)
    return found


@pytest.mark.parametrize("url", api_routes())
def test_options_on_any_route_answers_and_reads_no_record(api, worker, team, url):
    manager = UserFactory(is_manager=True)
    for user in (worker, manager):
        api.force_login(user)
        mark = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        response = api.options(url)
        assert response.status_code in (200, 401, 403, 404, 405), (url, response.status_code)
        assert "actions" not in response.json()
        written = AccessEvent.objects.filter(id__gt=mark)
        if response.status_code == 200:
            assert not written.exists(), url
        else:  # a refusal is on the record, as it is for any method
            assert {e.outcome for e in written} <= {"denied"}, url


def test_a_nul_in_a_query_is_a_plain_400_on_every_database(api, shared, worker):
    consent, _ = shared
    answer = api.as_(worker).get(f"/api/v1/consents/{consent.pk}/receipt/?event=%00")
    assert answer.status_code == 400 and answer.json()["detail"]
    other = api.as_(worker).get(f"/api/v1/consents/{consent.pk}/receipt/?event=nothing")
    assert other.status_code == 400 and "event" in other.json()
    page = api.get("/persons/?q=a%00b")
    assert page.status_code == 400
