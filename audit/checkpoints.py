"""Signed statements about the chains that live outside their reach.

A checkpoint names every chain's head (count, last id, last hash) and the time; it is signed with
``RELAIS_CHECKPOINT_KEY``, a key the web process does not hold, and written to
``RELAIS_AUDIT_CHECKPOINT_DIR``, a folder that should sit on other storage than the database: a
chain cannot see its own tail cut off, a checkpoint can. An anchor is the same statement for one
chain, kept in the database by ``purge_audit``, where the chain resumes after the events it removed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Max
from django.utils import timezone

from audit.models import AccessEvent, Anchor
from core import signing


def _signing_key() -> bytes:
    key = settings.RELAIS_CHECKPOINT_KEY
    if key is None:
        raise ImproperlyConfigured(
            "Signing a checkpoint needs RELAIS_CHECKPOINT_KEY. It belongs to the process that runs "
            "audit_checkpoint and purge_audit, not to the web process, which needs only "
            "RELAIS_CHECKPOINT_PUBLIC_KEY."
        )
    return key


def _folder() -> Path:
    return Path(settings.RELAIS_AUDIT_CHECKPOINT_DIR)


def current_heads(using: str = "default") -> dict[str, dict[str, Any]]:
    """Every chain's committed head: {chain: {count, last_id, last_hash}}; a chain whose events were
    all purged has its anchor for head."""
    heads = {
        str(anchor.chain): {"count": anchor.seq, "last_id": anchor.last_id, "last_hash": anchor.hash}
        for anchor in Anchor.objects.using(using).order_by("seq")
    }
    events = AccessEvent.objects.using(using)
    tops = dict(events.values("chain").annotate(top=Max("seq")).values_list("chain", "top"))
    for chain, top in sorted(tops.items()):
        last_id, last_hash = events.filter(chain=chain, seq=top).values_list("id", "hash").get()
        heads[str(chain)] = {"count": top, "last_id": last_id, "last_hash": last_hash}
    return dict(sorted(heads.items(), key=lambda item: int(item[0])))


def write(using: str = "default") -> dict[str, Any]:
    """Sign every chain's head and write it to the checkpoint folder; return the statement."""
    heads = current_heads(using)
    payload = {
        "chains": heads,
        "count": sum(head["count"] for head in heads.values()),
        "last_id": max((head["last_id"] for head in heads.values()), default=0),
        "at": timezone.now().isoformat(),
    }
    text, signature = signing.sign(payload, _signing_key())
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"checkpoint-{payload['count']:015d}-{timezone.now():%Y%m%dT%H%M%S%f}.json"
    path = folder / name
    path.write_text(json.dumps({"payload": json.loads(text), "signature": signature}, indent=2) + "\n")
    return payload | {"file": str(path)}


def _valid(document: dict[str, Any]) -> dict[str, Any] | None:
    payload, signature = document.get("payload"), document.get("signature")
    if not isinstance(payload, dict) or not isinstance(signature, str):
        return None
    if not signing.verify(payload, signature, settings.RELAIS_CHECKPOINT_PUBLIC_KEY):
        return None
    return payload


def latest() -> dict[str, Any] | None:
    """The signed checkpoint with the highest count; files that do not verify are ignored."""
    best = None
    folder = _folder()
    if not folder.is_dir():
        return None
    for path in folder.glob("checkpoint-*.json"):
        try:
            payload = _valid(json.loads(path.read_text()))
        except (OSError, ValueError):
            continue
        if payload is not None and (
            best is None or (payload["count"], payload["at"]) > (best["count"], best["at"])
        ):
            best = payload
    return best


def heads(checkpoint: dict[str, Any] | None) -> dict[int, dict[str, Any]]:
    """The heads a checkpoint signs, by chain (a checkpoint of the one-chain log signs chain 1)."""
    if checkpoint is None:
        return {}
    if "chains" in checkpoint:
        return {int(chain): head for chain, head in checkpoint["chains"].items()}
    return {1: {key: checkpoint[key] for key in ("count", "last_id", "last_hash")}}


def make_anchor(chain: int, seq: int, last_id: int, last_hash: str, using: str = "default") -> Anchor:
    payload = {
        "chain": chain,
        "count": seq,
        "last_id": last_id,
        "last_hash": last_hash,
        "at": timezone.now().isoformat(),
    }
    text, signature = signing.sign(payload, _signing_key())
    return Anchor.objects.using(using).create(
        chain=chain,
        seq=seq,
        last_id=last_id,
        hash=last_hash,
        created_at=timezone.now(),
        payload=text,
        signature=signature,
    )


def anchor_is_valid(anchor: Anchor) -> bool:
    try:
        payload = json.loads(anchor.payload)
    except ValueError:
        return False
    return _valid({"payload": payload, "signature": anchor.signature}) is not None and (
        payload.get("chain", 1),
        payload.get("count"),
        payload.get("last_id"),
        payload.get("last_hash"),
    ) == (anchor.chain, anchor.seq, anchor.last_id, anchor.hash)


def prune(*, keep: int) -> int:
    """Remove the oldest checkpoint files beyond the newest ``keep``; return how many went."""
    files = sorted(_folder().glob("checkpoint-*.json"), key=lambda path: path.stat().st_mtime, reverse=True)
    for path in files[keep:]:
        path.unlink(missing_ok=True)
    return max(len(files) - keep, 0)
