"""Loading of the service's secrets from the environment.

Keys never sit in the repository and are never derived from ``SECRET_KEY``. In development a first
run writes the missing ones into the ignored ``var/`` folder so that a newcomer sets nothing up; in
production a missing key stops start-up with a message that names it and says how to make one.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ImproperlyConfigured

HOW_TO_MAKE = {
    "SECRET_KEY": "python -c 'import secrets; print(secrets.token_urlsafe(50))'",
    "RELAIS_FIELD_KEYS": (
        "python -c 'import base64,os; print(\"k1:\" + base64.b64encode(os.urandom(32)).decode())'"
    ),
    "RELAIS_AUDIT_KEY": "python -c 'import base64,os; print(base64.b64encode(os.urandom(32)).decode())'",
    "RELAIS_SIGNING_KEY": "python -c 'import base64,os; print(base64.b64encode(os.urandom(32)).decode())'",
}
# The checkpoint key signs the audit chain's heads. Only the process that writes checkpoints (and
# purges) holds the private key; the web process verifies with the public one.
CHECKPOINT_KEY_HOW_TO = (
    "python manage.py make_checkpoint_key (prints RELAIS_CHECKPOINT_KEY for the checkpoint process "
    "and RELAIS_CHECKPOINT_PUBLIC_KEY for the web process)"
)


@dataclass(frozen=True)
class Secrets:
    secret_key: str
    field_keys: tuple[tuple[str, bytes], ...]  # (key id, 32 bytes), newest first
    audit_key: bytes
    signing_key: bytes  # raw Ed25519 private key, 32 bytes
    checkpoint_key: bytes | None  # raw Ed25519 private key; absent from the web process in production
    checkpoint_public_key: bytes


def _ed25519() -> str:
    return base64.b64encode(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )
    ).decode()


def public_of(private: bytes) -> bytes:
    return (
        Ed25519PrivateKey.from_private_bytes(private)
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )


def new_checkpoint_pair() -> tuple[str, str]:
    """A new checkpoint key and its public half, both base64 of the raw 32 bytes."""
    private = _ed25519()
    return private, base64.b64encode(public_of(base64.b64decode(private))).decode()


def _generate() -> dict[str, str]:
    return {
        "RELAIS_CHECKPOINT_KEY": _ed25519(),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "RELAIS_FIELD_KEYS": "k1:" + base64.b64encode(os.urandom(32)).decode(),
        "RELAIS_AUDIT_KEY": base64.b64encode(os.urandom(32)).decode(),
        "RELAIS_SIGNING_KEY": _ed25519(),
    }


def _b64(name: str, value: str, length: int) -> bytes:
    how = HOW_TO_MAKE.get(name, CHECKPOINT_KEY_HOW_TO)
    try:
        raw = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured(f"{name} is not valid base64. Make one with: {how}") from exc
    if len(raw) != length:
        raise ImproperlyConfigured(
            f"{name} must decode to {length} bytes, not {len(raw)}. Make one with: {how}"
        )
    return raw


def _checkpoint_keys(
    environ: os._Environ[str] | dict[str, str], stored: dict[str, str] | None
) -> tuple[bytes | None, bytes]:
    private_text = environ.get("RELAIS_CHECKPOINT_KEY", "")
    public_text = environ.get("RELAIS_CHECKPOINT_PUBLIC_KEY", "")
    if not private_text and not public_text and stored is not None:
        private_text = stored.get("RELAIS_CHECKPOINT_KEY", "")
    private = _b64("RELAIS_CHECKPOINT_KEY", private_text, 32) if private_text else None
    if public_text:
        public = _b64("RELAIS_CHECKPOINT_PUBLIC_KEY", public_text, 32)
        if private is not None and public_of(private) != public:
            raise ImproperlyConfigured(
                "RELAIS_CHECKPOINT_PUBLIC_KEY is not the public key of RELAIS_CHECKPOINT_KEY."
            )
        return private, public
    if private is None:
        raise ImproperlyConfigured(
            "RELAIS_CHECKPOINT_PUBLIC_KEY is not set: the service verifies the audit chain's signed "
            f"checkpoints with it. Make the pair with: {CHECKPOINT_KEY_HOW_TO}"
        )
    return private, public_of(private)


def parse_field_keys(value: str) -> tuple[tuple[str, bytes], ...]:
    """Parse ``id:base64key`` pairs, newest first; ids must be unique and free of ``:``."""
    keys: list[tuple[str, bytes]] = []
    for part in filter(None, (p.strip() for p in value.split(","))):
        key_id, sep, encoded = part.partition(":")
        if not sep or not key_id:
            raise ImproperlyConfigured(
                "RELAIS_FIELD_KEYS must hold comma-separated 'id:base64key' pairs, newest first. "
                f"Make one with: {HOW_TO_MAKE['RELAIS_FIELD_KEYS']}"
            )
        if any(key_id == known for known, _ in keys):
            raise ImproperlyConfigured(f"RELAIS_FIELD_KEYS names the key id {key_id!r} twice.")
        keys.append((key_id, _b64("RELAIS_FIELD_KEYS", encoded, 32)))
    if not keys:
        raise ImproperlyConfigured(
            f"RELAIS_FIELD_KEYS is empty. Make one with: {HOW_TO_MAKE['RELAIS_FIELD_KEYS']}"
        )
    return tuple(keys)


def load(environ: os._Environ[str] | dict[str, str], var_dir: Path, production: bool) -> Secrets:
    """Read the secrets; in development, fill the gaps from (or into) ``var/keys.json``."""
    values = {name: environ.get(name, "") for name in HOW_TO_MAKE}
    missing = [name for name, value in values.items() if not value]
    if missing and production:
        name = missing[0]
        raise ImproperlyConfigured(
            f"{name} is not set, and RELAIS_ENV=production never generates keys. "
            f"Make one with: {HOW_TO_MAKE[name]} and set it in the environment."
        )
    checkpoint_set = environ.get("RELAIS_CHECKPOINT_KEY") or environ.get("RELAIS_CHECKPOINT_PUBLIC_KEY")
    stored = None if production or not (missing or not checkpoint_set) else _stored(var_dir)
    for name in missing:
        values[name] = stored[name] if stored is not None else ""
    checkpoint_key, checkpoint_public_key = _checkpoint_keys(environ, stored)
    return Secrets(
        secret_key=values["SECRET_KEY"],
        field_keys=parse_field_keys(values["RELAIS_FIELD_KEYS"]),
        audit_key=_b64("RELAIS_AUDIT_KEY", values["RELAIS_AUDIT_KEY"], 32),
        signing_key=_b64("RELAIS_SIGNING_KEY", values["RELAIS_SIGNING_KEY"], 32),
        checkpoint_key=checkpoint_key,
        checkpoint_public_key=checkpoint_public_key,
    )


def _stored(var_dir: Path) -> dict[str, str]:
    """The development keys in ``var/keys.json``, made on first use; a key added since is filled in."""
    stored_path = var_dir / "keys.json"
    stored = json.loads(stored_path.read_text()) if stored_path.exists() else {}
    fresh = _generate()
    if not set(fresh) <= set(stored):
        stored = {**fresh, **stored}
        var_dir.mkdir(parents=True, exist_ok=True)
        stored_path.touch(mode=0o600)
        stored_path.write_text(json.dumps(stored, indent=2))
    return stored
