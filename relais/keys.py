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


@dataclass(frozen=True)
class Secrets:
    secret_key: str
    field_keys: tuple[tuple[str, bytes], ...]  # (key id, 32 bytes), newest first
    audit_key: bytes
    signing_key: bytes  # raw Ed25519 private key, 32 bytes


def _generate() -> dict[str, str]:
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "RELAIS_FIELD_KEYS": "k1:" + base64.b64encode(os.urandom(32)).decode(),
        "RELAIS_AUDIT_KEY": base64.b64encode(os.urandom(32)).decode(),
        "RELAIS_SIGNING_KEY": base64.b64encode(
            Ed25519PrivateKey.generate().private_bytes(
                serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
            )
        ).decode(),
    }


def _b64(name: str, value: str, length: int) -> bytes:
    try:
        raw = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured(f"{name} is not valid base64. Make one with: {HOW_TO_MAKE[name]}") from exc
    if len(raw) != length:
        raise ImproperlyConfigured(
            f"{name} must decode to {length} bytes, not {len(raw)}. Make one with: {HOW_TO_MAKE[name]}"
        )
    return raw


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
    if missing:
        stored_path = var_dir / "keys.json"
        if stored_path.exists():
            stored = json.loads(stored_path.read_text())
        else:
            stored = _generate()
            var_dir.mkdir(parents=True, exist_ok=True)
            stored_path.touch(mode=0o600)
            stored_path.write_text(json.dumps(stored, indent=2))
        for name in missing:
            values[name] = stored[name]
    return Secrets(
        secret_key=values["SECRET_KEY"],
        field_keys=parse_field_keys(values["RELAIS_FIELD_KEYS"]),
        audit_key=_b64("RELAIS_AUDIT_KEY", values["RELAIS_AUDIT_KEY"], 32),
        signing_key=_b64("RELAIS_SIGNING_KEY", values["RELAIS_SIGNING_KEY"], 32),
    )
