"""The log leaves the database: a stream of JSON lines that resumes without loss or repetition, a
checkpoint process of its own, and verification against both (issue "Least privilege", §2)."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from audit import chain, checkpoints
from audit.models import AccessEvent
from core import keys
from tests.audit import tampering
from tests.factories import write_events

ROOT = Path(__file__).resolve().parents[2]


def streamed(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_the_stream_holds_every_event_once_and_resumes_where_it_stopped(db, tmp_path):
    out = tmp_path / "audit.jsonl"
    write_events(30)
    call_command("export_audit", "--stream", "-o", str(out))
    first = streamed(out)
    write_events(12)
    call_command("export_audit", "--stream", "-o", str(out))  # a restart: only what is new
    lines = streamed(out)
    in_db = set(AccessEvent.objects.values_list("id", flat=True))
    ids = [line["id"] for line in lines]
    assert len(ids) == len(set(ids))  # nothing twice
    assert set(ids) >= in_db - {e for e in in_db if e > max(ids)}  # nothing lost
    assert len(lines) > len(first)
    event = AccessEvent.objects.get(pk=lines[0]["id"])
    assert (lines[0]["body"], lines[0]["hash"], lines[0]["chain"]) == (event.body, event.hash, event.chain)


def test_a_torn_last_line_is_dropped_and_written_again(db, tmp_path):
    out = tmp_path / "audit.jsonl"
    write_events(5)
    call_command("export_audit", "--stream", "-o", str(out))
    whole = out.read_text()
    out.write_text(whole[:-20])  # the process died mid-line
    call_command("export_audit", "--stream", "-o", str(out))
    # The torn line is written again whole, after what came since in the chains before its own.
    assert set(out.read_text().splitlines()) >= set(whole.splitlines())
    ids = [line["id"] for line in streamed(out)]
    assert len(ids) == len(set(ids))


def test_each_chain_resumes_after_the_positions_given(db, tmp_path, capsys):
    write_events(5)
    [(number, top)] = AccessEvent.objects.filter(action="person.view").values_list("chain", "seq")[:1]
    call_command("export_audit", "--stream", "--after", f"{number}:{top}")
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert all(not (line["chain"] == number and line["seq"] <= top) for line in lines)


def test_a_cut_tail_is_named_against_the_checkpoint_and_against_the_stream(db, tmp_path):
    out = tmp_path / "audit.jsonl"
    write_events(20)
    write_events(20)
    statement = checkpoints.write()
    call_command("export_audit", "--stream", "-o", str(out))
    number = (
        AccessEvent.objects.filter(action="person.view").order_by("-id").values_list("chain", flat=True)[0]
    )
    last = list(AccessEvent.objects.filter(chain=number).order_by("-seq").values_list("id", "seq")[:5])
    with tampering.triggers_off():
        for event_id, _seq in last:
            tampering.delete(event_id)
        verdict = chain.verify()
        assert not verdict.ok and verdict.kind == "missing_tail" and statement["at"] in verdict.reason
        # The checkpoint counts what it signed; the stream holds what was exported (each may have
        # been followed by an event of its own on the same chain).
        seqs = sorted(seq for _id, seq in last)
        counted = checkpoints.heads(statement)[number]["count"]
        assert f"events {seqs[0]} to {min(seqs[-1], counted)} of chain {number} are missing" in verdict.reason
        with pytest.raises(CommandError) as refused:
            call_command("verify_audit", "--against", str(out), verbosity=0)
        streamed = {(r["chain"], r["seq"]) for r in map(json.loads, out.read_text().splitlines())}
        gone = sorted((seq, event_id) for event_id, seq in last if (number, seq) in streamed)
        (first, first_id), (end, end_id) = gone[0], gone[-1]
        assert f"chain {number}: events {first}–{end} (#{first_id}–#{end_id})" in str(refused.value)


def test_a_tail_cut_after_the_last_checkpoint_is_still_named_by_the_stream(db, tmp_path):
    out = tmp_path / "audit.jsonl"
    checkpoints.write()
    write_events(15)  # after the checkpoint: only the stream saw these
    call_command("export_audit", "--stream", "-o", str(out))
    victim = AccessEvent.objects.order_by("-id").first()
    with tampering.triggers_off():
        tampering.delete(victim.pk)
        assert chain.verify().ok  # the chains alone cannot see their end removed
        with pytest.raises(CommandError, match=f"#{victim.pk}"):
            call_command("verify_audit", "--against", str(out), verbosity=0)


def test_the_json_verdict_is_not_ok_when_the_stream_disagrees(db, tmp_path, capsys):
    out = tmp_path / "audit.jsonl"
    checkpoints.write()
    write_events(15)
    call_command("export_audit", "--stream", "-o", str(out))
    victim = AccessEvent.objects.order_by("-id").first()
    capsys.readouterr()
    with tampering.triggers_off():
        tampering.delete(victim.pk)
        with pytest.raises(CommandError):
            call_command("verify_audit", "--json", "--against", str(out))
    verdict = json.loads(capsys.readouterr().out)
    assert verdict["ok"] is False and verdict["stream"]["ok"] is False


def test_verify_against_an_intact_stream_says_so(db, tmp_path, capsys):
    out = tmp_path / "audit.jsonl"
    write_events(10)
    call_command("export_audit", "--stream", "-o", str(out))
    call_command("verify_audit", "--against", str(out))
    assert "holds the" in capsys.readouterr().out


def test_checkpoints_are_pruned_to_the_newest(db, checkpoint_folder):
    for _ in range(5):
        write_events(1)
        checkpoints.write()
        time.sleep(0.01)
    assert checkpoints.prune(keep=2) == 3 and len(list(checkpoint_folder.iterdir())) == 2


@pytest.mark.django_db(transaction=True)
def test_audit_checkpoint_every_runs_on_its_own_until_stopped(flushable_audit, tmp_path, settings):
    """A process of its own, writing a checkpoint as the log grows, stopped cleanly by SIGTERM."""
    from django.db import connection

    if connection.vendor == "sqlite":
        pytest.skip("the test database in memory is the test process's own")
    folder = tmp_path / "checkpoints"
    write_events(3)
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "RELAIS_AUDIT_CHECKPOINT_DIR": str(folder),
    }
    process = subprocess.Popen(
        [sys.executable, "manage.py", "audit_checkpoint", "--every", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
    )
    try:
        deadline = time.time() + 30
        while time.time() < deadline and not (folder.exists() and list(folder.iterdir())):
            time.sleep(0.2)
        write_events(3)
        deadline = time.time() + 30
        while time.time() < deadline and len(list(folder.iterdir())) < 2:
            time.sleep(0.2)
        assert len(list(folder.iterdir())) >= 2
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0


def test_make_checkpoint_key_prints_a_pair_the_service_accepts(tmp_path):
    out = io.StringIO()
    call_command("make_checkpoint_key", stdout=out)
    made = dict(line.split("=", 1) for line in out.getvalue().split())
    both = {name: made[name] for name in ("RELAIS_CHECKPOINT_KEY", "RELAIS_CHECKPOINT_PUBLIC_KEY")}
    environ = {**keys._generate(), **both}  # the checkpoint process holds both halves
    loaded = keys.load(environ, tmp_path, production=True)
    assert loaded.checkpoint_public_key == keys.public_of(loaded.checkpoint_key)
    web_only = {k: v for k, v in environ.items() if k != "RELAIS_CHECKPOINT_KEY"}
    assert keys.load(web_only, tmp_path, production=True).checkpoint_key is None
