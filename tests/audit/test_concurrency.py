"""R6 under load: concurrent writers on PostgreSQL take free chain heads and never fork a chain."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from audit import chain, recorder
from audit.models import AccessEvent
from audit.recorder import Event

THREADS, ROUNDS, PER_ROUND = 8, 25, 3

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL")


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_leave_one_valid_chain_with_every_event(flushable_audit):
    before = AccessEvent.objects.count()
    start = threading.Barrier(THREADS)
    errors: list[Exception] = []

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(ROUNDS):
                with transaction.atomic():
                    recorder.record(
                        recorder.system(f"thread {n}"),
                        *(
                            Event(action="person.view", person_id=n * 10_000 + i * 10 + k)
                            for k in range(PER_ROUND)
                        ),
                    )
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    verdict = chain.verify()
    started = AccessEvent.objects.filter(action="audit.chain_start").count()
    assert verdict.ok and verdict.checked == before + THREADS * ROUNDS * PER_ROUND + started
    written = set(AccessEvent.objects.filter(person_id__gte=0).values_list("person_id", flat=True))
    expected = {
        n * 10_000 + i * 10 + k for n in range(THREADS) for i in range(ROUNDS) for k in range(PER_ROUND)
    }
    assert expected <= written
    by_chain: dict[int, list[int]] = {}
    for number, seq in AccessEvent.objects.order_by("id").values_list("chain", "seq"):
        by_chain.setdefault(number, []).append(seq)
    assert len(by_chain) > 1  # the writers spread over the chains instead of queueing behind one
    assert all(seqs == list(range(1, len(seqs) + 1)) for seqs in by_chain.values())


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_writer_leaves_no_link_behind(flushable_audit):
    """An event that rolls back never becomes the predecessor of the next one."""
    with pytest.raises(RuntimeError), transaction.atomic():
        recorder.record(recorder.system("tests"), Event(action="person.view", person_id=1))
        raise RuntimeError("the request failed after recording")
    recorder.record(recorder.system("tests"), Event(action="person.view", person_id=2))
    assert chain.verify().ok
    recorded = AccessEvent.objects.exclude(action="audit.chain_start")
    assert list(recorded.values_list("person_id", flat=True)) == [2]


@pytest.mark.django_db(transaction=True)
def test_an_append_that_waited_for_a_chain_links_to_what_its_holder_committed(flushable_audit, settings):
    """The chain's last link is read after the chain is held: an append that queued behind another
    sees the event that one committed (a read with the snapshot its statement began with would not,
    and would take the same place in the chain). One chain: the waiter must queue behind the holder."""
    settings.RELAIS_AUDIT_CHAINS = 1
    recorder.record(recorder.system("tests"), Event(action="person.view", person_id=1))  # chains made
    held = chain.lock_head  # the holder takes any chain; the waiter must queue behind that one
    holding: list[int] = []
    holder_locked, waiter_started = threading.Event(), threading.Event()
    errors: list[Exception] = []

    def holder() -> None:
        try:
            with transaction.atomic():
                number, *_ = held()
                holding.append(number)
                holder_locked.set()
                waiter_started.wait(5)
                time.sleep(0.3)  # the waiter's statement has begun, and waits for the chain
                recorder.record(recorder.system("holder"), Event(action="person.view", person_id=2))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=holder)
    thread.start()
    holder_locked.wait(5)
    waiter_started.set()
    recorder.record(recorder.system("waiter"), Event(action="person.view", person_id=3))
    thread.join()

    assert errors == []
    seqs = dict(AccessEvent.objects.filter(person_id__in=[2, 3]).values_list("person_id", "seq"))
    chains = set(AccessEvent.objects.filter(person_id__in=[2, 3]).values_list("chain", flat=True))
    assert chains == {holding[0]} and seqs[3] == seqs[2] + 1
    assert chain.verify().ok


@pytest.mark.django_db(transaction=True)
def test_an_append_that_finds_every_chain_busy_waits_for_one_and_links_all_its_events(
    flushable_audit, settings, monkeypatch
):
    """More writers than chains: the append queues behind a busy chain in the same call that found
    none free (not behind the whole log's lock, which only a missing chain takes), and links as many
    events as it writes."""
    settings.RELAIS_AUDIT_CHAINS = 2
    recorder.record(recorder.system("tests"), Event(action="person.view", person_id=1))  # chains made
    before = AccessEvent.objects.count()

    def whole_log_lock(using: str) -> None:
        raise AssertionError("no chain is missing: the log's lock would queue every append behind it")

    monkeypatch.setattr(chain, "_create_missing_heads", whole_log_lock)
    locked = threading.Event()
    errors: list[Exception] = []

    def holder() -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT id FROM audit_chainhead FOR UPDATE")
                locked.set()
                time.sleep(0.4)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=holder)
    thread.start()
    locked.wait(5)
    started = time.monotonic()
    for count in (1, 3, 7):
        recorder.record(
            recorder.system("tests"), *(Event(action="person.view", person_id=k) for k in range(count))
        )
    waited = time.monotonic() - started
    thread.join()

    assert errors == [] and waited > 0.2  # the first append waited for the busy chains
    assert AccessEvent.objects.count() == before + 11
    assert chain.verify().ok


@pytest.mark.django_db(transaction=True)
def test_appends_leave_the_chains_rows_as_they_were(flushable_audit):
    """A chain's head is its last event: appends lock its row and never write it, so a busy log
    leaves no dead row versions to scan."""
    recorder.record(recorder.system("tests"), Event(action="person.view", person_id=1))

    def versions() -> dict[int, str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, xmin::text FROM audit_chainhead")
            return dict(cursor.fetchall())

    before = versions()
    for n in range(20):
        with recorder.unit_of_work():
            recorder.record(recorder.system("tests"), Event(action="person.view", person_id=n))
    assert versions() == before
    assert chain.verify().ok
