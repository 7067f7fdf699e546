"""R7 under concurrency: a withdrawal, once answered, holds (issue "Written in stone", §2).

The person renews a consent in their space while a worker withdraws it, at the same moment; and a
worker changes a consent while another withdraws it. The three acts take one lock on the consent and
read its life again under it, so at most one of each pair succeeds, and a withdrawal that succeeded
leaves the team with no current consent. SQLite runs one writer at a time, which gives the same order.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone
from rest_framework.test import APIClient

from consent.models import Consent, Status
from tests.factories import give_consent, informed, make_member, make_person, make_portal_account, make_team

ROUNDS = 10

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL"),
]


def client_of(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def at_once(*calls) -> list[int]:
    """Run the calls in threads released together; their status codes, in order."""
    barrier, statuses = threading.Barrier(len(calls)), [0] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            statuses[index] = call().status_code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def current_consent_of(person, team) -> Consent | None:
    latest = Consent.objects.filter(person=person, team=team).order_by("-id").first()
    return latest if latest is not None and latest.status == Status.CURRENT else None


def test_a_renewal_never_undoes_a_withdrawal_sent_at_the_same_moment(flushable_audit):
    team = make_team("Maraude", ("housing", "contact"))
    nadia = make_member(team, username="nadia")
    jo = make_person(team, display_name="Jo")
    account = make_portal_account(jo)
    for _ in range(ROUNDS):
        consent = give_consent(
            jo, team, ["housing", "contact"], by=nadia, valid_until=timezone.now() + timedelta(days=10)
        )
        renewal, withdrawal = at_once(
            lambda c=consent: client_of(account).post(f"/api/v1/portal/consents/{c.pk}/renewal/", {}),
            lambda c=consent: client_of(nadia).post(f"/api/v1/consents/{c.pk}/withdraw/", {"method": "oral"}),
        )
        # Renewed first (the withdrawal finds it replaced), or withdrawn first (the renewal finds it
        # ended, before or under the lock): never both.
        assert (renewal, withdrawal) in {(201, 409), (409, 200), (400, 200)}, (renewal, withdrawal)
        if withdrawal == 200:
            assert current_consent_of(jo, team) is None
        # The next round starts from a consent of its own.
        latest = current_consent_of(jo, team)
        if latest is not None:
            assert (
                client_of(nadia)
                .post(f"/api/v1/consents/{latest.pk}/withdraw/", {"method": "oral"})
                .status_code
                == 200
            )


def test_a_change_never_undoes_a_withdrawal_sent_at_the_same_moment(flushable_audit):
    team = make_team("Maraude", ("housing", "contact"))
    nadia = make_member(team, username="nadia")
    camille = make_member(team, username="camille")
    jo = make_person(team, display_name="Jo")
    for _ in range(ROUNDS):
        consent = give_consent(jo, team, ["housing"], by=nadia)
        change = {
            "team": team.pk,
            "categories": ["housing", "contact"],
            "purpose": "Suivi",
            "method": "oral",
            "replaces": consent.pk,
            **informed(),
        }
        recorded, withdrawal = at_once(
            lambda change=change: client_of(camille).post(
                f"/api/v1/persons/{jo.pk}/consents/", change, format="json"
            ),
            lambda c=consent: client_of(nadia).post(f"/api/v1/consents/{c.pk}/withdraw/", {"method": "oral"}),
        )
        assert (recorded, withdrawal) in {(201, 409), (409, 200)}, (recorded, withdrawal)
        if withdrawal == 200:
            assert current_consent_of(jo, team) is None
        latest = current_consent_of(jo, team)
        if latest is not None:
            assert (
                client_of(nadia)
                .post(f"/api/v1/consents/{latest.pk}/withdraw/", {"method": "oral"})
                .status_code
                == 200
            )
