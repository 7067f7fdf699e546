"""The schema tells the truth, and a fuzzer says so (issue "All or nothing", §4).

schemathesis runs against the live service (a real HTTP server over the test database, on SQLite
and on PostgreSQL alike), with every check on, as a member, a manager, an auditor and a person's
portal account: each kind of user reaches the operations that are theirs, and is refused the others.
It must find no server error, no answer outside the schema, no undocumented status; and the access
log must verify afterwards. The figures of each run are printed (``pytest -s`` shows them).

Each kind's run asks every operation the fuzzing phase's examples, and explores its own operations in
full (the coverage phase: every boundary, every wrong type, every undocumented method, some forty
cases an operation): the coverage phase of an operation refused to a kind would only be refused
forty times more. The operations that end the caller's own tokens come in a last run of their own:
asked among the others, they ended the token early and left the rest of the run anonymous.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from audit import chain
from tests.factories import (
    PASSWORD,
    UserFactory,
    give_consent,
    make_member,
    make_note,
    make_person,
    make_portal_account,
    make_team,
)

# The fuzzing phase asks every operation six examples as each kind of user; the coverage phase adds
# its cases for the kind whose operations they are (``OWN``). The seed is fixed and no example
# database is kept between runs (``--generation-database none``): every run, on either database and
# on any machine, asks the same examples of every operation, so a failure is reproduced by rerunning.
EXAMPLES_PER_OPERATION = 6
SEED = 20261126
KINDS = ("member", "manager", "auditor", "person")
# The operations of each kind, by path: a member's are every one the others do not own (persons,
# notes, consents, follow-ups, emergency accesses, representatives, renewals, one's own account).
# Together they partition the API: every operation is explored in full by exactly one kind.
OWN = {
    "manager": r"^/api/v1/(teams|users)/",
    "auditor": r"^/api/v1/audit/",
    "person": r"^/api/v1/portal/",
}
OTHERS = "^({})".format("|".join(own[1:] for own in OWN.values()))
# The operations that end tokens (one's own, or all of an account's): asked last, in a run of their own.
ENDS_TOKENS = r"/tokens?/revoke/$"
# What a request valid for the schema may still get: business rules the schema cannot say (a team
# that does not follow the person, a category the mission does not need) are a 400; a conflict, 409.
POSITIVE_STATUSES = ["2xx", "400", "401", "403", "404", "409", "429"]

CONFIG = """
[checks]
enabled = true

[checks.positive_data_acceptance]
expected-statuses = {positive}

[[operations]]
include-path-regex = '{not_own}'
phases.coverage.enabled = false
"""


def not_own(kind: str) -> str:
    """The operations whose coverage phase ``kind``'s run leaves to the kind that owns them."""
    return OTHERS if kind == "member" else f"^(?!{OWN[kind][1:]})"


# schemathesis, with ast.parse taken one thread at a time: its two workers have Hypothesis describe
# strategies with ast.parse at once, which CPython 3.11 does not always survive ("AST constructor
# recursion depth mismatch", a runtime error of the tool, never an answer of Relais).
LAUNCHER = """
import ast, sys, threading
_lock, _parse = threading.Lock(), ast.parse
def _one_at_a_time(*args, **kwargs):
    with _lock:
        return _parse(*args, **kwargs)
ast.parse = _one_at_a_time
from schemathesis.cli import schemathesis
sys.exit(schemathesis())
"""


def schemathesis() -> list[str]:
    found = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    assert found, "schemathesis is a test dependency (pip install -e '.[dev]')"
    return [sys.executable, "-c", LAUNCHER]


@pytest.fixture
def world(flushable_audit, settings):
    """Two teams, persons with and without consent, notes, and one account of each kind."""
    settings.DEBUG = False
    team = make_team("Maraude Nord", ("contact", "housing", "support_plan", "administrative"))
    other = make_team("CSAPA Est", ("contact", "health", "addiction"))
    worker = make_member(team, username="camille")
    make_member(other, username="nadia")
    jo = make_person(team, other, display_name="Jo")
    give_consent(jo, team, ["housing", "contact"], by=worker)
    for i in range(3):
        make_note(jo, worker, team, "housing", f"Note {i}")
        make_person(team, display_name=f"Personne {i}")
    return {
        "member": worker,
        "manager": UserFactory(username="direction", is_manager=True),
        "auditor": UserFactory(username="audit", is_auditor=True),
        "person": make_portal_account(jo, "jo"),
    }


def token_for(base: str, user) -> str:
    import urllib.request

    request = urllib.request.Request(
        f"{base}/api/v1/auth/token/",
        data=json.dumps({"username": user.username, "password": PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as answer:  # noqa: S310 (the live test server)
        return json.loads(answer.read())["token"]


def fuzz(base: str, token: str, workdir: Path, kind: str, *operations: str) -> dict:
    """One schemathesis run as ``kind`` (its token), over the ``operations`` chosen by filters."""
    workdir.mkdir(exist_ok=True)
    config = workdir / "schemathesis.toml"
    config.write_text(CONFIG.format(positive=json.dumps(POSITIVE_STATUSES), not_own=not_own(kind)))
    report = workdir / "report.json"
    command = [
        *schemathesis(),
        "--config-file",
        str(config),
        "run",
        f"{base}/api/schema/?format=json",
        "--checks",
        "all",
        "--max-examples",
        str(EXAMPLES_PER_OPERATION),
        "--seed",
        str(SEED),
        "--generation-database",
        "none",
        "--workers",
        # SQLite's test database lives in memory, shared between threads without waiting for locks.
        "2",
        "--header",
        f"Authorization: Token {token}",
        "--report",
        "json",
        "--report-json-path",
        str(report),
        "--suppress-health-check",
        "all",
        "--no-color",
        *operations,
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=900)
    summary = json.loads(report.read_text()) if report.exists() else {}
    return {"returncode": run.returncode, "stdout": run.stdout, "report": summary}


def signed_in(base: str, token: str) -> bool:
    """Whether ``token`` still opens its account."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(f"{base}/api/v1/me/", headers={"Authorization": f"Token {token}"})
    try:
        with urllib.request.urlopen(request):  # noqa: S310 (the live test server)
            return True
    except urllib.error.HTTPError:
        return False


@pytest.mark.parametrize("kind", KINDS)
def test_the_fuzzer_finds_no_error_and_no_answer_outside_the_schema(live_server, world, kind, tmp_path):
    token = token_for(live_server.url, world[kind])
    for step, operations in (
        ("every operation", ("--exclude-path-regex", ENDS_TOKENS)),
        ("the operations that end tokens", ("--include-path-regex", ENDS_TOKENS)),
    ):
        # The token still opens the account: the first run was asked as ``kind`` to its end, not as
        # an anonymous caller after a revocation halfway through.
        assert signed_in(live_server.url, token), f"the token of {kind} was ended before {step}"
        result = fuzz(live_server.url, token, tmp_path / step.replace(" ", "-"), kind, *operations)
        figures = result["report"]
        print(f"\nschemathesis as {kind}, {step}: {json.dumps(figures, indent=1)[:3000]}")
        assert result["returncode"] == 0, result["stdout"][-6000:]
    verdict = chain.verify()
    assert verdict.ok, verdict


def failure_kinds(report: dict) -> Counter:
    return Counter(f.get("title", "?") for f in report.get("failures", []))
