"""Issue 21 (R11): dates and times are told in the deployment's time zone everywhere: pages,
messages, e-mails and receipts. The deployment is in Paris and it is 23:30 UTC on 6 December,
00:30 on the 7th in Paris: a time told in UTC shows the wrong hour, and the wrong day."""

from datetime import UTC, datetime

import pytest
from django.core import mail
from django.utils import timezone

from audit import chain
from consent.notices import email as notice_email
from tests.factories import give_consent

NOW = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)  # 00:30 on 7 December in Paris


@pytest.fixture
def in_paris_just_after_midnight(settings, monkeypatch):
    settings.TIME_ZONE = "Europe/Paris"
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    monkeypatch.setattr(chain.time, "time_ns", lambda: int(NOW.timestamp() * 10**9))


def _local(text: str) -> None:
    assert "00:30" in text, "the local time is missing"
    assert "23:30" not in text and "6 décembre" not in text, "a time is told in UTC"
    assert "7 décembre 2026" in text or "07/12/2026" in text


def test_pages_messages_emails_and_receipts_tell_local_time(
    in_paris_just_after_midnight, web, worker, person, team, auditor
):
    consent = give_consent(person, team, ["housing"], by=worker)
    web.as_(worker)
    # the receipt, in words (its signed JSON keeps the exact instant, in UTC, for machines)
    _local(web.get(f"/consents/{consent.pk}/receipt/").content.decode().split("<details>")[0])
    # a page: what is new since the last visit
    _local(web.get("/handover/").content.decode().split("<main")[1])
    # a message: the confirmation of an emergency access, which ends four hours later (04:30 in Paris)
    response = web.post(
        f"/persons/{person.pk}/emergency/",
        {
            "team": team.pk,
            "categories": ["support_plan"],
            "reason": "danger_to_life",
            "statement": "Hospitalisé, injoignable.",
            "hours": 4,
        },
        follow=True,
    )
    assert response.redirect_chain, [
        line for line in response.content.decode().splitlines() if "error" in line
    ]
    message = response.content.decode().split('class="messages"')[1].split("</div>")[0]
    assert "7 décembre 2026 04:30" in message and "03:30" not in message
    # an e-mail: a code for a space, good for a while
    assert notice_email.send_code("jo@example.org", "ABCD-EFGH", NOW)
    _local(mail.outbox[-1].body)
    # the auditors' page
    rows = web.as_(auditor).get("/audit/").content.decode().split("<tbody>")[-1]
    assert "00:30" in rows and "23:30" not in rows and "07/12/2026" in rows
