"""Who is knocking (issue "Least privilege", §4): the client's real address, sign-in limits that
cap guessing and spraying, counts shared through Redis, and API tokens that are hashed, end, and
can be revoked."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import caches
from django.utils import timezone
from knox.models import AuthToken

from audit.models import AccessEvent
from tests.factories import PASSWORD, UserFactory

# Addresses, sign-in counts (Redis) and tokens: nothing the database answers differently: one database is enough.
pytestmark = pytest.mark.any_database

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "/api/v1/auth/token/"


def sign_in(api, username: str, password: str, **headers):
    return api.post(TOKEN, {"username": username, "password": password}, format="json", **headers)


def test_a_forged_forwarded_for_is_ignored_without_trusted_proxies(api, worker):
    answers = [
        sign_in(api, worker.username, "wrong password", HTTP_X_FORWARDED_FOR=f"10.9.{i}.{i}").status_code
        for i in range(30)
    ]
    assert answers[:4] == [400] * 4 and set(answers[4:]) == {429}  # the fifth failure locks
    assert set(AccessEvent.objects.filter(action="auth.login_failed").values_list("body", flat=True)) != set()
    assert {e.ip for e in AccessEvent.objects.filter(action="auth.login_failed")} == {"127.0.0.1"}


def test_behind_one_trusted_proxy_the_address_it_saw_is_the_client(api, worker, settings):
    settings.RELAIS_TRUSTED_PROXIES = 1
    sign_in(api, worker.username, PASSWORD, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert AccessEvent.objects.get(action="auth.login").ip == "203.0.113.7"


def test_an_account_is_stopped_after_failures_from_many_addresses(api, worker, settings):
    settings.RELAIS_TRUSTED_PROXIES = 1
    settings.RELAIS_LOGIN_ACCOUNT_LIMIT = 20
    for i in range(20):
        assert (
            sign_in(api, worker.username, "wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code == 400
        )
    stopped = sign_in(api, worker.username, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.200")
    assert stopped.status_code == 429
    assert AccessEvent.objects.filter(action="auth.login_failed", body__contains="stopped (account)").exists()
    assert not AccessEvent.objects.filter(action="auth.login").exists()


def test_an_address_is_stopped_after_failures_across_accounts(api, db, settings):
    settings.RELAIS_LOGIN_ADDRESS_LIMIT = 10
    for i in range(10):
        assert sign_in(api, f"someone{i}", "spring2026").status_code == 400
    victim = UserFactory()
    assert sign_in(api, victim.username, PASSWORD).status_code == 429


@pytest.fixture
def redis_cache(settings):
    """The default cache in Redis, under a prefix of this test's own."""
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        if os.environ.get("RELAIS_REQUIRE_TOOLS"):
            raise
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    prefix = f"relais-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": prefix,
        }
    }
    yield prefix
    caches["default"].clear()


def test_sign_in_counts_are_shared_through_redis_by_every_worker(api, worker, redis_cache, settings):
    import redis
    from django.core.cache.backends.redis import RedisCache

    settings.RELAIS_LOGIN_ACCOUNT_LIMIT = 6
    for _ in range(3):
        sign_in(api, worker.username, "wrong")
    # Another worker (a cache client of its own) sees the same count in Redis itself.
    other_worker = RedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": redis_cache})
    from teams import sign_in_limits

    key = sign_in_limits._key("username", worker.username)
    assert other_worker.get(key) == 3
    assert any(redis_cache in k.decode() for k in redis.Redis(db=15).keys("*"))
    for _ in range(3):
        other_worker.incr(key)  # three failures seen by the other worker
    assert sign_in(api, worker.username, PASSWORD).status_code == 429


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {token}"}


