"""Signed receipts of consents given and withdrawn (R7), verifiable by anyone with the public key."""

from __future__ import annotations

import base64
import json
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings


def canonical_json(payload: dict) -> bytes:
    """Keys sorted, no spaces, UTF-8: the one byte form that is signed and verified."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@lru_cache(maxsize=2)
def _private_key(raw: bytes) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(raw)


def public_key_bytes() -> bytes:
    return (
        _private_key(settings.RELAIS_SIGNING_KEY)
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )


def sign(payload: dict) -> tuple[str, str]:
    """Return the canonical payload text and its base64 signature."""
    data = canonical_json(payload)
    signature = _private_key(settings.RELAIS_SIGNING_KEY).sign(data)
    return data.decode(), base64.b64encode(signature).decode()


def verify(payload: dict, signature: str, public_key: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(
            base64.b64decode(signature), canonical_json(payload)
        )
    except (InvalidSignature, ValueError):
        return False
    return True
