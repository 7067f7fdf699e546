"""R6: the chain names the first bad event for any edit, deletion, insertion or reordering, and a
checkpoint catches a cut-off tail."""

import hmac
import json
import random

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from audit import chain, checkpoints
from audit.models import AccessEvent, Anchor
from tests.audit import tampering
from tests.factories import write_events

CHUNKS, PER_CHUNK = 20, 55  # 1,100 events, with a gap in the ids after each chunk
SEEDS = range(4)


@pytest.fixture
def long_chain(db) -> list[int]:
    for _ in range(CHUNKS):
        write_events(PER_CHUNK)
        tampering.burn_id()
    ids = tampering.ids()
    assert len(ids) == CHUNKS * PER_CHUNK + settings.RELAIS_AUDIT_CHAINS  # and the chains' first events
    assert chain.verify().ok
    return ids


def chain_of(event_id: int) -> int:
    return AccessEvent.objects.filter(pk=event_id).values_list("chain", flat=True).get()


def next_in_its_chain(event_id: int) -> int:
    """The event linked after this one: the next of its own chain, not the next id."""
    return (
        AccessEvent.objects.filter(chain=chain_of(event_id), id__gt=event_id)
        .order_by("id")
        .values_list("id", flat=True)
        .first()
    )


def first_bad() -> int | None:
    verdict = chain.verify()
    assert verdict.ok is (verdict.first_bad is None)
    return verdict.first_bad


def test_an_intact_chain_verifies_and_counts_every_event(long_chain):
    verdict = chain.verify()
    assert verdict.ok and verdict.checked == len(long_chain) and verdict.first_bad is None


@pytest.mark.parametrize("seed", SEEDS)
def test_an_edited_body_is_named(long_chain, seed):
    target = random.Random(seed).choice(long_chain)
    body, digest = tampering.row(target)
    data = json.loads(body)
    data["person"] = data["person"] + 1
    with tampering.triggers_off():
        tampering.set_row(target, chain.body_bytes(data).decode(), digest)
        assert first_bad() == target


@pytest.mark.parametrize("seed", SEEDS)
def test_an_edited_hash_is_named(long_chain, seed):
    target = random.Random(seed).choice(long_chain)
    body, _ = tampering.row(target)
    with tampering.triggers_off():
        tampering.set_row(target, body, "0" * 64)
        assert first_bad() == target


@pytest.mark.parametrize("seed", SEEDS)
def test_a_recomputed_hash_without_the_key_is_named(long_chain, seed):
    target = random.Random(seed).choice(long_chain)
    body, _ = tampering.row(target)
    data = json.loads(body) | {"action": "person.list"}
    forged_body = chain.body_bytes(data)
    previous = (
        bytes.fromhex(tampering.row(long_chain[long_chain.index(target) - 1])[1])
        if target != long_chain[0]
        else chain.GENESIS
    )
    forged = hmac.digest(b"a guessed key".ljust(32, b"\0"), previous + forged_body, "sha256").hex()
    with tampering.triggers_off():
        tampering.set_row(target, forged_body.decode(), forged)
        assert first_bad() == target


@pytest.mark.parametrize("seed", SEEDS)
def test_a_deleted_event_names_the_one_after_it_in_its_chain(long_chain, seed):
    target = random.Random(seed).choice(long_chain[:-60])
    after = next_in_its_chain(target)
    assert after is not None
    with tampering.triggers_off():
        tampering.delete(target)
        assert first_bad() == after


def test_deleting_the_oldest_events_of_a_chain_is_named(long_chain):
    oldest = list(
        AccessEvent.objects.filter(chain=chain_of(long_chain[-1])).order_by("id").values_list("id", flat=True)
    )
    with tampering.triggers_off():
        for event_id in oldest[:3]:
            tampering.delete(event_id)
        verdict = chain.verify()
    assert verdict.first_bad == oldest[3] and verdict.reason == chain.NO_START


