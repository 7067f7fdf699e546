"""Issue 21, item 16: every code the recorder can write reads as words in the auditors' log, from
one mapping (``audit.wording``); the French log shows no raw or English value."""

import ast
from pathlib import Path

import pytest
from django.utils import translation

from audit import recorder, wording
from audit.recorder import Event
from consent.models import GlassBreak, SpaceReset
from core import domain_errors
from teams import oidc
from teams.models import AccountCode
from web.presence import Presence

ROOT = Path(__file__).resolve().parents[2]
APPS = ("access", "audit", "consent", "records", "teams", "relais")
# Calls whose arguments, at a known place, are the codes the recorder writes as a reason.
CODE_ARGUMENT = {"GlassRefusal": 0, "_code_refused": 0, "failed": 2, "_refused": 3, "_advance": 4}


SEPARATORS = {"", "; ", ", "}


def _constants(node: ast.AST) -> list[str]:
    """The literal strings of an expression (a code, a choice between codes, codes joined), but not
    the fixed parts of an f-string, whose shapes ``SHAPED`` below covers."""
    if isinstance(node, ast.JoinedStr):
        return []
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [] if node.value in SEPARATORS else [node.value]
    if isinstance(node, ast.IfExp):
        parts = [node.body, node.orelse]
    elif isinstance(node, ast.Tuple | ast.List):
        parts = list(node.elts)
    elif isinstance(node, ast.GeneratorExp | ast.ListComp):
        parts = [generator.iter for generator in node.generators]
    elif isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "join":
        parts = list(node.args)
    else:
        parts = []
    return [found for part in parts for found in _constants(part)]


def _written_codes() -> set[str]:
    """Every literal reason in the application's source: ``reason="…"`` and the code arguments of
    the functions that pass theirs on to the recorder."""
    codes: set[str] = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if not isinstance(node, ast.Call):
                    continue
                for keyword in node.keywords:
                    if keyword.arg == "reason":
                        codes.update(_constants(keyword.value))
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                position = CODE_ARGUMENT.get(name or "")
                if position is not None and len(node.args) > position:
                    codes.update(_constants(node.args[position]))
    return {code for code in codes if code}


def _refusals(cls: type) -> set[str]:
    return {sub.__name__ for sub in cls.__subclasses__()} | {
        name for sub in cls.__subclasses__() for name in _refusals(sub)
    }


def every_code() -> set[str]:
    return (
        _written_codes()
        | _refusals(domain_errors.Refusal)
        | set(GlassBreak.Reason.values)
        | set(GlassBreak.EndReason.values)
        | set(GlassBreak.Verdict.values)
        | set(SpaceReset.Verdict.values)
        | set(Presence.values)
        | set(AccountCode.Purpose.values)
        | set(oidc.WHY)
        # what sign-ins and their limits pass as a method or a cause (``teams.factors``,
        # ``teams.sign_in_limits``, ``teams.oidc``)
        | {"totp", "passkey", "recovery code", "account", "address", "account and address"}
        | {"address and account", "factor", "enrol", "password"}
    )


# The reasons that carry a value, as the application writes them.
SHAPED = [
    "stopped (account): camille",
    "through OIDC (unverified): camille@example.org",
    "through OIDC, stopped (address and account): camille",
    "given password, no second factor to check: camille",
    "second factor: camille",
    "account code without its second factor: camille",
    "totp, after a reset started by a manager",
    "3 left",
    "all tokens (2)",
    "ok; 12 checked",
    "12 events; person=3",
    "password, code made by account 4",
    "NotAMember on /api/v1/persons/",
    "through OIDC; second step asked",
    "factor, enrol",
    "refusal; by_phone",
    "totp, new password",
]


def test_the_application_writes_codes_the_test_can_find():
    codes = every_code()
    assert {"by the person", "author", "refusal", "danger_to_life", "NotAMember", "unknown code"} <= codes


@pytest.mark.parametrize("code", sorted(every_code()))
def test_every_code_the_recorder_writes_reads_as_french_words(code):
    assert wording.known(code), f"no words for {code!r}: add it to audit.wording.REASONS"
    with translation.override("fr"):
        label = wording.reason_label(code)
    assert label and label != code, f"{code!r} is shown raw in French"


@pytest.mark.parametrize("reason", SHAPED)
def test_reasons_that_carry_a_value_read_as_french_words(reason):
    assert wording.known(reason)
    with translation.override("fr"):
        label = wording.reason_label(reason)
    assert label != reason
    for raw in ("stopped", "through OIDC", "left", "checked", "code made", "second step", "by_phone"):
        assert raw not in label


def test_something_typed_is_shown_as_recorded():
    assert wording.reason_label("person=3&action=note.view") == "person=3&action=note.view"


def test_the_french_log_shows_words_for_stored_codes(web, auditor, worker, person, team):
    for action, reason in [
        ("representative.end", "by the person"),
        ("glass_break.open", "danger_to_life"),
        ("note.list", "author"),
        ("auth.login", "password"),
        ("consent.record", "refusal; by_phone"),
    ]:
        recorder.record(worker, Event(action=action, person_id=person.pk, team_id=team.pk, reason=reason))
    page = web.as_(auditor).get("/audit/").content.decode().replace("&#x27;", "'")
    rows = page.split("<tbody>")[-1].split("</tbody>")[0]
    for words in (
        "par la personne",
        "danger de mort",
        "note de l'auteur",
        "mot de passe",
        "refus; la personne",
    ):
        assert words in rows
    for raw in ("by the person", "danger_to_life", ">author<", "auth.login", "by_phone", "own note"):
        assert raw not in rows
