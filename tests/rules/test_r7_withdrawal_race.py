"""R7 under load: no read is recorded as allowed by a consent after that consent's withdrawal.

Twenty readers list a person's notes without pause while a worker withdraws the consent that lets
them; repeated. Reads and withdrawals serialise on the consent: a read holds a share lock on the
consent it relies on until it commits, and the withdrawal locks it for update first, so every
allowed event naming the consent comes before the withdrawal's event, in the log's order and in
time (issue "All or nothing", §5). SQLite runs one writer at a time, which gives the same order.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from audit.models import AccessEvent
from tests.factories import give_consent, make_member, make_note, make_person, make_team

READERS, ROUNDS = 20, 3

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL"),
]


def client_of(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def read_until(stop: threading.Event, started: threading.Barrier, user, url: str, failures: list) -> None:
    client = client_of(user)
    try:
        started.wait()
        while not stop.is_set():
            answer = client.get(url)
            if answer.status_code != 200:
                failures.append(f"{answer.status_code} {answer.content[:200]!r}")
    finally:
        connections.close_all()


def withdraw_under_reads(readers, worker, person, consent) -> list[str]:
    """Start the readers, withdraw the consent while they read, stop them; return their failures."""
    stop, started, failures = threading.Event(), threading.Barrier(len(readers) + 1), []
    url = f"/api/v1/persons/{person.pk}/notes/"
    threads = [threading.Thread(target=read_until, args=(stop, started, r, url, failures)) for r in readers]
    for thread in threads:
        thread.start()
    started.wait()
    time.sleep(0.5)  # the readers are in full flow
    answer = client_of(worker).post(f"/api/v1/consents/{consent.pk}/withdraw/", {"method": "oral"})
    assert answer.status_code == 200, answer.content
    time.sleep(0.5)
    stop.set()
    for thread in threads:
        thread.join()
    return failures


def test_no_read_allowed_by_a_consent_is_recorded_after_its_withdrawal(flushable_audit):
    team = make_team("Maraude", ("housing",))
    worker = make_member(team, username="camille")
    readers = [make_member(team) for _ in range(READERS)]
    person = make_person(team)
    for _ in range(5):
        make_note(person, worker, team, "housing")
    for _ in range(ROUNDS):
        consent = give_consent(person, team, ["housing"], by=worker)
        assert withdraw_under_reads(readers, worker, person, consent) == []
        withdrawal = AccessEvent.objects.get(action="consent.withdraw", consent_id=consent.pk)
        relying = AccessEvent.objects.filter(outcome="allowed", action="note.list", consent_id=consent.pk)
        assert relying.exists()  # the readers did read under the consent before it ended
        assert not relying.filter(id__gt=withdrawal.id).exists()
        assert not relying.filter(occurred_at__gt=withdrawal.occurred_at).exists()
        later = AccessEvent.objects.filter(action="note.list", id__gt=withdrawal.id)
        assert later.exists() and not later.filter(consent_id=consent.pk).exists()