def test_deleting_a_whole_chain_is_named_even_without_a_checkpoint(long_chain):
    whole = AccessEvent.objects.filter(chain=chain_of(long_chain[-1])).values_list("id", flat=True)
    with tampering.triggers_off():
        for event_id in list(whole):
            tampering.delete(event_id)
        verdict = chain.verify()
    assert not verdict.ok and verdict.kind == "missing_chain" and "missing entirely" in verdict.reason


@pytest.mark.parametrize("seed", SEEDS)
def test_moving_events_between_ids_is_named_even_across_chains(long_chain, seed):
    """The hash covers the id: the order of the whole log is held, not only each chain's."""
    rng = random.Random(seed)
    first, second = sorted(rng.sample(long_chain, 2))
    while chain_of(first) == chain_of(second):
        first, second = sorted(rng.sample(long_chain, 2))
    with tampering.triggers_off():
        tampering.swap(first, second)
        assert first_bad() == first


@pytest.mark.parametrize("seed", SEEDS)
def test_an_inserted_event_is_named(long_chain, seed):
    """A real event's content and hash replayed into a gap in the ids (seq is unique, so it gets a new one)."""
    rng = random.Random(seed)
    gap = rng.choice([i + 1 for i, j in zip(long_chain, long_chain[1:], strict=False) if j - i > 1])
    body, digest = tampering.row(rng.choice(long_chain))
    replayed = json.loads(body) | {"seq": 10**9 + seed}
    with tampering.triggers_off():
        tampering.insert(gap, chain.body_bytes(replayed).decode(), digest)
        assert first_bad() == gap


def test_an_event_appended_after_the_end_is_named(long_chain):
    body, digest = tampering.row(long_chain[-1])
    forged = json.loads(body) | {"seq": json.loads(body)["seq"] + 1, "action": "note.list"}
    with tampering.triggers_off():
        tampering.insert(long_chain[-1] + 5, chain.body_bytes(forged).decode(), "ab" * 32)
        assert first_bad() == long_chain[-1] + 5


@pytest.mark.parametrize("seed", SEEDS)
def test_two_swapped_events_name_the_first_of_them(long_chain, seed):
    first, second = sorted(random.Random(seed).sample(long_chain, 2))
    with tampering.triggers_off():
        tampering.swap(first, second)
        assert first_bad() == first


def test_swapped_neighbours_are_named(long_chain):
    first, second = long_chain[500], long_chain[501]
    with tampering.triggers_off():
        tampering.swap(first, second)
        assert first_bad() == first


def test_a_cut_off_tail_is_found_against_the_latest_checkpoint(long_chain):
    statement = checkpoints.write()
    with tampering.triggers_off():
        for event_id in long_chain[-10:]:
            tampering.delete(event_id)
        verdict = chain.verify()
    assert not verdict.ok and verdict.first_bad == long_chain[-1] and "missing" in verdict.reason
    assert statement["at"] in verdict.reason  # the time of the checkpoint that saw them


def test_without_a_checkpoint_a_cut_off_tail_goes_unseen(long_chain):
    """Why checkpoints exist: the chain alone cannot see its own end removed."""
    with tampering.triggers_off():
        tampering.delete(long_chain[-1])
        assert chain.verify().ok


def test_a_checkpoint_with_a_forged_signature_is_ignored(long_chain, checkpoint_folder):
    statement = checkpoints.write()
    path = checkpoint_folder / statement["file"].rsplit("/", 1)[1]
    document = json.loads(path.read_text())
    document["payload"]["count"] += 5
    path.write_text(json.dumps(document))
    assert checkpoints.latest() is None


def test_events_after_a_checkpoint_still_verify(long_chain):
    checkpoints.write()
    write_events(5)
    assert chain.verify().ok


def test_the_database_refuses_update(long_chain):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        tampering.execute("UPDATE audit_accessevent SET hash = %s WHERE id = %s", ["0" * 64, long_chain[3]])


def test_the_database_refuses_delete(long_chain):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessEvent.objects.filter(pk=long_chain[3]).delete()


