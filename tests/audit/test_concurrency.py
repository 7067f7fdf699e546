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
def test_an_append_that_waited_for_a_chain_links_to_what_its_holder_committed(flushable_audit, monkeypatch):
    """The chain's last link is read after the chain is held: an append that queued behind another
    sees the event that one committed (a read with the snapshot its statement began with would not,
    and would take the same place in the chain)."""
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
    monkeypatch.setattr(
        chain, "_FREE_HEAD", dict.fromkeys(chain._FREE_HEAD, "SELECT id FROM audit_chainhead WHERE 1 = 0")
    )
    monkeypatch.setattr(chain.random, "randint", lambda low, high: holding[0])
    waiter_started.set()
    recorder.record(recorder.system("waiter"), Event(action="person.view", person_id=3))
    thread.join()

    assert errors == []
    seqs = dict(AccessEvent.objects.filter(person_id__in=[2, 3]).values_list("person_id", "seq"))
    chains = set(AccessEvent.objects.filter(person_id__in=[2, 3]).values_list("chain", flat=True))
    assert chains == {holding[0]} and seqs[3] == seqs[2] + 1
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
