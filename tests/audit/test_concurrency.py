"""R6 under load: concurrent writers on PostgreSQL queue on the chain head and never fork the chain."""

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
    assert verdict.ok and verdict.checked == before + THREADS * ROUNDS * PER_ROUND
    written = set(AccessEvent.objects.filter(person_id__gte=0).values_list("person_id", flat=True))
    expected = {
        n * 10_000 + i * 10 + k for n in range(THREADS) for i in range(ROUNDS) for k in range(PER_ROUND)
    }
    assert expected <= written
    seqs = list(AccessEvent.objects.order_by("id").values_list("seq", flat=True))
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_writer_leaves_no_link_behind(flushable_audit):
    """An event that rolls back never becomes the predecessor of the next one."""
    with pytest.raises(RuntimeError), transaction.atomic():
        recorder.record(recorder.system("tests"), Event(action="person.view", person_id=1))
        raise RuntimeError("the request failed after recording")
    recorder.record(recorder.system("tests"), Event(action="person.view", person_id=2))
    assert chain.verify().ok
    assert list(AccessEvent.objects.values_list("person_id", flat=True)) == [2]
