"""Least privilege, for real (issue "Least privilege", §1): on PostgreSQL the service runs as a role
that owns nothing and cannot rewrite the log, and it serves as that role.

A database and its two roles are made by ``db_roles``, migrated by the owner, then the service's
role is tried: every statement that could undo the log is refused; and gunicorn, connected as that
role, signs in, lists, writes a note and a consent, and verifies the log.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from relais.db.roles import RECORD

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "relais-demo-2026"

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="roles are PostgreSQL's")

REFUSED = {
    "edit an event": "UPDATE audit_accessevent SET hash = 'forged'",
    "delete events": "DELETE FROM audit_accessevent",
    "truncate the log": "TRUNCATE audit_accessevent",
    "disable the triggers": "ALTER TABLE audit_accessevent DISABLE TRIGGER USER",
    "act as a replica": "SET session_replication_role = replica",
    "open the purge door": "INSERT INTO audit_purgepermit (chain, up_to_seq) VALUES (1, 9223372036854775807)",
    "forge an anchor": (
        "INSERT INTO audit_anchor (chain, seq, last_id, hash, created_at, payload, signature) "
        "VALUES (1, 1, 1, 'x', now(), '{}', 'x')"
    ),
    "drop the log": "DROP TABLE audit_accessevent",
    "add a table": "CREATE TABLE public.shadow (id int)",
    "replace the trigger function": "CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$",
    "become superuser": "ALTER ROLE CURRENT_USER SUPERUSER",
}

# The rest of the record (issue "Written in stone"): what a person consented to, refused or withdrew,
# the notes, the persons, the emergency accesses' verdicts, and the accounts' highest flags.
RECORD_REFUSED = {
    "delete consents": "DELETE FROM consent_consent",
    "delete what a consent shares": "DELETE FROM consent_consent_categories",
    "rewrite what a consent shares": "UPDATE consent_consent_categories SET category_id = category_id",
    "rewrite a consent": "UPDATE consent_consent SET purpose = 'rewritten'",
    "extend a consent": "UPDATE consent_consent SET valid_until = NULL",
    "delete withdrawals": "DELETE FROM consent_withdrawal",
    "backdate a withdrawal": "UPDATE consent_withdrawal SET recorded_at = now()",
    "delete receipts": "DELETE FROM consent_receipt",
    "rewrite a receipt": "UPDATE consent_receipt SET payload = '{}'",
    "delete evidence": "DELETE FROM consent_evidence",
    "replace evidence": "UPDATE consent_evidence SET content = ''",
    "delete notes": "DELETE FROM records_note",
    "rewrite a note": "UPDATE records_note SET body = 'rewritten'",
    "move a note to another category": "UPDATE records_note SET category_id = category_id",
    "delete a person": "DELETE FROM records_person",
    "rename a person": "UPDATE records_person SET last_name = 'rewritten'",
    "delete follow-ups": "DELETE FROM records_followup",
    "delete emergency accesses": "DELETE FROM consent_glassbreak",
    "rewrite why the glass was broken": "UPDATE consent_glassbreak SET statement = '', reason = 'urgent_care'",
    "lengthen an emergency access": "UPDATE consent_glassbreak SET ends_at = ends_at + interval '1 day'",
    "widen an emergency access": "DELETE FROM consent_glassbreak_categories",
    "delete representatives": "DELETE FROM consent_representative",
    "widen a representative's scope": "UPDATE consent_representative SET scope = 'both'",
    "delete notices": "DELETE FROM consent_notice",
    "make a superuser": "UPDATE teams_user SET is_superuser = true",
    "make a staff account": "UPDATE teams_user SET is_staff = true",
    "insert a superuser": (
        "INSERT INTO teams_user (password, is_superuser, username, first_name, last_name, email, is_staff, "
        "is_active, date_joined, display_name, is_auditor, is_manager) "
        "VALUES ('x', true, 'intruder', '', '', '', false, true, now(), '', false, false)"
    ),
    "delete accounts": "DELETE FROM teams_user",
    **{f"truncate {table}": f"TRUNCATE {table} CASCADE" for table in sorted(RECORD)},
    **{f"delete from {table}": f"DELETE FROM {table}" for table in sorted(RECORD)},  # noqa: S608
    **{f"rewrite the id of {table}": f"UPDATE {table} SET id = id" for table in sorted(RECORD)},  # noqa: S608
}


def url(user: str, name: str) -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    """A database made as a deployment makes it: roles, migration by the owner, the demo."""
    admin = settings.DATABASES["default"]["USER"]
    suffix = f"{os.getpid()}"
    name, owner, app = f"relais_roles_{suffix}", f"relais_owner_{suffix}", f"relais_app_{suffix}"
    var = tmp_path_factory.mktemp("var")
    env = {
        **os.environ,
        "DATABASE_URL": url(app, name),
        "DATABASE_OWNER_URL": url(owner, name),
        "RELAIS_VAR_DIR": str(var),
        "RELAIS_AUDIT_CHECKPOINT_DIR": str(var / "checkpoints"),
    }

    def manage(*args: str, as_env: dict | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=as_env or env, capture_output=True, text=True
        )

    done = manage("db_roles", "--admin-url", url(admin, "postgres"))
    assert done.returncode == 0, done.stderr
    migrated = manage("migrate", "--no-input")
    assert migrated.returncode == 0, migrated.stderr
    seeded = manage("seed_demo")  # as the service's role: data, not schema
    assert seeded.returncode == 0, seeded.stderr
    yield {"env": env, "name": name, "owner": owner, "app": app, "manage": manage}
    with psycopg.connect(url(admin, "postgres"), autocommit=True) as cleanup:
        cleanup.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cleanup.execute(f'DROP ROLE IF EXISTS "{app}"')
        cleanup.execute(f'DROP ROLE IF EXISTS "{owner}"')


def test_the_service_role_owns_nothing_and_cannot_become_more(deployment):
    with psycopg.connect(url(deployment["app"], deployment["name"])) as service:
        owned = service.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = current_user"
        ).fetchone()[0]
        flags = service.execute(
            "SELECT rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls FROM pg_roles "
            "WHERE rolname = current_user"
        ).fetchone()
    assert owned == 0 and flags == (False, False, False, False, False)


@pytest.mark.parametrize("attempt", sorted(REFUSED))
def test_each_way_to_rewrite_the_log_is_refused_to_the_service_role(deployment, attempt):
    with psycopg.connect(url(deployment["app"], deployment["name"])) as service:
        before = service.execute("SELECT count(*), max(id) FROM audit_accessevent").fetchone()
        service.rollback()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            service.execute(REFUSED[attempt])
        service.rollback()
        assert service.execute("SELECT count(*), max(id) FROM audit_accessevent").fetchone() == before


def counts(service, tables) -> dict[str, int]:
    return {t: service.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}  # noqa: S608


@pytest.mark.parametrize("attempt", sorted(RECORD_REFUSED))
def test_each_way_to_erase_or_rewrite_the_record_is_refused_to_the_service_role(deployment, attempt):
    with psycopg.connect(url(deployment["app"], deployment["name"])) as service:
        before = counts(service, RECORD)
        service.rollback()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            service.execute(RECORD_REFUSED[attempt])
        service.rollback()
        assert counts(service, RECORD) == before


SET_ONCE = {
    "a verdict on an emergency access": (
        "UPDATE consent_glassbreak SET verdict = 'justified', review_comment = 'ok', reviewed_at = now(), "
        "reviewed_by_id = (SELECT id FROM teams_user WHERE username = 'audit') WHERE id = {id}",
        "UPDATE consent_glassbreak SET verdict = 'not_justified' WHERE id = {id}",
        "consent_glassbreak",
    ),
    "the end of a follow-up": (
        "UPDATE records_followup SET closed_at = now() WHERE id = {id}",
        "UPDATE records_followup SET closed_at = NULL, closed_by_id = NULL WHERE id = {id}",
        "records_followup",
    ),
}


@pytest.mark.parametrize("what", sorted(SET_ONCE))
def test_what_is_decided_once_cannot_be_decided_again_by_the_service_role(deployment, what):
    first, again, table = SET_ONCE[what]
    with psycopg.connect(url(deployment["app"], deployment["name"])) as service:
        row = service.execute(f"SELECT min(id) FROM {table}").fetchone()[0]  # noqa: S608
        service.execute(first.format(id=row))  # the one legitimate decision
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            service.execute(again.format(id=row))
        service.rollback()


def test_the_service_role_changes_what_it_legitimately_changes(deployment):
    with psycopg.connect(url(deployment["app"], deployment["name"])) as service:
        service.execute("UPDATE records_person SET phone = phone, notify_by_email = notify_by_email")
        service.execute(
            "UPDATE teams_user SET last_login = now(), password = password WHERE username = 'camille'"
        )
        service.execute("UPDATE consent_notice SET read_at = now()")
        service.rollback()


def test_the_service_role_reads_and_appends_to_the_log(deployment):
    with psycopg.connect(url(deployment["app"], deployment["name"])) as service:
        assert service.execute("SELECT count(*) FROM audit_accessevent").fetchone()[0] > 0
        assert service.execute("SELECT count(*) FROM audit_chainhead").fetchone()[0] > 0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def call(
    base: str, method: str, path: str, token: str | None = None, body: dict | None = None
) -> tuple[int, dict]:
    request = urllib.request.Request(
        base + path,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={
            "Content-Type": "application/json",
            **({"Authorization": f"Token {token}"} if token else {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as answer:  # noqa: S310 (the local server)
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_the_service_serves_as_its_own_role(deployment):
    port = free_port()
    env = {**deployment["env"], "ALLOWED_HOSTS": "127.0.0.1", "DEBUG": "False"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "relais.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/api/v1/receipt-key/", timeout=1)  # noqa: S310
                break
            except OSError:  # not serving yet
                time.sleep(0.2)
        status, body = call(
            base, "POST", "/api/v1/auth/token/", body={"username": "camille", "password": PASSWORD}
        )
        assert status == 200, body
        token = body["token"]
        status, persons = call(base, "GET", "/api/v1/persons/", token)
        assert status == 200 and persons["results"]
        jo = next(p for p in persons["results"] if p["display_name"] == "Jo")
        me = call(base, "GET", "/api/v1/me/", token)[1]
        team = next(t["team"]["id"] for t in me["teams"] if t["team"]["name"] == "Maraude Nord")
        status, note = call(
            base,
            "POST",
            f"/api/v1/persons/{jo['id']}/notes/",
            token,
            {"team": team, "category": "housing", "body": "Vu ce matin, tout va bien."},
        )
        assert status == 201, note
        told = call(base, "GET", "/api/v1/information/", token)[1][0]["id"]
        status, consent = call(
            base,
            "POST",
            f"/api/v1/persons/{jo['id']}/consents/",
            token,
            {"team": team, "categories": ["housing", "contact"], "purpose": "Continuité", "method": "oral"}
            | {"information": told, "legal_basis": "casf_l121_6_2"},
        )
        assert status == 201, consent
        auditor = call(base, "POST", "/api/v1/auth/token/", body={"username": "audit", "password": PASSWORD})[
            1
        ]
        status, verdict = call(base, "GET", "/api/v1/audit/verify/", auditor["token"])
        assert status == 200 and verdict["ok"], verdict
    finally:
        server.terminate()
        server.wait(timeout=20)
    verified = deployment["manage"]("verify_audit")
    assert verified.returncode == 0, verified.stderr


def test_the_retention_job_erases_as_the_owner_and_never_as_the_service(deployment):
    """A demo person whose follow-ups ended eight years ago, archived six years ago: the service's
    role cannot erase them (nor archive anyone); the job, run as the deployment runs it (the owner
    role), erases them, records it, and the log still verifies."""
    with psycopg.connect(url(deployment["owner"], deployment["name"]), autocommit=True) as owner:
        person = owner.execute(
            "SELECT id FROM records_person WHERE account_id IS NULL AND display_name <> 'Jo' ORDER BY id LIMIT 1"
        ).fetchone()[0]
        owner.execute(
            "UPDATE records_followup SET closed_at = now() - interval '8 years' "
            "WHERE person_id = %s AND closed_at IS NULL",
            [person],
        )
        owner.execute(
            "UPDATE records_person SET archived_at = now() - interval '6 years' WHERE id = %s", [person]
        )
    service_only = {k: v for k, v in deployment["env"].items() if k != "DATABASE_OWNER_URL"}
    refused = deployment["manage"]("apply_retention", as_env=service_only)
    assert refused.returncode != 0 and "permission denied" in refused.stderr
    with psycopg.connect(url(deployment["owner"], deployment["name"])) as owner:
        assert owner.execute("SELECT count(*) FROM records_person WHERE id = %s", [person]).fetchone()[0] == 1
    done = deployment["manage"]("apply_retention")
    assert done.returncode == 0, done.stderr
    assert f"erased: #{person}" in done.stdout
    with psycopg.connect(url(deployment["owner"], deployment["name"])) as owner:
        assert owner.execute("SELECT count(*) FROM records_person WHERE id = %s", [person]).fetchone()[0] == 0
        assert (
            owner.execute("SELECT count(*) FROM records_note WHERE person_id = %s", [person]).fetchone()[0]
            == 0
        )
    verified = deployment["manage"]("verify_audit")
    assert verified.returncode == 0, verified.stdout + verified.stderr
