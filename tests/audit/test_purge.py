"""Retention: purge_audit removes old events through an anchor and leaves a verifiable chain."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction
from django.utils import timezone

from audit import chain, checkpoints, purge, recorder
from audit.models import AccessEvent, Anchor, PurgePermit
from tests.audit import tampering
from tests.factories import write_events

DAY_NS = 86_400 * 10**9


@pytest.fixture
def old_and_new(db, monkeypatch):
    """30 events written 400 days ago (with the first event of every chain), then 20 written now."""
    real = time.time_ns
    monkeypatch.setattr(chain.time, "time_ns", lambda: real() - 400 * DAY_NS)
    write_events(30)
    monkeypatch.setattr(chain.time, "time_ns", real)
    write_events(20)
    return tampering.ids()


def old_ids() -> list[int]:
    cutoff = timezone.now() - timedelta(days=365)
    return list(
        AccessEvent.objects.filter(occurred_at__lt=cutoff).order_by("id").values_list("id", flat=True)
    )


def test_purge_removes_only_events_older_than_the_period(old_and_new):
    old = old_ids()
    assert len(old) == 30 + settings.RELAIS_AUDIT_CHAINS
    done = purge.purge_events(older_than=timedelta(days=365), actor=recorder.system("tests"))
    assert done.count == len(old) and done.up_to_id == max(old)
    assert tampering.ids()[:20] == [i for i in old_and_new if i not in old]


def test_the_chain_verifies_from_the_anchor_after_a_purge(old_and_new):
    purge.purge_events(older_than=timedelta(days=365), actor=recorder.system("tests"))
    verdict = chain.verify()
    assert verdict.ok and verdict.checked == 21
    anchors = Anchor.objects.all()
    assert len(anchors) == settings.RELAIS_AUDIT_CHAINS  # every chain had old events: its first one
    assert all(checkpoints.anchor_is_valid(anchor) for anchor in anchors)


def test_the_count_from_the_chains_heads_is_the_rows_before_and_after_a_purge(old_and_new):
    assert chain.committed_count() == AccessEvent.objects.count() == 50 + settings.RELAIS_AUDIT_CHAINS
    purge.purge_events(older_than=timedelta(days=365), actor=recorder.system("tests"))
    assert chain.committed_count() == AccessEvent.objects.count() == 21


def test_the_purge_is_itself_recorded(old_and_new):
    purge.purge_events(older_than=timedelta(days=365), actor=recorder.system("tests"))
    event = AccessEvent.objects.order_by("-id").first()
    assert event.action == "audit.purge" and f"{30 + settings.RELAIS_AUDIT_CHAINS} events" in event.reason


def test_the_purge_leaves_a_checkpoint_and_no_permit(old_and_new):
    done = purge.purge_events(older_than=timedelta(days=365), actor=recorder.system("tests"))
    total = 30 + 20 + 1 + settings.RELAIS_AUDIT_CHAINS  # the purge's own event, the chains' first ones
    assert done.checkpoint["count"] == total and checkpoints.latest()["count"] == total
    assert not PurgePermit.objects.exists()
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessEvent.objects.filter(pk=tampering.ids()[0]).delete()


def old_part_of_the_busy_chain() -> tuple[int, list[int], int]:
    """The chain of the 30 old events: its number, its old events, and its first recent one."""
    number = (
        AccessEvent.objects.exclude(action="audit.chain_start")
        .order_by("id")
        .values_list("chain", flat=True)[0]
    )
    old = [i for i in old_ids() if AccessEvent.objects.get(pk=i).chain == number]
    write_events(5)  # with luck in that chain; keep going until it has a recent event
    while not AccessEvent.objects.filter(chain=number, id__gt=max(old)).exists():
        write_events(1)
    return number, old, AccessEvent.objects.filter(chain=number, id__gt=max(old)).order_by("id")[0].pk


def test_deleting_old_events_without_the_purge_is_detected(old_and_new):
    _number, old, first_recent = old_part_of_the_busy_chain()
    with tampering.triggers_off():
        for event_id in old:
            tampering.delete(event_id)
        assert chain.verify().first_bad == first_recent


def test_a_forged_anchor_does_not_excuse_deleted_events(old_and_new):
    number, old, first_recent = old_part_of_the_busy_chain()
    with tampering.triggers_off():
        for event_id in old:
            tampering.delete(event_id)
        Anchor.objects.create(
            chain=number,
            seq=len(old),
            last_id=max(old),
            hash="0" * 64,
            created_at="2026-01-01T00:00Z",
            payload="{}",
            signature="x",
        )
        assert chain.verify().first_bad == first_recent


def test_a_broken_chain_is_not_purged(old_and_new):
    with tampering.triggers_off():
        tampering.delete(old_and_new[3])
        with pytest.raises(purge.ChainBroken):
            purge.purge_events(older_than=timedelta(days=365), actor=recorder.system("tests"))
        assert AccessEvent.objects.count() == len(old_and_new) - 1


def test_purge_audit_command_takes_days_and_reports(old_and_new, capsys):
    call_command("purge_audit", "--older-than", "365d")
    assert f"{30 + settings.RELAIS_AUDIT_CHAINS} events removed" in capsys.readouterr().out


def test_purge_audit_refuses_a_malformed_age(db):
    with pytest.raises(CommandError, match="365d"):
        call_command("purge_audit", "--older-than", "a year")


def test_nothing_old_means_nothing_removed(db):
    write_events(5)
    done = purge.purge_events(older_than=timedelta(days=365), actor=recorder.system("tests"))
    total = 5 + 1 + settings.RELAIS_AUDIT_CHAINS
    assert done.count == 0 and AccessEvent.objects.count() == total and chain.verify().ok
