"""R6 under load: concurrent writers on PostgreSQL take free chain heads and never fork a chain."""

import threading

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