def test_tokens_are_stored_hashed_and_end(api, worker):
    answer = sign_in(api, worker.username, PASSWORD).json()
    token = answer["token"]
    stored = AuthToken.objects.get(user=worker)
    assert token not in (stored.digest, stored.token_key) and stored.digest != token
    assert answer["expiry"] and stored.expiry > timezone.now()
    assert api.get("/api/v1/me/", **bearer(token)).status_code == 200
    AuthToken.objects.filter(pk=stored.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    assert api.get("/api/v1/me/", **bearer(token)).status_code == 401


def test_the_holder_revokes_a_token_and_it_stops_at_once(api, worker):
    token = sign_in(api, worker.username, PASSWORD).json()["token"]
    other = sign_in(api, worker.username, PASSWORD).json()["token"]
    assert api.post("/api/v1/auth/token/revoke/", **bearer(token)).status_code == 204
    assert api.get("/api/v1/me/", **bearer(token)).status_code == 401
    assert api.get("/api/v1/me/", **bearer(other)).status_code == 200
    assert api.post("/api/v1/auth/tokens/revoke/", **bearer(other)).status_code == 204
    assert api.get("/api/v1/me/", **bearer(other)).status_code == 401
    assert AccessEvent.objects.filter(action="auth.token_revoke", actor_id=worker.pk).count() == 2


def test_a_manager_revokes_every_token_of_an_account(api, worker):
    token = sign_in(api, worker.username, PASSWORD).json()["token"]
    manager = UserFactory(is_manager=True)
    assert api.as_(manager).post(f"/api/v1/users/{worker.pk}/tokens/revoke/").status_code == 204
    api.force_authenticate(None)
    assert api.get("/api/v1/me/", **bearer(token)).status_code == 401
    event = AccessEvent.objects.get(action="account.update", actor_id=manager.pk)
    assert event.changes == {"tokens": [1, 0]}


def test_a_token_stops_when_its_account_is_deactivated_or_stopped(api, worker, settings):
    token = sign_in(api, worker.username, PASSWORD).json()["token"]
    settings.RELAIS_LOGIN_ACCOUNT_LIMIT = 3
    for _ in range(3):
        sign_in(api, worker.username, "wrong", REMOTE_ADDR="192.0.2.9")
    assert api.get("/api/v1/me/", **bearer(token)).status_code == 401
    settings.RELAIS_LOGIN_ACCOUNT_LIMIT = 100
    assert api.get("/api/v1/me/", **bearer(token)).status_code == 200
    type(worker).objects.filter(pk=worker.pk).update(is_active=False)
    assert api.get("/api/v1/me/", **bearer(token)).status_code == 401


def settings_in_a_new_process(**environ) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "SECRET_KEY": "x" * 50,
        "RELAIS_FIELD_KEYS": "k1:" + "A" * 43 + "=",
        "RELAIS_AUDIT_KEY": "B" * 43 + "=",
        "RELAIS_SIGNING_KEY": "C" * 43 + "=",
        "RELAIS_CHECKPOINT_PUBLIC_KEY": "D" * 43 + "=",
        "DJANGO_SETTINGS_MODULE": "relais.settings",
        **environ,
    }
    code = "import django; django.setup()"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)


def test_debug_cannot_be_on_in_production():
    refused = settings_in_a_new_process(RELAIS_ENV="production", DEBUG="true")
    assert refused.returncode != 0 and "DEBUG cannot be on in production" in refused.stderr


def test_a_yes_or_no_setting_refuses_a_typo():
    refused = settings_in_a_new_process(DEBUG="ture")
    assert refused.returncode != 0 and "DEBUG must be true or false" in refused.stderr


def test_a_throttled_request_is_told_when_to_come_back_in_its_own_language(api, db, fresh_cache):
    answers = [api.post("/api/v1/auth/token/", {}, format="json") for _ in range(21)]
    assert answers[-1].status_code == 429
    assert answers[-1].json()["detail"].startswith("Too many requests. Try again in ")
    french = api.post("/api/v1/auth/token/", {}, format="json", HTTP_ACCEPT_LANGUAGE="fr")
    detail = french.json()["detail"]
    assert detail.startswith("Trop de demandes. Réessayez dans ") and "Expected" not in detail


def test_the_api_answers_a_lock_out_in_json_and_the_page_says_how_to_get_back(api, worker, web):
    for _ in range(6):
        answer = sign_in(api, worker.username, "wrong password")
    assert answer.status_code == 429 and answer["Content-Type"] == "application/json"
    assert "15 minutes" in answer.json()["detail"]
    page = web.post("/login/", {"username": worker.username, "password": "wrong password"})
    assert page.status_code == 429 and 'href="/login/"' in page.content.decode()