def test_the_database_refuses_to_edit_an_anchor(long_chain):
    anchor = checkpoints.make_anchor(1, 1, long_chain[0], "0" * 64)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Anchor.objects.filter(pk=anchor.pk).update(hash="1" * 64)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_postgresql_refuses_truncate(long_chain):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        tampering.execute("TRUNCATE audit_accessevent")


def test_verify_audit_exits_non_zero_and_names_the_event(long_chain):
    target = long_chain[700]
    body, _ = tampering.row(target)
    with tampering.triggers_off():
        tampering.set_row(
            target, body.replace('"action":"person.view"', '"action":"person.list"'), tampering.row(target)[1]
        )
        with pytest.raises(CommandError, match=f"#{target}"):
            call_command("verify_audit", verbosity=0)


def test_verify_audit_reports_an_intact_chain(long_chain, capsys):
    call_command("verify_audit", verbosity=0)
    assert f"{len(long_chain)} events verified" in capsys.readouterr().out


def test_audit_checkpoint_refuses_to_sign_a_broken_chain(long_chain, checkpoint_folder):
    with tampering.triggers_off():
        tampering.delete(long_chain[10])
        with pytest.raises(CommandError, match="Not signing"):
            call_command("audit_checkpoint")
    assert not checkpoint_folder.exists() or not list(checkpoint_folder.iterdir())


def test_appends_in_one_process_continue_their_chains(db):
    """Each append links to the head that the previous one of its chain left, even within one
    transaction; every chain counts from 1 without a gap."""
    for _ in range(12):
        write_events(3)
    by_chain: dict[int, list[int]] = {}
    events = AccessEvent.objects.exclude(action="audit.chain_start").order_by("id")
    for number, seq in events.values_list("chain", "seq"):
        by_chain.setdefault(number, []).append(seq)
    assert all(seqs == list(range(2, len(seqs) + 2)) for seqs in by_chain.values())  # 1: the start
    assert sum(map(len, by_chain.values())) == 36 and chain.verify().ok


def test_the_events_spread_over_several_chains(db, settings):
    settings.RELAIS_AUDIT_CHAINS = 4
    for _ in range(40):
        write_events(1)
    assert set(AccessEvent.objects.values_list("chain", flat=True)) == {1, 2, 3, 4}


def test_when_every_head_is_busy_an_append_queues_behind_one(db, settings, monkeypatch):
    """With more writers than chains no head is free: the append waits for one chosen at random,
    and links as many events as it writes (the path twenty readers over eight chains take)."""
    settings.RELAIS_AUDIT_CHAINS = 2
    write_events(1)  # the heads exist
    busy = {vendor: chain._ANY_HEAD.replace("LIMIT 1", "LIMIT 0") for vendor in chain._FREE_HEAD}
    monkeypatch.setattr(chain, "_FREE_HEAD", busy)
    before = AccessEvent.objects.count()
    for count in (1, 3, 7):
        write_events(count)
    assert AccessEvent.objects.count() == before + 11
    assert chain.verify().ok


@pytest.mark.parametrize("key_length", [32, 64, 100])
def test_the_linker_is_hmac_sha256(key_length):
    key, previous, body = bytes(range(key_length)), b"\x01" * 32, b'{"seq":1}'
    assert chain.Linker(key)(previous, body) == hmac.digest(key, previous + body, "sha256")
    with_id = hmac.digest(key, previous + (77).to_bytes(8, "big") + body, "sha256")
    assert chain.Linker(key)(previous, body, 77) == with_id


def test_an_append_that_finds_every_head_busy_waits_for_one_without_the_logs_lock(db, monkeypatch):
    write_events(1)  # every chain's head exists
    no_free_head = "SELECT id FROM audit_chainhead WHERE 1 = 0"
    monkeypatch.setattr(chain, "_FREE_HEAD", dict.fromkeys(chain._FREE_HEAD, no_free_head))

    def whole_log_lock(using: str) -> None:
        raise AssertionError("no head is missing: the log's lock queues every append behind it")

    monkeypatch.setattr(chain, "_create_missing_heads", whole_log_lock)
    write_events(3)
    assert AccessEvent.objects.count() == settings.RELAIS_AUDIT_CHAINS + 4 and chain.verify().ok
