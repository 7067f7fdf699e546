"""Retention: purge_audit removes old events through an anchor and leaves a verifiable chain."""

import time
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction

from audit import chain, checkpoints, purge, recorder
from audit.models import AccessEvent, Anchor, PurgePermit
from tests.audit import tampering
from tests.factories import write_events

DAY_NS = 86_400 * 10**9


@pytest.fixture
def old_and_new(db, monkeypatch):
    """30 events written 400 days ago, then 20 written now."""
    real = time.time_ns
    monkeypatch.setattr(chain.time, "time_ns", lambda: real() - 400 * DAY_NS)
    write_events(30)
    monkeypatch.setattr(chain.time, "time_ns", real)
    write_events(20)
    return tampering.ids()


def test_purge_removes_only_events_older_than_the_period(old_and_new):
    done = purge.purge_events(older_than=timedelta(days=365), actor=recorder.system("tests"))
    assert done.count == 30 and done.up_to_id == old_and_new[29]
    assert tampering.ids()[:20] == old_and_new[30:]


def test_the_chain_verifies_from_the_anchor_after_a_purge(old_and_new):
    purge.purge_events(older_than=timedelta(days=365), actor=recorder.system("tests"))
    verdict = chain.verify()
    assert verdict.ok and verdict.checked == 21
    anchor = Anchor.objects.get()
    assert checkpoints.anchor_is_valid(anchor) and anchor.last_id == old_and_new[29]


def test_the_purge_is_itself_recorded(old_and_new):
    purge.purge_events(older_than=timedelta(days=365), actor=recorder.system("tests"))
    event = AccessEvent.objects.order_by("-id").first()
    assert event.action == "audit.purge" and "30 events" in event.reason


def test_the_purge_leaves_a_checkpoint_and_no_permit(old_and_new):
    done = purge.purge_events(older_than=timedelta(days=365), actor=recorder.system("tests"))
    assert done.checkpoint["count"] == 51 and checkpoints.latest()["count"] == 51
    assert not PurgePermit.objects.exists()
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessEvent.objects.filter(pk=tampering.ids()[0]).delete()


def test_deleting_old_events_without_the_purge_is_detected(old_and_new):
    with tampering.triggers_off():
        for event_id in old_and_new[:30]:
            tampering.delete(event_id)
        assert chain.verify().first_bad == old_and_new[30]


def test_a_forged_anchor_does_not_excuse_deleted_events(old_and_new):
    with tampering.triggers_off():
        for event_id in old_and_new[:30]:
            tampering.delete(event_id)
        Anchor.objects.create(
            seq=30,
            last_id=old_and_new[29],
            hash="0" * 64,
            created_at="2026-01-01T00:00Z",
            payload="{}",
            signature="x",
        )
        assert chain.verify().first_bad == old_and_new[30]


def test_a_broken_chain_is_not_purged(old_and_new):
    with tampering.triggers_off():
        tampering.delete(old_and_new[3])
        with pytest.raises(purge.ChainBroken):
            purge.purge_events(older_than=timedelta(days=365), actor=recorder.system("tests"))
        assert AccessEvent.objects.count() == 49


def test_purge_audit_command_takes_days_and_reports(old_and_new, capsys):
    call_command("purge_audit", "--older-than", "365d")
    assert "30 events removed" in capsys.readouterr().out


def test_purge_audit_refuses_a_malformed_age(db):
    with pytest.raises(CommandError, match="365d"):
        call_command("purge_audit", "--older-than", "a year")


def test_nothing_old_means_nothing_removed(db):
    write_events(5)
    done = purge.purge_events(older_than=timedelta(days=365), actor=recorder.system("tests"))
    assert done.count == 0 and AccessEvent.objects.count() == 6 and chain.verify().ok
