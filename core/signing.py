"""Ed25519 signatures over canonical JSON: consent receipts (R7) and the audit chain's checkpoints (R6).

Anyone with the public key can verify them. Receipts are signed with ``RELAIS_SIGNING_KEY``;
checkpoints and purge anchors with a key of their own, held by the process that writes them.
"""

from __future__ import annotations

import base64
import json
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings


def canonical_json(payload: dict[str, Any]) -> bytes:
    """Keys sorted, no spaces, UTF-8: the one byte form that is signed and verified."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@lru_cache(maxsize=4)
def _private_key(raw: bytes) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(raw)


def public_key_of(private_key: bytes) -> bytes:
    return (
        _private_key(private_key)
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )


def receipt_public_key() -> bytes:
    """The key that verifies receipts, published at /api/v1/receipt-key/."""
    return public_key_of(settings.RELAIS_SIGNING_KEY)


def sign(payload: dict[str, Any], private_key: bytes | None = None) -> tuple[str, str]:
    """Return the canonical payload text and its base64 signature (by the receipts' key by default)."""
    data = canonical_json(payload)
    signature = _private_key(private_key or settings.RELAIS_SIGNING_KEY).sign(data)
    return data.decode(), base64.b64encode(signature).decode()


def verify(payload: dict[str, Any], signature: str, public_key: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(
            base64.b64decode(signature), canonical_json(payload)
        )
    except (InvalidSignature, ValueError):
        return False
    return True
