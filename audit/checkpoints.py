"""Signed statements about the chain that live outside its reach.

A checkpoint (count, last id, last hash, time) is signed with the service's Ed25519 key and written
to ``RELAIS_AUDIT_CHECKPOINT_DIR``, a folder that should sit on other storage than the database: a
chain cannot see its own tail cut off, a checkpoint can. An anchor is the same statement kept in the
database by ``purge_audit``, where the chain resumes after the events it removed.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from audit.models import AccessEvent, Anchor
from relais import signing


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


def _statement(seq: int, last_id: int, last_hash: str) -> dict:
    return {"count": seq, "last_id": last_id, "last_hash": last_hash, "at": timezone.now().isoformat()}


def write() -> dict:
    """Sign the chain's current head and write it to the checkpoint folder; return the statement."""
    last = AccessEvent.objects.order_by("-seq").values_list("seq", "id", "hash").first()
    payload = _statement(*last) if last else _statement(0, 0, "0" * 64)
    text, signature = signing.sign(payload, _signing_key())
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"checkpoint-{payload['count']:015d}-{timezone.now():%Y%m%dT%H%M%S%f}.json"
    path = folder / name
    path.write_text(json.dumps({"payload": json.loads(text), "signature": signature}, indent=2) + "\n")
    return payload | {"file": str(path)}


def _valid(document: dict) -> dict | None:
    payload, signature = document.get("payload"), document.get("signature")
    if not isinstance(payload, dict) or not isinstance(signature, str):
        return None
    if not signing.verify(payload, signature, settings.RELAIS_CHECKPOINT_PUBLIC_KEY):
        return None
    return payload


def latest() -> dict | None:
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


def make_anchor(seq: int, last_id: int, last_hash: str) -> Anchor:
    payload = _statement(seq, last_id, last_hash)
    text, signature = signing.sign(payload, _signing_key())
    return Anchor.objects.create(
        seq=seq, last_id=last_id, hash=last_hash, created_at=timezone.now(), payload=text, signature=signature
    )


def anchor_is_valid(anchor: Anchor) -> bool:
    try:
        payload = json.loads(anchor.payload)
    except ValueError:
        return False
    return _valid({"payload": payload, "signature": anchor.signature}) is not None and (
        payload.get("count"),
        payload.get("last_id"),
        payload.get("last_hash"),
    ) == (anchor.seq, anchor.last_id, anchor.hash)
